package ui

// The "/" search shared by the panes (less, lazygit and k9s habits):
//
//	/      opens a prompt on the pane's last line; matches are found and the
//	       first one at or after where you were is shown as you type
//	enter  closes the prompt and keeps the search: n/N go to the next and
//	       previous match (wrapping around), the last line says "3/17"
//	esc    while typing, or afterwards: ends the search and its marks
//
// A pane owns a searchBar (newSearchBar), opens it on KeyMap.Search
// (Open), feeds it every key while Typing() (Update says when the query
// changed, so the pane searches again), asks matches about its own text
// (in a loop over many values: the small matcher in s.m, whose matchBytes
// escapes server bytes as the panes draw them), moves on KeyMap.NextMatch
// and PrevMatch, tells the bar where it is with SetCount, ends the search
// on searchCancel (Clear), and draws View(width) as its last line while
// Shown() (searchHeight); mark paints the matches in a drawn line.
// Matching ignores case and is done on the text as the pane shows it
// (escaped), so what you see is what you find. The tree (tree_search.go)
// and the help screen (helpScreen) use it; it is meant for every pane.

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/resp"
	"luascope/themes"
)

// The prompt's own keys: they are read only while it has the keyboard,
// as a dialog's are, so no global or pane binding competes with them.
var (
	searchConfirm = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search: keep it for n/N"))
	searchCancel  = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "search: end it"))
)

// searchBar is one pane's search: the prompt, the query and the count the
// pane reports. The zero value is ready to use (the help screen is pushed
// as &helpScreen{}); newSearchBar gives it the pane's theme.
type searchBar struct {
	c *Common
	// input is made by the first Open; by pointer, as the panes' search
	// bars are in the UI model, which every Update copies (5 KB each).
	input  *textinput.Model
	typing bool   // the prompt has the keyboard
	query  string // what the marks and n/N are for; "" = no search
	m      matcher
	cur    int // the current match, 1-based; 0 = not on a match
	total  int // how many matches the pane found
	inks   *searchInkCache
}

// newSearchBar returns a bar drawing with c's theme (nil: the terminal's).
func newSearchBar(c *Common) searchBar {
	return searchBar{c: c, inks: &searchInkCache{}}
}

// Open starts a new query: the prompt takes the keyboard, empty.
func (s *searchBar) Open() tea.Cmd {
	if s.input == nil {
		in := textinput.New()
		in.Prompt = "/"
		s.input = &in
	}
	s.input.SetValue("")
	s.typing = true
	s.setQuery("")
	return s.input.Focus()
}

// Typing reports whether the prompt has the keyboard: the pane must give
// it every key (Update) before its own bindings.
func (s searchBar) Typing() bool { return s.typing }

// Active reports whether there is a query: marks are drawn and n/N apply.
func (s searchBar) Active() bool { return s.query != "" }

// Shown reports whether the bar takes the pane's last line.
func (s searchBar) Shown() bool { return s.typing || s.query != "" }

// Query is the text searched for ("" when there is no search).
func (s searchBar) Query() string { return s.query }

// Update feeds a key to the prompt while Typing. done: the prompt closed
// (enter keeps the search, esc ends it); changed: the query is different,
// so the pane must search again.
func (s *searchBar) Update(km tea.KeyMsg) (done, changed bool) {
	switch {
	case key.Matches(km, searchCancel):
		s.typing = false
		s.blur()
		return true, s.setQuery("")
	case key.Matches(km, searchConfirm):
		s.typing = false
		s.blur()
		return true, false
	}
	if s.input == nil {
		return false, false // not opened: nothing is typed
	}
	*s.input, _ = s.input.Update(km)
	// A paste can carry control bytes; the query is drawn, so they go.
	if v := s.input.Value(); strings.ContainsFunc(v, unprintable) {
		s.input.SetValue(strings.Map(func(r rune) rune {
			if unprintable(r) {
				return -1
			}
			return r
		}, v))
	}
	return false, s.setQuery(s.input.Value())
}

// Close takes the keyboard from the prompt and keeps the query, as enter
// does (the pane lost the focus).
func (s *searchBar) Close() {
	s.typing = false
	s.blur()
}

