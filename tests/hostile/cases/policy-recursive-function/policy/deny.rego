package main

f(x) := y if {
	y := f(x)
}

deny contains msg if {
	f(input.kind) == "Bad"
	msg := "unreachable"
}
