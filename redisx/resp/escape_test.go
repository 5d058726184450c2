package resp

import (
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text 123", "plain text 123"},
		{"é中文🙂", "é中文🙂"},
		{"👨\u200d👩\u200d👧", `👨\u{200d}👩\u{200d}👧`}, // ZWJ glues a cluster
		{"\u200c", "\u200c"},
		{"👍🏽 thumbs", `👍\u{1f3fd} thumbs`}, // skin tone
		{"🏻🏿", `\u{1f3fb}\u{1f3ff}`},
		{"❤\ufe0f ✌\ufe0e", `❤\u{fe0f} ✌\u{fe0e}`},                   // VS16, VS15
		{"\ufe00\U000e0100\U000e01ef", `\u{fe00}\u{e0100}\u{e01ef}`}, // other variation selectors
		{"🇺🇸 🇦🇿", `\u{1f1fa}\u{1f1f8} \u{1f1e6}\u{1f1ff}`},           // flags
		{"🏺🐀😀", "🏺🐀😀"},                                               // neighbours of the ranges pass
		{`\`, `\\`},
		{`"`, `\"`},
		{"\n\r\t\a\b", `\n\r\t\a\b`},
		{"\x00\x01\x1f\x7f", `\x00\x01\x1f\x7f`},
		{"\x1b[2J\x1b]0;x\x07", `\x1b[2J\x1b]0;x\a`},
		{"\xff\xfe", `\xff\xfe`},
		{"a\xc3", `a\xc3`},               // truncated sequence
		{"\xed\xa0\x80", `\xed\xa0\x80`}, // encoded surrogate is not UTF-8
		{"\xc0\xaf", `\xc0\xaf`},         // overlong
		{"\u0085\u009b", `\u{85}\u{9b}`},
		{"\u00a0", "\u00a0"}, // no-break space is visible enough
		{"\u202a\u202b\u202c\u202d\u202e", `\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}`},
		{"\u2066\u2067\u2068\u2069", `\u{2066}\u{2067}\u{2068}\u{2069}`},
		{"\u200e\u200f\u061c", `\u{200e}\u{200f}\u{61c}`},
		{"a\u200bb\ufeff", `a\u{200b}b\u{feff}`},
		{"\u2028\u2029", `\u{2028}\u{2029}`},
		{"\U000e0041", `\u{e0041}`}, // tag characters hide text
		{"\u00ad", `\u{ad}`},        // soft hyphen is invisible
	}
	for _, tc := range tests {
		if got := Escape([]byte(tc.in)); got != tc.want {
			t.Errorf("Escape(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if got := Quote([]byte(tc.in)); got != `"`+tc.want+`"` {
			t.Errorf("Quote(%q) = %s", tc.in, got)
		}
		// The limited variant agrees when the limit is not reached.
		if got, ok := appendEscapeLimit(nil, []byte(tc.in), 1000); !ok || string(got) != tc.want {
			t.Errorf("appendEscapeLimit(%q) = %s, %v", tc.in, got, ok)
		}
	}
}

// Escape output of all 256 bytes: everything outside printable ASCII
// becomes \xNN, named escapes where redis-cli has them.
func TestEscapeAllBytes(t *testing.T) {
	got := Escape(allBytes())
	want := `\x00\x01\x02\x03\x04\x05\x06\a\b\t\n\x0b\x0c\r\x0e\x0f` +
		`\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f` +
		` !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_` +
		"`abcdefghijklmnopqrstuvwxyz{|}~" + `\x7f`
	for c := 0x80; c < 0x100; c++ {
		want += `\x` + string(hexDigits[c>>4]) + string(hexDigits[c&0xf])
	}
	if got != want {
		t.Errorf("Escape(all bytes) =\n%s\nwant\n%s", got, want)
	}
}

// hidden's fast path agrees with its definition for every code point.
func TestHiddenDefinition(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		inv := r <= 0x9f || (unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) && r != 0x200c && r != 0x200d)
		if invisible(r) != inv {
			t.Errorf("invisible(%U) = %v", r, !inv)
		}
		if want := inv || ClusterRune(r); hidden(r) != want {
			t.Errorf("hidden(%U) = %v", r, !want)
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		`plain \q "x"`: `plain \q "x"`, "a\x1b[2Jb": `a\x1b[2Jb`, "\xff": `\xff`, "é\u202e": `é\u{202e}`, "tab\there": `tab\there`,
		"👍🏽 \"ok\"": `👍\u{1f3fd} "ok"`, "👨\u200d👩": `👨\u{200d}👩`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// Escaped text is as wide per code point (tmux) as per grapheme cluster
// (lipgloss), for the emoji clusters where the two disagree raw.
func TestEscapeClusterWidth(t *testing.T) {
	for _, s := range []string{"👍🏽 thumbs", "👨\u200d👩\u200d👧", "❤\ufe0f", "🇺🇸🇫🇷", "1\ufe0f\u20e3", "🏳\ufe0f\u200d🌈"} {
		for _, out := range []string{Escape([]byte(s)), Printable(s)} {
			perRune := 0
			for _, r := range out {
				perRune += runewidth.RuneWidth(r)
			}
			if g := ansi.StringWidth(out); g != perRune {
				t.Errorf("%q → %q: %d cells as a cluster, %d per code point", s, out, g, perRune)
			}
		}
	}
}
