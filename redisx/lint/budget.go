package lint

import (
	"fmt"
	"strings"
)

// DefaultBudget is the size past which the terminal UI and `luascope run`
// do not lint a script (Options.MaxBytes): linting costs about half a
// second per megabyte of dense code on a slow core (the parser's AST and
// the walk are linear but heavy), so a 10 MB script would take seconds
// and hundreds of megabytes on every pause in typing, or before a run
// that redis-cli sends in a tenth of a second. `luascope lint` has no
// budget: there the user asked for the whole check.
const DefaultBudget = 1 << 20

// CodeNotLinted is the finding Lint returns alone for a script over
// Options.MaxBytes: the script was not checked, and the user is told so.
const CodeNotLinted = "not-linted"

// overBudget is the one finding for a script larger than opt.MaxBytes.
func overBudget(size int, opt Options) []Finding {
	return []Finding{{
		Line:     1,
		Severity: Info,
		Code:     CodeNotLinted,
		Message:  fmt.Sprintf("not linted: the script is %s, over the %s lint budget", SizeText(size), SizeText(opt.MaxBytes)),
		Hint:     "luascope lint FILE checks a script of any size (about half a second per MB)",
	}}
}

// Skipped reports whether findings are Lint's answer for a script over
// its budget, that is whether the script was not checked at all.
func Skipped(findings []Finding) bool {
	return len(findings) == 1 && findings[0].Code == CodeNotLinted
}

// SizeText renders a byte count for a message: "512 KB", "1 MB", "10.5 MB".
func SizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// MayBlock reports whether Blocking could find anything in src, without
// linting it: the blocking rule is about calls of the global error, so a
// script where the word "error" never stands alone (redis.error_reply
// does not count) cannot hold one, whatever the options. It scans the
// bytes once, so callers can skip a full lint before sending a huge
// script when nothing could stop it; true means "lint to know" (the word
// may be in a string or a comment).
func MayBlock(src string) bool {
	for i := 0; ; i += 5 {
		j := strings.Index(src[i:], "error")
		if j < 0 {
			return false
		}
		i += j
		if (i == 0 || !identByte(src[i-1])) && (i+5 == len(src) || !identByte(src[i+5])) {
			return true
		}
	}
}

// identByte reports whether c can be part of a Lua name.
func identByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
