package main

deny contains msg if {
	count(numbers.range(1, 4e8)) > 0
	msg := "counted"
}
