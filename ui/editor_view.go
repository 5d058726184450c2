package ui

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"luascope/themes"
)

// edRenderCache keeps rendered rows between frames. A row is keyed by its
// line's lex id (which changes whenever the line's text or tokens change)
// plus everything else that shows in it: width, scroll, selection and
// cursor on that line, search, error marker, theme. Typing re-renders
// one row; an unchanged frame is map look-ups and one string join.
type edRenderCache struct {
	st    *edStyles
	gen   uint64
	rows  map[uint64]edRow
	frame uint64
	blank string

	renders int // rows rendered (cache misses), counted for the tests
}

type edRowKey struct {
	lineNo, width, gutter, left int
	selA, selB, cursor          int // byte offsets on this line; -1 for none
	curLine, errLine            bool
	mark                        byte   // lint: 'E', 'W', 'I' or 0
	search                      uint64 // 0 when no search is shown
	styles                      uint64
}

type edRow struct {
	key   edRowKey
	s     string
	frame uint64 // last frame that drew it; older rows are pruned
}

func newEdRenderCache() *edRenderCache {
	return &edRenderCache{rows: make(map[uint64]edRow)}
}

// styles returns the styles for t, rebuilding them when the theme changed.
func (rc *edRenderCache) styles(t themes.Theme) *edStyles {
	if rc.st == nil || rc.st.theme != t {
		rc.gen++
		rc.st = newEdStyles(t, rc.gen)
	}
	return rc.st
}

// View draws exactly width×height cells: the visible lines with gutter and
// highlighting, and the find or go-to bar on the last row when open.
func (e Editor) View() string {
	if e.width <= 0 || e.height <= 0 {
		return ""
	}
	rc := e.rc
	st := rc.styles(e.c.Theme)
	rc.frame++
	rows := e.textRows()
	n := e.doc.lineCount()
	if rows > 0 {
		e.doc.ensure(e.top + rows - 1)
	}
	gw := e.gutterWidth()
	var search uint64
	if e.prompt == edPromptFind && e.query != "" {
		search = e.searchGen
	}
	selA, selB := edPos{-1, -1}, edPos{-1, -1}
	if e.sel {
		selA, selB = e.selStart(), e.selEnd()
	}

	var b strings.Builder
	b.Grow(e.height * (e.width + 32))
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte('\n')
		}
		i := e.top + r
		if i >= n {
			if len(rc.blank) != e.width {
				rc.blank = strings.Repeat(" ", e.width)
			}
			b.WriteString(rc.blank)
			continue
		}
		ln := &e.doc.lines[i]
		key := edRowKey{
			lineNo: i, width: e.width, gutter: gw, left: e.left,
			selA: -1, selB: -1, cursor: -1,
			curLine: e.focused && i == e.cur.line,
			errLine: i+1 == e.errLine,
			mark:    e.marks[i+1],
			search:  search,
			styles:  st.gen,
		}
		if e.focused && i == e.cur.line {
			key.cursor = e.cur.col
		}
		if e.sel && i >= selA.line && i <= selB.line {
			key.selA, key.selB = 0, len(ln.text)+1 // +1: the line break is selected too
			if i == selA.line {
				key.selA = selA.col
			}
			if i == selB.line {
				key.selB = selB.col
			}
		}
		if c, ok := rc.rows[ln.id]; ok && c.key == key {
			c.frame = rc.frame
			rc.rows[ln.id] = c
			b.WriteString(c.s)
			continue
		}
		s := e.renderRow(st, ln, key)
		rc.renders++
		rc.rows[ln.id] = edRow{key: key, s: s, frame: rc.frame}
		b.WriteString(s)
	}
	if e.prompt != edPromptNone {
		if rows > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.promptRow(st))
	}
	if len(rc.rows) > 2*rows+64 {
		for id, c := range rc.rows {
			if c.frame != rc.frame {
				delete(rc.rows, id)
			}
		}
	}
	return b.String()
}

// edRowWriter writes styled runs, switching escape sequences only when
// the style changes.
type edRowWriter struct {
	b    strings.Builder
	cur  edAnsi
	open bool
}

