package editor

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/resp"
	"luascope/themes"
)

// renderCache keeps rendered rows between frames. A row is keyed by its
// line's lex id (which changes whenever the line's text or tokens change)
// plus everything else that shows in it: width, scroll, selection and
// cursor on that line, search, error marker, theme. Typing re-renders
// one row; an unchanged frame is map look-ups and one string join.
type renderCache struct {
	st    *Styles
	gen   uint64
	rows  map[uint64]cachedRow
	frame uint64
	blank string

	renders int // rows rendered (cache misses), counted for the tests
}

type rowKey struct {
	lineNo, width, gutter, left int
	selA, selB, cursor          int // byte offsets on this line; -1 for none
	curLine, errLine            bool
	mark                        byte   // lint: 'E', 'W', 'I' or 0
	search                      uint64 // 0 when no search is shown
	styles                      uint64
}

type cachedRow struct {
	key   rowKey
	s     string
	frame uint64 // last frame that drew it; older rows are pruned
}

func newRenderCache() *renderCache {
	return &renderCache{rows: make(map[uint64]cachedRow)}
}

// styles returns the styles for t, rebuilding them when the theme changed.
func (rc *renderCache) styles(t themes.Theme) *Styles {
	if rc.st == nil || rc.st.theme != t {
		rc.gen++
		rc.st = NewStyles(t)
		rc.st.gen = rc.gen
	}
	return rc.st
}

// View draws exactly width×height cells: the visible lines with gutter and
// highlighting, and the find or go-to bar on the last row when open.
func (e Model) View() string {
	if e.width <= 0 || e.height <= 0 {
		return ""
	}
	rc := e.rc
	st := rc.styles(e.theme)
	rc.frame++
	rows := e.textRows()
	n := e.doc.lineCount()
	if rows > 0 {
		e.doc.ensure(e.top + rows - 1)
	}
	gw := e.gutterWidth()
	var search uint64
	if e.prompt == promptFind && e.query != "" {
		search = e.searchGen
	}
	selA, selB := pos{-1, -1}, pos{-1, -1}
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
		key := rowKey{
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
		rc.rows[ln.id] = cachedRow{key: key, s: s, frame: rc.frame}
		b.WriteString(s)
	}
	if e.prompt != promptNone {
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

// rowWriter writes styled runs, switching escape sequences only when
// the style changes.
type rowWriter struct {
	b    strings.Builder
	cur  ansiSeq
	open bool
}

func (w *rowWriter) put(a ansiSeq, s string) {
	if !w.open || a.open != w.cur.open {
		if w.open {
			w.b.WriteString(w.cur.close)
		}
		w.b.WriteString(a.open)
		w.cur, w.open = a, true
	}
	w.b.WriteString(s)
}

func (w *rowWriter) finish() string {
	if w.open {
		w.b.WriteString(w.cur.close)
	}
	return w.b.String()
}

const spaces = "                                                                " // 64

// pad returns n spaces (n may exceed spaces only on huge terminals).
func pad(n int) string {
	if n <= len(spaces) {
		return spaces[:n]
	}
	return strings.Repeat(" ", n)
}

// renderRow draws one line: gutter, then the text from column left,
// exactly key.width cells.
func (e Model) renderRow(st *Styles, ln *docLine, key rowKey) string {
	var w rowWriter
	w.b.Grow(key.width + 64)
	plain := ansiSeq{}
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
		w.put(plain, pad(key.gutter-2-len(num)))
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
			s, end := indexFold(ln.text, e.query, from)
			if s < 0 {
				break
			}
			matches = append(matches, [2]int{s, end})
			from = end
		}
	}
	if renderText(&w, st, ln, key, tw, matches) {
		return w.finish() // every cell counted exactly: no need to measure
	}
	return fit(w.finish(), key.width)
}

