package resp

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Escape makes server bytes safe to print: a reply can carry terminal
// escape sequences, and nothing from the server is written raw. It escapes
// like redis-cli (\\, \", \n, \r, \t, \a, \b, other bytes below 0x20 and
// 0x7f as \xNN) and writes each byte of invalid UTF-8 as \xNN. Valid UTF-8
// passes through, except code points that are invisible or reorder text
// and so could mislead a reader: C1 controls (U+0080–U+009F), format
// characters such as the bidi overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), zero-width spaces and U+FEFF, and the line and paragraph
// separators U+2028/U+2029. Those are written as \u{hex}, e.g. \u{202e}.
// So are the code points that glue an emoji cluster (see ClusterRune):
// terminals such as tmux give each code point its own cells while
// lipgloss counts the cluster once, so drawn raw they would push a row
// past the terminal's edge. U+200C passes, since several scripts need it.
// The result is never quoted; see Quote.
func Escape(b []byte) string {
	for i, c := range b {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			out := make([]byte, 0, len(b)+len(b)/8+8)
			out = append(out, b[:i]...)
			return string(appendEscape(out, b[i:]))
		}
	}
	return string(b)
}

// Quote returns Escape(b) in double quotes, the way a bulk string is shown.
func Quote(b []byte) string {
	out := make([]byte, 0, len(b)+2)
	out = append(out, '"')
	out = appendEscape(out, b)
	return string(append(out, '"'))
}

// hidden reports valid code points outside ASCII that Escape must not
// write raw: the invisible ones and the emoji cluster glue.
func hidden(r rune) bool {
	return invisible(r) || ClusterRune(r)
}

// invisible reports valid code points outside ASCII that hide or reorder
// text. JSON output escapes only these: it is not drawn in cells, and a
// JSON reader gets the same string either way.
func invisible(r rune) bool {
	if r <= 0x9f {
		return r >= 0x80 // C1 controls
	}
	if r < 0x600 { // fast path: the only format character below U+0600
		return r == 0xad
	}
	if r == 0x200c || r == 0x200d {
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// ClusterRune reports the code points that join their neighbours into one
// emoji grapheme cluster whose width depends on who measures: the zero
// width joiner U+200D (👨‍👩‍👧), the variation selectors U+FE00–U+FE0F and
// U+E0100–U+E01EF (❤️), the skin-tone modifiers U+1F3FB–U+1F3FF (👍🏽) and
// the regional indicators U+1F1E6–U+1F1FF that pair into flags. lipgloss
// measures 👍🏽 as 2 cells, tmux 3.3a draws it in 4; escaped, the parts
// left are measured alike by both.
func ClusterRune(r rune) bool {
	switch {
	case r == 0x200d:
		return true
	case r >= 0xfe00 && r <= 0xfe0f:
		return true
	case r >= 0x1f1e6 && r <= 0x1f1ff:
		return true
	case r >= 0x1f3fb && r <= 0x1f3ff:
		return true
	case r >= 0xe0100 && r <= 0xe01ef:
		return true
	}
	return false
}

// appendEscape appends the escaped form of s to dst.
func appendEscape(dst, s []byte) []byte {
	start := 0 // s[start:i] is pending and needs no escaping
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f && c != '\\' && c != '"' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscapedASCII(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = appendHexByte(dst, c)
		case hidden(r):
			dst = append(dst, s[start:i]...)
			dst = appendCodePoint(dst, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// appendEscapeLimit escapes s into dst but stops before the output of this
// call would exceed limit runes, never splitting an escape sequence. It
// reports whether all of s was written.
func appendEscapeLimit(dst, s []byte, limit int) ([]byte, bool) {
	var unit [16]byte
	for i := 0; i < len(s); {
		u := unit[:0]
		c := s[i]
		size := 1
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f && c != '\\' && c != '"' {
				u = append(u, c)
			} else {
				u = appendEscapedASCII(u, c)
			}
		} else {
			var r rune
			r, size = utf8.DecodeRune(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				u = appendHexByte(u, c)
			case hidden(r):
				u = appendCodePoint(u, r)
			default:
				u = append(u, s[i:i+size]...)
			}
		}
		n := utf8.RuneCount(u)
		if n > limit {
			return dst, false
		}
		limit -= n
		dst = append(dst, u...)
		i += size
	}
	return dst, true
}

func appendEscapedASCII(dst []byte, c byte) []byte {
	switch c {
	case '\\':
		return append(dst, '\\', '\\')
	case '"':
		return append(dst, '\\', '"')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\a':
		return append(dst, '\\', 'a')
	case '\b':
		return append(dst, '\\', 'b')
	}
	return appendHexByte(dst, c)
}

const hexDigits = "0123456789abcdef"

func appendHexByte(dst []byte, c byte) []byte {
	return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

func appendCodePoint(dst []byte, r rune) []byte {
	dst = append(dst, '\\', 'u', '{')
	dst = strconv.AppendUint(dst, uint64(r), 16)
	return append(dst, '}')
}

// Printable makes text safe to draw that is mostly luascope's own (a
// message, a file name, an address) but may carry bytes from a server or
// a user: control characters, invalid UTF-8 and hidden code points are
// escaped as Escape writes them, while '\\' and '"' stay as they are, so
// the text reads naturally and escaped text is never escaped twice.
func Printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				out = appendEscapedASCII(out, c)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = appendHexByte(out, c)
		case hidden(r):
			out = appendCodePoint(out, r)
		default:
			out = append(out, s[i:i+n]...)
		}
		i += n
	}
	return string(out)
}