func (w *edRowWriter) put(a edAnsi, s string) {
	if !w.open || a.open != w.cur.open {
		if w.open {
			w.b.WriteString(w.cur.close)
		}
		w.b.WriteString(a.open)
		w.cur, w.open = a, true
	}
	w.b.WriteString(s)
}

func (w *edRowWriter) finish() string {
	if w.open {
		w.b.WriteString(w.cur.close)
	}
	return w.b.String()
}

const edSpaces = "                                                                " // 64

// edPad returns n spaces (n may exceed edSpaces only on huge terminals).
func edPad(n int) string {
	if n <= len(edSpaces) {
		return edSpaces[:n]
	}
	return strings.Repeat(" ", n)
}

// renderRow draws one line: gutter, then the text from column left,
// exactly key.width cells.
func (e Editor) renderRow(st *edStyles, ln *edLine, key edRowKey) string {
	var w edRowWriter
	w.b.Grow(key.width + 64)
	plain := edAnsi{}
	if key.gutter > 0 {
		switch {
		case key.errLine:
			w.put(st.marker, "▶")
		case key.mark == 'E':
			w.put(st.marker, "✗")
		case key.mark == 'W':
			w.put(st.warnMark, "!")
		case key.mark == 'I':
			w.put(st.gutter, "·")
		default:
			w.put(plain, " ")
		}
		num := strconv.Itoa(key.lineNo + 1)
		w.put(plain, edPad(key.gutter-2-len(num)))
		switch {
		case key.errLine:
			w.put(st.gutterErr, num)
		case key.curLine:
			w.put(st.gutterCur, num)
		default:
			w.put(st.gutter, num)
		}
		w.put(plain, " ")
	}
	tw := key.width - key.gutter
	var matches [][2]int
	if key.search != 0 {
		for from := 0; ; {
			s, end := edIndexFold(ln.text, e.query, from)
			if s < 0 {
				break
			}
			matches = append(matches, [2]int{s, end})
			from = end
		}
	}
	if edRenderText(&w, st, ln, key, tw, matches) {
		return w.finish() // every cell counted exactly: no need to measure
	}
	return edFit(w.finish(), key.width)
}

// edRenderText draws the visible cells [left, left+tw) of a line. Tabs
// become spaces to the next tab stop; control bytes, invalid UTF-8 and
// invisible format characters (bidi overrides…) are shown escaped in a
// muted style and are never written to the terminal as they are.
// It reports whether the width is certain (only ASCII was drawn);
// otherwise the caller measures the row as lipgloss would.
func edRenderText(w *edRowWriter, st *edStyles, ln *edLine, key edRowKey, tw int, matches [][2]int) bool {
	exact := true
	text, spans := ln.text, ln.spans
	left, end := key.left, key.left+tw
	base := edOvNone
	if key.curLine {
		base = edOvLine
	}
	col, si, mi := 0, 0, 0
	for bi := 0; bi < len(text) && col < end; {
		r, size := utf8.DecodeRuneInString(text[bi:])
		for si < len(spans) && int(spans[si].end) <= bi {
			si++
		}
		tok := edTokText
		if si < len(spans) {
			tok = spans[si].tok
		}
		var disp string
		cells := 0
		switch {
		case r == '\t':
			cells = edTabWidth - col%edTabWidth
			disp = edPad(cells)
		case edNeedsEscape(r, size):
			disp = edEscapeText(r, size, text[bi])
			cells = len(disp)
			tok = edTokEscape
		default:
			disp = text[bi : bi+size]
			cells = edRuneWidth(r)
			if r >= utf8.RuneSelf {
				exact = false // wide, zero-width or a grapheme cluster
			}
		}
		ov := base
		if bi >= key.selA && bi < key.selB {
			ov = edOvSel
		}
		for mi < len(matches) && matches[mi][1] <= bi {
			mi++
		}
		if mi < len(matches) && matches[mi][0] <= bi {
			ov = edOvMatch
			if key.cursor >= 0 && matches[mi][0] == key.cursor {
				ov = edOvCurMatch
			}
		}
		if bi == key.cursor {
			ov = edOvCursor
		}
		a := st.tok[tok][ov]
		switch {
		case col >= left && col+cells <= end:
			w.put(a, disp)
		case col+cells > left && col < end:
			// Cut by the left or right edge.
			from, to := max(left, col)-col, min(end, col+cells)-col
			if r == '\t' || tok == edTokEscape {
				w.put(a, disp[from:to])
			} else {
				w.put(a, edPad(to-from)) // half a wide character
			}
		}
		col += cells
		bi += size
	}
	// One cell past the end of the line: the cursor there, or the selected
	// line break.
	if col < end && col >= left {
		switch {
		case key.cursor == len(text):
			w.put(st.tok[edTokText][edOvCursor], " ")
			col++
		case key.selA <= len(text) && key.selB > len(text):
			w.put(st.tok[edTokText][edOvSel], " ")
			col++
		}
	}
	if fill := end - max(col, left); fill > 0 {
		w.put(st.fill[base], edPad(fill))
	}
	return exact
}

