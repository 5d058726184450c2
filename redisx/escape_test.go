package redisx

import (
	"testing"

	"luascope/redisx/resp"
)

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`: "plain", `a\x00b`: "a\x00b", `\n\r\t\a\b\0`: "\n\r\t\a\b\x00", `\"q\"`: `"q"`,
		`\\`: `\`, `\xff\xFE`: "\xff\xfe", `\u{202e}x`: "\u202ex", `é`: "é",
	} {
		got, err := Unescape(in)
		if err != nil || got != want {
			t.Errorf("Unescape(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`\`, `a\q`, `\x1`, `\xzz`, `\u202e`, `\u{110000}`, `\u{d800}`, `\u{}`} {
		if _, err := Unescape(bad); err == nil {
			t.Errorf("Unescape(%q): no error", bad)
		}
	}
}

// FuzzUnescapeRoundTrip: whatever bytes a key holds, the form's escaped
// text reads back to exactly those bytes.
func FuzzUnescapeRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a", "\x00\xff", "\x1b[31m", "\u202e", "é\n\"\\"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Unescape(resp.Escape(b))
		if err != nil || got != string(b) {
			t.Fatalf("Unescape(Escape(%q)) = %q, %v", b, got, err)
		}
		_, _ = Unescape(string(b)) // never panics on arbitrary input
	})
}