// blur takes the keyboard from the prompt, if it was ever opened.
func (s *searchBar) blur() {
	if s.input != nil {
		s.input.Blur()
	}
}

// Clear ends the search (esc after enter); it reports whether there was one.
func (s *searchBar) Clear() bool {
	s.typing = false
	s.blur()
	return s.setQuery("")
}

// SetCount tells the bar where the pane is: on match cur (1-based, 0 when
// the cursor is on none) of total.
func (s *searchBar) SetCount(cur, total int) { s.cur, s.total = cur, total }

func (s *searchBar) setQuery(q string) bool {
	if q == s.query {
		return false
	}
	s.query, s.m = q, newMatcher(q)
	s.cur, s.total = 0, 0
	return true
}

// matcher is a query ready to compare, small enough to copy into a loop
// over a million values (the bar holds a whole textinput).
type matcher struct {
	fold  string // the query in lower case; "" matches nothing
	ascii bool   // fold is ASCII: the fast byte comparison applies
}

func newMatcher(q string) matcher {
	m := matcher{fold: strings.ToLower(q), ascii: true}
	for i := 0; i < len(m.fold); i++ {
		if m.fold[i] >= utf8.RuneSelf {
			m.ascii = false
			break
		}
	}
	return m
}

// unprintable is what a query may not hold, as it is drawn on the
// screen: what resp.Printable would escape (controls, bidi overrides,
// zero-width characters).
func unprintable(r rune) bool {
	if r >= 0x20 && r < 0x7f {
		return false
	}
	s := string(r)
	return resp.Printable(s) != s
}

// matches reports whether text (as the pane shows it) contains the query,
// ignoring case. Without a query nothing matches.
func (s *searchBar) matches(haystack string) bool { return s.m.matches(haystack) }

func (m matcher) matches(h string) bool {
	if m.fold == "" {
		return false
	}
	if m.ascii {
		return indexFoldASCII(h, m.fold) >= 0
	}
	_, _, ok := indexFold(h, m.fold, 0)
	return ok
}

// matchBytes compares bytes from the server as the panes show them,
// escaped by resp.Escape, which is computed only when it changes
// something (most values are plain text).
func (m matcher) matchBytes(b []byte) bool {
	if m.fold == "" {
		return false
	}
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return m.matches(resp.Escape(b))
		}
	}
	if m.ascii {
		return indexFoldASCII(b, m.fold) >= 0
	}
	return m.matches(string(b))
}

