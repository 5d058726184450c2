package redisx

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// EscapeError is Unescape's error: what is wrong, and the column (from 1,
// in the text given to Unescape) of the backslash that begins it, so that
// a caller who took the text from a longer line can name the line's
// column instead.
type EscapeError struct {
	Col int
	Msg string
}

func (e *EscapeError) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

func escapeErr(i int, format string, args ...any) error {
	return &EscapeError{Col: i + 1, Msg: fmt.Sprintf(format, args...)}
}

// Unescape reads a KEYS/ARGV value as the form shows it — the escapes of
// resp.Escape (\\ \" \n \r \t \a \b \xNN \u{HEX}) — back into bytes, so
// any binary key or argument can be typed and Unescape(resp.Escape(b))
// is b again. A lone backslash before anything else is an error rather
// than a guess: a key must be exactly what the user meant.
func Unescape(s string) (string, error) {
	i := 0
	for i < len(s) && s[i] != '\\' {
		i++
	}
	if i == len(s) {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	out = append(out, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", escapeErr(i, "a backslash at the end (write \\\\ for a backslash)")
		}
		e := s[i+1]
		switch e {
		case '\\', '"', '\'':
			out = append(out, e)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'a':
			out = append(out, '\a')
		case 'b':
			out = append(out, '\b')
		case '0':
			out = append(out, 0)
		case 'x':
			if i+4 > len(s) {
				return "", escapeErr(i, "\\x needs two hex digits")
			}
			v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if err != nil {
				return "", escapeErr(i, "\\x%s is not two hex digits", s[i+2:i+4])
			}
			out = append(out, byte(v))
			i += 4
			continue
		case 'u':
			end := -1
			if i+2 < len(s) && s[i+2] == '{' {
				for j := i + 3; j < len(s) && j < i+12; j++ {
					if s[j] == '}' {
						end = j
						break
					}
				}
			}
			if end < 0 {
				return "", escapeErr(i, "\\u needs {HEX}, e.g. \\u{202e}")
			}
			v, err := strconv.ParseUint(s[i+3:end], 16, 32)
			if err != nil || v > utf8.MaxRune || (v >= 0xd800 && v <= 0xdfff) {
				return "", escapeErr(i, "\\u{%s} is not a code point", s[i+3:end])
			}
			out = utf8.AppendRune(out, rune(v))
			i = end + 1
			continue
		default:
			return "", escapeErr(i, "unknown escape \\%c (write \\\\ for a backslash)", e)
		}
		i += 2
	}
	return string(out), nil
}