// promptRow is the find or go-to bar: label, input, status.
func (e Editor) promptRow(st *edStyles) string {
	label := edFindPrompt
	if e.prompt == edPromptGoto {
		label = edGotoPrompt
	}
	var w edRowWriter
	w.put(st.prompt, label)
	inW := max(0, e.width-len(label)-edStatusWidth)
	w.put(edAnsi{}, edFit(e.input.View(), inW))
	if e.status != "" {
		a := st.notice
		if e.statusErr {
			a = st.status
		}
		w.put(a, e.status)
	}
	return edFit(w.finish(), e.width)
}

// edStatusWidth is the room kept at the right of the bar for "no match".
const edStatusWidth = 10

// edFit makes s exactly w cells wide: cut (ANSI-aware) or padded.
func edFit(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += edPad(w - sw)
	}
	return s
}

// edNeedsEscape reports runes that must not reach the terminal as they
// are: C0/C1 controls and DEL (a pasted ESC would be a terminal escape),
// invalid UTF-8, and format characters such as bidi overrides that
// would make the code on screen differ from the code Redis runs.
func edNeedsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r < 0x20:
		return r != '\t'
	case r < 0x7f:
		return false
	case r < 0xa0:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// edEscapeText is how an escaped rune is shown: \xNN for bytes, \uNNNN
// for format characters.
func edEscapeText(r rune, size int, b byte) string {
	const hex = "0123456789abcdef"
	if size == 1 && (r < 0x80 || r == utf8.RuneError) {
		return string([]byte{'\\', 'x', hex[b>>4], hex[b&15]})
	}
	if r <= 0xffff {
		return string([]byte{'\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15]})
	}
	out := []byte{'\\', 'U', '0', '0', '0', '0', '0', '0', '0', '0'}
	for i := 9; i >= 2; i-- {
		out[i] = hex[r&15]
		r >>= 4
	}
	return string(out)
}

// edRuneWidth is a rune's cells, measured as lipgloss measures.
func edRuneWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return ansi.StringWidth(string(r))
}

// edCellWidth is the cells a rune takes at display column col.
func edCellWidth(r rune, size, col int) int {
	switch {
	case r == '\t':
		return edTabWidth - col%edTabWidth
	case edNeedsEscape(r, size):
		if size == 1 && (r < 0x80 || r == utf8.RuneError) {
			return 4
		}
		if r <= 0xffff {
			return 6
		}
		return 10
	}
	return edRuneWidth(r)
}

// edDisplayCol is the display column of byte offset col in text.
func edDisplayCol(text string, col int) int {
	c := 0
	for i := 0; i < col && i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		c += edCellWidth(r, size, c)
		i += size
	}
	return c
}

// edColForDisplay is the byte offset of the rune at display column goal
// (or the end of the line when it is shorter).
func edColForDisplay(text string, goal int) int {
	c := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		w := edCellWidth(r, size, c)
		if c+w > goal {
			return i
		}
		c += w
		i += size
	}
	return len(text)
}