// indexFoldASCII is the first index of lower-case ASCII q in h, ignoring
// ASCII case, or -1. It allocates nothing: the tree runs it on every
// element of a million-element reply.
func indexFoldASCII[T string | []byte](h T, q string) int {
	if len(q) == 0 {
		return 0
	}
	first := q[0]
	for i := 0; i+len(q) <= len(h); i++ {
		if lowerASCII(h[i]) != first {
			continue
		}
		j := 1
		for j < len(q) && lowerASCII(h[i+j]) == q[j] {
			j++
		}
		if j == len(q) {
			return i
		}
	}
	return -1
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// indexFold finds lower-case q in h from byte from on, rune by rune with
// unicode case folding, and returns the byte span of the match in h.
func indexFold(h, q string, from int) (start, end int, ok bool) {
	for i := from; i < len(h); {
		if n, hit := foldPrefix(h[i:], q); hit {
			return i, i + n, true
		}
		_, size := utf8.DecodeRuneInString(h[i:])
		i += size
	}
	return 0, 0, false
}

// foldPrefix reports whether h starts with q ignoring case, and how many
// bytes of h that is.
func foldPrefix(h, q string) (int, bool) {
	n := 0
	for _, qr := range q {
		if n >= len(h) {
			return 0, false
		}
		hr, size := utf8.DecodeRuneInString(h[n:])
		if hr != qr && unicode.ToLower(hr) != qr {
			return 0, false
		}
		n += size
	}
	return n, true
}

// spans are the byte ranges of every match in plain text.
func (m matcher) spans(plain string) [][2]int {
	var out [][2]int
	for i := 0; m.fold != "" && i < len(plain); {
		var a, z int
		if m.ascii {
			k := indexFoldASCII(plain[i:], m.fold)
			if k < 0 {
				break
			}
			a, z = i+k, i+k+len(m.fold)
		} else {
			var ok bool
			if a, z, ok = indexFold(plain, m.fold, i); !ok {
				break
			}
		}
		if z == a { // an empty query never gets here; no endless loop if it did
			break
		}
		out = append(out, [2]int{a, z})
		i = z
	}
	return out
}

// mark paints every match in a drawn line (styled or not), the current
// match's line more strongly. The cells stay where they are, so a line of
// exactly w cells stays w cells.
func (s *searchBar) mark(line string, current bool) string {
	if s.query == "" {
		return line
	}
	in := s.styles()
	k := in.match
	if current {
		k = in.current
	}
	return markLine(line, s.m, k)
}

// markLine paints every match of m in a drawn line with k.
func markLine(line string, m matcher, k ink) string {
	plain := ansi.Strip(line)
	sp := m.spans(plain)
	if len(sp) == 0 {
		return line
	}
	var b strings.Builder
	col := 0
	for _, r := range sp {
		a := ansi.StringWidth(plain[:r[0]])
		z := a + ansi.StringWidth(plain[r[0]:r[1]])
		if a > col {
			b.WriteString(ansi.Cut(line, col, a))
		}
		k.put(&b, plain[r[0]:r[1]])
		col = z
	}
	// TruncateLeft keeps the escape sequences it skips, so the rest of the
	// line keeps its own colours.
	b.WriteString(ansi.TruncateLeft(line, col, ""))
	return b.String()
}

// View draws the bar in exactly width cells: the prompt (or the query)
// and, on the right, "3/17", "12 matches" or "no match".
func (s *searchBar) View(width int) string {
	if width <= 0 || !s.Shown() {
		return ""
	}
	in := s.styles()
	count := ""
	switch {
	case s.query == "":
	case s.total == 0:
		count = "no match"
	case s.cur > 0:
		count = strconv.Itoa(s.cur) + "/" + strconv.Itoa(s.total)
	case s.total == 1:
		count = "1 match"
	default:
		count = strconv.Itoa(s.total) + " matches"
	}
	cw := ansi.StringWidth(count)
	if cw+4 > width {
		count, cw = "", 0
	}
	left := width - cw
	if cw > 0 {
		left--
	}
	var l string
	if s.typing && s.input != nil {
		in := *s.input // the width is this drawing's
		in.Width = max(left-2, 1)
		l = cellCut(in.View(), left)
	} else {
		l = in.prompt.on(cellFit("/"+s.query, left))
	}
	if n := ansi.StringWidth(l); n < left {
		l += blanks(left - n)
	}
	if cw > 0 {
		l += " " + in.count.on(count)
	}
	return l
}

// searchInkCache holds the bar's inks for the theme they were built from.
type searchInkCache struct {
	key   inkKey
	built bool
	s     searchInks
}

// searchInks: every other match, the current match, the bar's parts.
type searchInks struct {
	match, current, prompt, count ink
}

func (s *searchBar) styles() *searchInks {
	c := s.inks
	if c == nil { // a zero bar: built per call, which only tests and the help screen's first frame do
		c = &searchInkCache{}
	}
	th := commonTheme(s.c)
	if k := inkKeyOf(th); !c.built || c.key != k {
		c.key, c.built, c.s = k, true, newSearchInks(th)
	}
	return &c.s
}

// newSearchInks: a match is underlined in the warning colour, the current
// one reversed on it, so both read without colour (NO_COLOR, mono) too.
func newSearchInks(th themes.Theme) searchInks {
	return searchInks{
		match:   inkOf(fgStyle(th.Warning).Underline(true)),
		current: inkOf(fgStyle(th.Warning).Reverse(true).Bold(true)),
		prompt:  inkOf(fgStyle(th.Accent)),
		count:   inkOf(fgStyle(th.Muted).Bold(th.Mono)),
	}
}

// searchHeight is how many lines the bar takes from a pane of h lines:
// one while shown, none in a pane too short to show anything else.
func searchHeight(s searchBar, h int) int {
	if s.Shown() && h >= 2 {
		return 1
	}
	return 0
}
