package main

deny contains msg if {
	input.kind == "Bad"
	msg := "kind Bad is not allowed"
}
