package ldb

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Redis's debugger (SCRIPT DEBUG) steps through EVAL scripts only: "the
// inline stepping debugger wasn't implemented for functions". The way
// users work around it is to turn the library back into a script by hand;
// LibraryScript does it so that nothing moves: the script defines the
// library's code as it is, registers nothing on the server, and calls the
// chosen function's callback with KEYS and ARGV.

// libraryShebang is a library's first line: "#!lua name=mylib".
var libraryShebang = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#!lua\b.*\bname=(\S+)`) })

// functionName is what Redis accepts as a function's name.
var functionName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]+$`) })

// IsLibrary reports whether src is a Redis Functions library (its first
// line is "#!lua name=…"), as FUNCTION LOAD requires.
func IsLibrary(src string) bool {
	first, _, _ := strings.Cut(src, "\n")
	return libraryShebang().MatchString(strings.TrimRight(first, "\r"))
}

// LibraryScript turns a Functions library into an EVAL script that runs
// function fn with KEYS as its keys and ARGV as its args, for the step
// debugger. Line N of the script is line N of the library, so the
// debugger's stops, breakpoints and error lines are the library's own:
// the "#!lua name=…" line (which EVAL refuses) becomes a prologue on that
// same line, where a local redis table whose register_function (both of
// its forms, a name and a callback or a table with function_name,
// callback and flags) records the callbacks, and reads everything else
// from the real redis; one line after the library calls fn's callback, or
// replies with an error naming the functions the library registers.
//
// What it cannot reproduce: the library is run once per call (a
// library's top-level code runs at FUNCTION LOAD on the server); a
// function's flags are recorded, not enforced (no-writes: debug on a
// read-only connection, where the script runs as EVAL_RO); and a function
// that calls another through FCALL runs the server's loaded copy. server,
// Valkey's name for redis, is the same local table (so a Valkey library's
// server.register_function works).
func LibraryScript(library, fn string) (string, error) {
	first, rest, _ := strings.Cut(library, "\n")
	m := libraryShebang().FindStringSubmatch(strings.TrimRight(first, "\r"))
	if m == nil {
		return "", fmt.Errorf("not a library: its first line must be #!lua name=NAME (FUNCTION LOAD's rule)")
	}
	if !functionName().MatchString(fn) {
		return "", fmt.Errorf("function %q: a function's name is letters, digits and underscores (FUNCTION LOAD's rule)", fn)
	}
	prologue := "local __lsx_fns, __lsx_names, __lsx_real = {}, {}, redis " +
		"local redis = setmetatable({register_function = function(a, b) " +
		"local name, cb if type(a) == 'table' then name, cb = a.function_name, a.callback else name, cb = a, b end " +
		"if type(name) ~= 'string' or type(cb) ~= 'function' then error('redis.register_function needs a name and a callback', 2) end " +
		"__lsx_fns[name] = cb __lsx_names[#__lsx_names + 1] = name end}, {__index = __lsx_real}) local server = redis " +
		"-- luascope: library " + strings.ReplaceAll(m[1], "\n", " ") + " as a script, to debug " + strings.ReplaceAll(fn, "\n", " ") + " (FUNCTION LOAD's #! line is EVAL's error)"
	epilogue := "local __lsx_f = __lsx_fns['" + fn + "'] " +
		"if not __lsx_f then return __lsx_real.error_reply('ERR luascope: the library registers no function " + fn + " (it registers: ' .. table.concat(__lsx_names, ', ') .. ')') end " +
		"return __lsx_f(KEYS, ARGV)"
	if !strings.HasSuffix(rest, "\n") && rest != "" {
		rest += "\n"
	}
	return prologue + "\n" + rest + epilogue + "\n", nil
}
