package main

// luascope debug --library LIB.lua --function NAME checks NAME against the
// library file before anything is sent: a name the library does not
// register would otherwise start a forked debug session (SCRIPT DEBUG YES
// forks the real server) only to end with "the library registers no
// function NAME".

import (
	"slices"
	"strings"

	"luascope/redisx/ldb"
)

// debugFunctionCheck is a usage error when function is not a function's
// name, or when every register_function call of the library names its
// function with a literal and none is function. A library that registers
// a name it computes (a variable, a loop) is not refused: only the server
// can tell then.
func debugFunctionCheck(library, src, function string) error {
	if _, err := ldb.LibraryScript(src, function); err != nil {
		return usageErr("--function %s: %v", printable(function), err)
	}
	names, complete := ldb.RegisteredNames(src)
	if !complete || slices.Contains(names, function) {
		return nil
	}
	if len(names) == 0 {
		return usageErr("--function %s: %s registers no function (no redis.register_function call)", printable(function), printable(library))
	}
	return usageErr("--function %s: %s registers no function %s (it registers: %s)", printable(function), printable(library),
		printable(function), printable(strings.Join(names, ", ")))
}
