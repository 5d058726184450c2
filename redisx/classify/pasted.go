package classify

import (
	"strings"
)

// pythonException matches the last line of a Python traceback:
// "redis.exceptions.ResponseError: …", "ResponseError: …".
var pythonException = lazyRE(`^[A-Za-z_][\w.]*(Error|Exception): `)

// ClassifyPasted classifies text a person pasted (`luascope explain-error`):
// one error per line, except that a Python traceback counts once, by its
// exception line, and its frames are skipped. Unlike Classify, which
// reads replies known to come from a script run and so takes any
// unrecognised text for the script's own error, a pasted line with no
// sign of Redis in it is class unknown: luascope does not guess.
func ClassifyPasted(text string) []Classification {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(strings.TrimRight(l, "\r")); l != "" {
			lines = append(lines, l)
		}
	}
	traceback := false
	for _, l := range lines {
		if strings.HasPrefix(l, "Traceback (most recent call last)") {
			traceback = true
		}
	}
	if traceback {
		var kept []string
		for _, l := range lines {
			if pythonException.MatchString(l) {
				kept = append(kept, l)
			}
		}
		if len(kept) > 0 {
			lines = kept
		}
	}
	out := make([]Classification, 0, len(lines))
	for _, l := range lines {
		c := Classify(l)
		if c.Class == Script && c.SHA == "" && c.Line == 0 && c.Prefix == "" && !strings.Contains(strings.ToLower(l), "no such key") {
			c = finish(Classification{Class: Unknown, Source: SourceServer, Message: c.Message}, "pasted")
		}
		out = append(out, c)
	}
	return out
}