// renderText draws the visible cells [left, left+tw) of a line. Tabs
// become spaces to the next tab stop; control bytes, invalid UTF-8 and
// invisible format characters (bidi overrides…) are shown escaped in a
// muted style and are never written to the terminal as they are.
// It reports whether the width is certain (only ASCII was drawn);
// otherwise the caller measures the row as lipgloss would.
func renderText(w *rowWriter, st *Styles, ln *docLine, key rowKey, tw int, matches [][2]int) bool {
	exact := true
	text, spans := ln.text, ln.spans
	left, end := key.left, key.left+tw
	base := ovNone
	if key.curLine {
		base = ovLine
	}
	col, si, mi := 0, 0, 0
	for bi := 0; bi < len(text) && col < end; {
		r, size := utf8.DecodeRuneInString(text[bi:])
		for si < len(spans) && int(spans[si].end) <= bi {
			si++
		}
		tok := tokText
		if si < len(spans) {
			tok = spans[si].tok
		}
		var disp string
		cells := 0
		switch {
		case r == '\t':
			cells = tabWidth - col%tabWidth
			disp = pad(cells)
		case needsEscape(r, size):
			disp = escapeText(r, size, text[bi])
			cells = len(disp)
			tok = tokEscape
		default:
			disp = text[bi : bi+size]
			cells = runeWidth(r)
			if r >= utf8.RuneSelf {
				exact = false // wide, zero-width or a grapheme cluster
			}
		}
		ov := base
		if bi >= key.selA && bi < key.selB {
			ov = ovSel
		}
		for mi < len(matches) && matches[mi][1] <= bi {
			mi++
		}
		if mi < len(matches) && matches[mi][0] <= bi {
			ov = ovMatch
			if key.cursor >= 0 && matches[mi][0] == key.cursor {
				ov = ovCurMatch
			}
		}
		if bi == key.cursor {
			ov = ovCursor
		}
		a := st.tok[tok][ov]
		switch {
		case col >= left && col+cells <= end:
			w.put(a, disp)
		case col+cells > left && col < end:
			// Cut by the left or right edge.
			from, to := max(left, col)-col, min(end, col+cells)-col
			if r == '\t' || tok == tokEscape {
				w.put(a, disp[from:to])
			} else {
				w.put(a, pad(to-from)) // half a wide character
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
			w.put(st.tok[tokText][ovCursor], " ")
			col++
		case key.selA <= len(text) && key.selB > len(text):
			w.put(st.tok[tokText][ovSel], " ")
			col++
		}
	}
	if fill := end - max(col, left); fill > 0 {
		w.put(st.fill[base], pad(fill))
	}
	return exact
}

// promptRow is the find or go-to bar: label, input, status.
func (e Model) promptRow(st *Styles) string {
	label := findPrompt
	if e.prompt == promptGoto {
		label = gotoPrompt
	}
	var w rowWriter
	w.put(st.prompt, label)
	inW := max(0, e.width-len(label)-statusWidth)
	w.put(ansiSeq{}, fit(e.input.View(), inW))
	if e.status != "" {
		a := st.notice
		if e.statusErr {
			a = st.status
		}
		w.put(a, e.status)
	}
	return fit(w.finish(), e.width)
}

// statusWidth is the room kept at the right of the bar for "no match".
const statusWidth = 10

// fit makes s exactly w cells wide: cut (ANSI-aware) or padded.
func fit(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += pad(w - sw)
	}
	return s
}

// needsEscape reports runes that must not reach the terminal as they
// are: C0/C1 controls and DEL (a pasted ESC would be a terminal escape),
// invalid UTF-8, format characters such as bidi overrides that would
// make the code on screen differ from the code Redis runs, and the glue
// of emoji clusters (resp.ClusterRune: 👍🏽, ❤️), which tmux draws wider
// than the row is measured.
func needsEscape(r rune, size int) bool {
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
	return unicode.Is(unicode.Cf, r) || resp.ClusterRune(r)
}

// escapeText is how an escaped rune is shown: \xNN for bytes, \u{hex}
// for code points, as resp.Escape writes them in the reply tree.
func escapeText(r rune, size int, b byte) string {
	const hex = "0123456789abcdef"
	if size == 1 && (r < 0x80 || r == utf8.RuneError) {
		return string([]byte{'\\', 'x', hex[b>>4], hex[b&15]})
	}
	return `\u{` + strconv.FormatInt(int64(r), 16) + `}`
}

// runeWidth is a rune's cells, measured as lipgloss measures.
func runeWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return ansi.StringWidth(string(r))
}

// cellWidth is the cells a rune takes at display column col.
func cellWidth(r rune, size, col int) int {
	switch {
	case r == '\t':
		return tabWidth - col%tabWidth
	case needsEscape(r, size):
		return len(escapeText(r, size, 0))
	}
	return runeWidth(r)
}

// displayCol is the display column of byte offset col in text.
func displayCol(text string, col int) int {
	c := 0
	for i := 0; i < col && i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		c += cellWidth(r, size, c)
		i += size
	}
	return c
}

// colForDisplay is the byte offset of the rune at display column goal
// (or the end of the line when it is shorter).
func colForDisplay(text string, goal int) int {
	c := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		w := cellWidth(r, size, c)
		if c+w > goal {
			return i
		}
		c += w
		i += size
	}
	return len(text)
}
