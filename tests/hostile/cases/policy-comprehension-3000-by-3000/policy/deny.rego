package main

deny contains msg if {
	pairs := [[i, j] | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000)]
	count(pairs) > 0
	msg := "paired"
}
