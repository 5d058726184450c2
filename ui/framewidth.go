package ui

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// FrameWidth is ansi.StringWidth of one line of a frame, with a fast path
// for what frames are mostly made of: printable ASCII, SGR and other CSI
// sequences, box drawing and the punctuation of the bars (one cell each).
// Anything else (a wide or combining character, a control, another kind
// of escape sequence) is measured by ansi.StringWidth, whose grapheme
// segmentation of every line was half of the terminal UI's first paint
// and a fifth of the size sweep. TestLineWidth
// checks the two agree on every rune of the fast path and on frames.
func FrameWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// CSI: parameter bytes, then intermediate bytes, then a final
			// byte (ECMA-48, as x/ansi's parser reads it: a parameter byte
			// after an intermediate one ends the sequence there).
			j := i + 2
			for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
				j++
			}
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j == len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return ansi.StringWidth(s)
			}
			i = j + 1
		case c < 0x80:
			return ansi.StringWidth(s)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !oneCell(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		}
	}
	return n
}

// oneCell reports whether r is in FrameWidth's fast path: one cell wide
// however it is measured (not East Asian wide, not zero-width, not a
// control).
func oneCell(r rune) bool {
	switch {
	case r >= 0xa1 && r <= 0x2ff:
		return r != 0xad // Latin-1 and Latin Extended; the soft hyphen is not drawn
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e:
		return true // dashes, quotes, bullets, ellipsis
	case r >= 0x2190 && r <= 0x21ff:
		return true // arrows
	case r >= 0x2500 && r <= 0x259f:
		return true // box drawing, blocks
	}
	return false
}
