package ldb

import (
	"fmt"
	"strings"

	"github.com/yuin/gopher-lua/parse"
)

// The debugger's eval compiles "return "+code, else code, runs it with
// lua_pcall and prints a failure with lua_tostring. A non-string error
// (the table a failing redis.call raises in Redis 7, error({}), error())
// makes lua_tostring return NULL and the server crash on it — the forked
// child in fork mode, the server itself in sync mode. So the code runs
// inside pcall and any error that is not a string or a number is turned
// into one first: a Redis error table gives its err field, anything else
// tostring. The user's code starts on the first line of the wrapper and
// ends before a newline, so line numbers in messages stay right and a
// trailing "--" comment cannot swallow the wrapper's end.
const (
	evalFix = " if ok then return v end local t = type(v) if t == 'table' and type(v.err) == 'string' then v = v.err elseif t ~= 'string' and t ~= 'number' then v = tostring(v) end error(v, 0)"
	// exprHead/exprTail wrap an expression; the server's "return " goes in
	// front of the whole.
	exprHead = "(function(...) local ok, v = pcall(function(...) return "
	exprTail = "\nend)" + evalFix + " end)()"
	// stmtHead/stmtTail wrap statements; "return "+wrapper does not
	// compile, so the server falls back to the wrapper as a chunk.
	stmtHead = "local ok, v = pcall(function(...) "
	stmtTail = "\nend)" + evalFix
)

// wrapEval returns the code to send for an eval of code. Whether code is
// an expression decides the wrapper, as the server would decide; that is
// found with gopher-lua's parser (Lua 5.1 like the server's). Code that
// parses neither way is sent as it is, so the server's compile error (a
// string, harmless) names the user's code rather than the wrapper.
func wrapEval(code string) string {
	switch {
	case parses("return " + code):
		return exprHead + code + exprTail
	case parses(code):
		return stmtHead + code + stmtTail
	}
	return code
}

// parses reports whether src compiles as a chunk. The parser recovers
// from its own panics badly on odd input, so a panic counts as no.
func parses(src string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := parse.Parse(strings.NewReader(src), "ldb_eval")
	return err == nil
}

// splitEval cuts code into debugger arguments of 1 to 1024 bytes. The
// server joins eval's arguments with one space, so cutting at a space and
// dropping it gives back exactly the same code, even inside a string
// literal. A run of more than 1024 bytes without a space cannot be sent.
func splitEval(code string) ([]string, error) {
	if code == "" {
		return nil, fmt.Errorf("%w: eval needs code", ErrBadArgument)
	}
	var parts []string
	rest := code
	for len(rest) > maxArg {
		// The last space that leaves a non-empty part on both sides.
		i := strings.LastIndexByte(rest[:maxArg+1], ' ')
		if i == len(rest)-1 {
			i = strings.LastIndexByte(rest[:i], ' ')
		}
		if i <= 0 {
			start := len(code) - len(rest)
			return nil, fmt.Errorf("%w: the code has more than %d bytes without a space at byte %d, and the debugger takes at most %d bytes per argument",
				ErrBadArgument, maxArg, start, maxArg)
		}
		parts = append(parts, rest[:i])
		rest = rest[i+1:]
	}
	return append(parts, rest), nil
}
