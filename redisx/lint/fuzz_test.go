package lint

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzLint: any input, however broken, gives findings (never a panic)
// with positions inside the script, sorted, with a known severity.
func FuzzLint(f *testing.F) {
	for _, s := range []string{
		rateLimiter, "", "#!lua flags=no-writes,\nreturn 1", "#!lua name=lib\nredis.register_function('f', function(k, a) return k[1] end)",
		"local x = 1\nif x then\nreturn 1\n", "return [[abc", "--[[", "return \"abc", "goto x", "::a::",
		"local x = y\n(print)('a')", "error({})", "error{}", "(error)({})", "x=1;error{1}", "x = x", "function a.b:c(...) return ... end",
		"return redis.call('MSET', 'a', 1, KEYS[1], 2)", "return KEYS[0x10]", "return 3..4", "\r\n\n\r\r",
		"local s = 'é' .. nope", "return " + strings.Repeat("{", 2000) + strings.Repeat("}", 2000),
		"for i, k in ipairs(KEYS) do redis.pcall('del', k, 'x' .. ARGV[i]) end", "while true do break end break",
	} {
		f.Add(s, 1, false, false)
	}
	f.Fuzz(func(t *testing.T, src string, numkeys int, ro, prod bool) {
		var fs []Finding
		done := make(chan struct{})
		go func() {
			defer close(done)
			fs = Lint(src, Options{NumKeys: numkeys, ReadOnly: ro, Production: prod})
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Lint(%q) takes more than 10s", src)
		}
		lines := len(splitLines(src))
		for i, x := range fs {
			if x.Line < 1 || x.Line > lines || x.Col < 0 {
				t.Fatalf("finding outside the script (%d lines): %+v", lines, x)
			}
			if x.Col > 0 && x.Col > utf8.RuneCountInString(splitLines(src)[x.Line-1])+1 {
				t.Fatalf("column past the line: %+v", x)
			}
			if x.Severity != Error && x.Severity != Warning && x.Severity != Info || x.Code == "" || x.Message == "" {
				t.Fatalf("bad finding: %+v", x)
			}
			if i > 0 && (fs[i-1].Line > x.Line || fs[i-1].Line == x.Line && fs[i-1].Col > x.Col) {
				t.Fatalf("not sorted: %+v", fs)
			}
			_ = Format(x)
		}
		if HasBlocking(fs) && !prod && !ro {
			t.Fatalf("blocking without production: %+v", fs)
		}
		// MayBlock false is a promise: the full lint would block nothing.
		if !MayBlock(src) && len(Blocking(fs, true)) > 0 {
			t.Fatalf("MayBlock(%q) false, but the lint blocks: %+v", src, fs)
		}
	})
}
