package ui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"luascope/history"
	"luascope/redisx/resp"
	"luascope/themes"
)

// searchTestType types text as key presses (one rune each), then the
// given special keys.
func searchTestType(text string, special ...tea.KeyType) []tea.KeyMsg {
	var out []tea.KeyMsg
	for _, r := range text {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	for _, k := range special {
		out = append(out, tea.KeyMsg{Type: k})
	}
	return out
}

func searchTestKeys(tr Tree, keys ...tea.KeyMsg) Tree {
	for _, k := range keys {
		tr, _ = tr.update(k)
	}
	return tr
}

// searchTestNested is an array of n two-element arrays {i, "item-i"}: more
// than autoExpandRows rows, so every inner array starts collapsed.
func searchTestNested(n int) *resp.Value {
	elems := make([]resp.Value, n)
	for i := range elems {
		elems[i] = resp.Value{Kind: resp.Array, Elems: []resp.Value{
			{Kind: resp.Integer, Int: int64(i + 1)},
			{Kind: resp.Bulk, Str: []byte(fmt.Sprintf("item-%d", i+1))},
		}}
	}
	return &resp.Value{Kind: resp.Array, Elems: elems}
}

// searchTestBar is the last line of a view, the search bar.
func searchTestBar(view string) string {
	lines := strings.Split(view, "\n")
	return strings.TrimRight(ansi.Strip(lines[len(lines)-1]), " ")
}

// TestTreeSearchRevealsCollapsed: in a 10,000-element reply whose inner
// arrays are all collapsed, "/" finds a string inside one of them, opens
// it and puts the cursor on it, centred; the bar counts the matches.
func TestTreeSearchRevealsCollapsed(t *testing.T) {
	tr := treeTestNew(searchTestNested(10_000), 80, 20)
	k := tr.common.Keys
	if tr.idx.isOpen([]int{7776}) {
		t.Fatal("the inner arrays should start collapsed")
	}
	tr = searchTestKeys(tr, treeTestPress(k.Search))
	tr = searchTestKeys(tr, searchTestType("ITEM-7777", tea.KeyEnter)...)
	if tr.search.bar.Typing() || tr.search.bar.Query() != "ITEM-7777" {
		t.Fatalf("after enter: typing=%v query=%q", tr.search.bar.Typing(), tr.search.bar.Query())
	}
	info, path := tr.idx.locate(tr.Cursor(), nil)
	if fmt.Sprint(path) != "[7776 1]" || string(info.n.v.Str) != "item-7777" {
		t.Fatalf("cursor on %v %q, want [7776 1] item-7777", path, info.n.v.Str)
	}
	if !tr.idx.isOpen([]int{7776}) {
		t.Error("the match's parent was not opened")
	}
	view := tr.View()
	treeTestCheckSize(t, "search", view, 80, 20)
	if bar := searchTestBar(view); !strings.HasPrefix(bar, "/ITEM-7777") || !strings.HasSuffix(bar, "1/1") {
		t.Errorf("bar = %q", bar)
	}
	if !strings.Contains(view, `2) (bulk) "item-7777"`) {
		t.Errorf("the match is not in view:\n%s", view)
	}
	// esc ends the search: no bar, the cursor stays.
	tr = searchTestKeys(tr, tea.KeyMsg{Type: tea.KeyEsc})
	if tr.search.bar.Shown() || strings.Contains(tr.View(), "/ITEM") {
		t.Error("esc did not end the search")
	}
}

// TestTreeSearchNextPrevWrap: n and N walk the matches in display order
// and wrap around at both ends; the count follows.
func TestTreeSearchNextPrevWrap(t *testing.T) {
	tr := treeTestNew(searchTestNested(10_000), 80, 20)
	k := tr.common.Keys
	// item-9999 and item-999: both end in 999, as do 1999 … 8999 (item-X999)
	tr = searchTestKeys(tr, treeTestPress(k.Search))
	tr = searchTestKeys(tr, searchTestType("999", tea.KeyEnter)...)
	want := 0
	for i := 1; i <= 10_000; i++ {
		if strings.Contains(fmt.Sprint(i), "999") {
			want += 2 // the integer and "item-i"
		}
	}
	if got := tr.search.tree.len(); got != want {
		t.Fatalf("%d matches, want %d", got, want)
	}
	wantCount := fmt.Sprint(want)
	at := func() string {
		info, _ := tr.idx.locate(tr.Cursor(), nil)
		return resp.Summary(*info.n.v, 0)
	}
	if got := at(); got != "(integer) 999" {
		t.Fatalf("first match %s", got)
	}
	if bar := searchTestBar(tr.View()); !strings.HasSuffix(bar, "1/"+wantCount) {
		t.Errorf("bar = %q", bar)
	}
	tr = searchTestKeys(tr, treeTestPress(k.NextMatch))
	if got := at(); got != `"item-999"` {
		t.Errorf("second match %s", got)
	}
	tr = searchTestKeys(tr, treeTestPress(k.PrevMatch), treeTestPress(k.PrevMatch))
	if got := at(); got != `"item-9999"` {
		t.Errorf("N from the first did not wrap to the last: %s", got)
	}
	if bar := searchTestBar(tr.View()); !strings.HasSuffix(bar, wantCount+"/"+wantCount) {
		t.Errorf("bar = %q", bar)
	}
	tr = searchTestKeys(tr, treeTestPress(k.NextMatch))
	if got := at(); got != "(integer) 999" {
		t.Errorf("n from the last did not wrap to the first: %s", got)
	}
	// Off a match, the bar says how many.
	tr = searchTestKeys(tr, treeTestPress(k.Top))
	if bar := searchTestBar(tr.View()); !strings.HasSuffix(bar, wantCount+" matches") {
		t.Errorf("bar off a match = %q", bar)
	}
}

// TestTreeSearchNoMatchAndEscapes: no match says so and moves nothing; a
// value with control bytes is found by its escaped form, and is drawn
// escaped with its match marked.
func TestTreeSearchNoMatchAndEscapes(t *testing.T) {
	v := &resp.Value{Kind: resp.Array, Elems: []resp.Value{
		{Kind: resp.Bulk, Str: []byte("plain")},
		{Kind: resp.Bulk, Str: []byte("evil\x1b[2Jtail")},
		{Kind: resp.Map, Elems: []resp.Value{{Kind: resp.Bulk, Str: []byte("Key")}, {Kind: resp.Integer, Int: 42}}},
	}}
	tr := treeTestNew(v, 60, 10)
	k := tr.common.Keys
	tr = searchTestKeys(tr, treeTestPress(k.Search))
	tr = searchTestKeys(tr, searchTestType("zzz")...)
	if tr.Cursor() != 0 || !strings.HasSuffix(searchTestBar(tr.View()), "no match") {
		t.Errorf("no match: cursor %d bar %q", tr.Cursor(), searchTestBar(tr.View()))
	}
	tr = searchTestKeys(tr, tea.KeyMsg{Type: tea.KeyEsc}, treeTestPress(k.Search))
	tr = searchTestKeys(tr, searchTestType(`\x1b[2j`, tea.KeyEnter)...)
	if tr.Cursor() != 2 {
		t.Errorf("escaped search: cursor %d, want 2", tr.Cursor())
	}
	if view := tr.View(); strings.Contains(view, "\x1b[2J") {
		t.Errorf("raw escape drawn: %q", view)
	}
	// A map key is searched too.
	tr = searchTestKeys(tr, tea.KeyMsg{Type: tea.KeyEsc}, treeTestPress(k.Search))
	tr = searchTestKeys(tr, searchTestType("key", tea.KeyEnter)...)
	if info, _ := tr.idx.locate(tr.Cursor(), nil); info.n.kind != nodePair || info.n.v.Int != 42 {
		t.Errorf("map key search landed on %+v", info.n)
	}
}

// TestTreeSearchRaw: in the raw view the wire lines are searched; n/N move
// the view to each matching line and wrap.
func TestTreeSearchRaw(t *testing.T) {
	tr := treeTestNew(searchTestNested(10_000), 80, 12)
	k := tr.common.Keys
	tr = searchTestKeys(tr, treeTestPress(k.RawView), treeTestPress(k.Search))
	tr = searchTestKeys(tr, searchTestType("item-5000", tea.KeyEnter)...)
	view := tr.View()
	if !strings.Contains(view, "item-5000") || !strings.HasSuffix(searchTestBar(view), "1/1") {
		t.Fatalf("raw search:\n%s", view)
	}
	tr = searchTestKeys(tr, tea.KeyMsg{Type: tea.KeyEsc}, treeTestPress(k.Top), treeTestPress(k.Search))
	tr = searchTestKeys(tr, searchTestType("*2", tea.KeyEnter)...)
	// every inner array's header "*2" (10,000 lines)
	if got := len(tr.search.raw); got != 10_000 {
		t.Fatalf("%d raw matches, want 10000", got)
	}
	tr = searchTestKeys(tr, treeTestPress(k.PrevMatch))
	if bar := searchTestBar(tr.View()); !strings.HasSuffix(bar, "10000/10000") {
		t.Errorf("N wrapped to %q", bar)
	}
	tr = searchTestKeys(tr, treeTestPress(k.NextMatch))
	if bar := searchTestBar(tr.View()); !strings.HasSuffix(bar, "1/10000") {
		t.Errorf("n wrapped to %q", bar)
	}
	for _, sz := range [][2]int{{1, 1}, {5, 2}, {20, 3}, {80, 12}} {
		tr.SetSize(sz[0], sz[1])
		treeTestCheckSize(t, "raw search", tr.View(), sz[0], sz[1])
	}
}

// TestSearchBarMark: marks keep a line's cells where they were, and only
// matches are painted.
func TestSearchBarMark(t *testing.T) {
	var s searchBar
	s.Open()
	for _, r := range "ab" {
		s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	line := "xxABxxab ✓ ab"
	got := s.mark(line, false)
	if ansi.Strip(got) != line || ansi.StringWidth(got) != ansi.StringWidth(line) {
		t.Errorf("mark changed the text: %q", got)
	}
	if !s.matches("zAbz") || s.matches("a b") {
		t.Error("matches")
	}
	// a pasted control byte does not reach the query
	s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("\x1b[2J\u202e")})
	if strings.ContainsAny(s.Query(), "\x1b\u202e") || !strings.HasSuffix(s.Query(), "[2J") {
		t.Errorf("query %q holds an escape", s.Query())
	}
	for w := 0; w < 30; w++ {
		if v := s.View(w); ansi.StringWidth(v) != w {
			t.Errorf("View(%d) is %d cells: %q", w, ansi.StringWidth(v), v)
		}
	}
}

// searchTestHistory is a history pane with n runs: "return i" scripts,
// every third with a runtime error.
func searchTestHistory(t *testing.T, n int) HistoryPane {
	c := &Common{Theme: monoTheme(t), Keys: DefaultKeyMap()}
	h := NewHistoryPane(c)
	var es []history.Entry
	for i := range n {
		e := history.Entry{Time: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), SHA: fmt.Sprintf("%040d", i),
			Source: fmt.Sprintf("return %d", i), Keys: []string{fmt.Sprintf("key:%d", i)}, Reply: "(integer) 1"}
		if i%3 == 0 {
			e.ErrorClass, e.Error, e.Reply = "runtime", "ERR boom", ""
		}
		es = append(es, e)
	}
	h.SetEntries(es)
	h.SetSize(60, 20)
	h.Focus()
	return h
}

func searchTestHistoryKeys(h HistoryPane, keys ...tea.KeyMsg) HistoryPane {
	for _, k := range keys {
		h, _ = h.update(k)
	}
	return h
}

// TestHistorySearch: "/" opens the filter (typed letters do not filter
// before it), enter keeps the filter and gives the keys back to the list,
// n/N step through the runs it kept and wrap, esc clears it.
func TestHistorySearch(t *testing.T) {
	h := searchTestHistory(t, 9)
	k := h.c.Keys
	h = searchTestHistoryKeys(h, searchTestType("runtime")...)
	if h.filter.Value() != "" || len(h.shown) != 9 {
		t.Fatalf("letters filtered without /: %q, %d shown", h.filter.Value(), len(h.shown))
	}
	h = searchTestHistoryKeys(h, treeTestPress(k.Search))
	h = searchTestHistoryKeys(h, searchTestType("class:runtime", tea.KeyEnter)...)
	if len(h.shown) != 3 || h.typing {
		t.Fatalf("filter: %d shown (want 3), typing=%v", len(h.shown), h.typing)
	}
	if view := ansi.Strip(h.View()); !strings.Contains(view, "3 of 9 runs · 1/3") {
		t.Errorf("count:\n%s", view)
	}
	h = searchTestHistoryKeys(h, treeTestPress(k.NextMatch), treeTestPress(k.NextMatch))
	if h.cursor != 2 {
		t.Errorf("n n: cursor %d", h.cursor)
	}
	h = searchTestHistoryKeys(h, treeTestPress(k.NextMatch))
	if h.cursor != 0 {
		t.Errorf("n did not wrap: cursor %d", h.cursor)
	}
	h = searchTestHistoryKeys(h, treeTestPress(k.PrevMatch))
	if h.cursor != 2 {
		t.Errorf("N did not wrap: cursor %d", h.cursor)
	}
	// enter now loads the run under the cursor
	if _, cmd := h.update(tea.KeyMsg{Type: tea.KeyEnter}); cmd == nil {
		t.Error("enter after the filter did not load the run")
	} else if msg, ok := cmd().(loadEntryMsg); !ok || msg.entry.Source != "return 0" {
		t.Errorf("loaded %+v", msg)
	}
	h = searchTestHistoryKeys(h, tea.KeyMsg{Type: tea.KeyEsc})
	if h.filter.Value() != "" || len(h.shown) != 9 {
		t.Errorf("esc did not clear the filter: %q, %d shown", h.filter.Value(), len(h.shown))
	}
	// esc while typing clears too
	h = searchTestHistoryKeys(h, treeTestPress(k.Search))
	h = searchTestHistoryKeys(h, searchTestType("return 4", tea.KeyEsc)...)
	if h.typing || len(h.shown) != 9 {
		t.Errorf("esc while typing: typing=%v, %d shown", h.typing, len(h.shown))
	}
}

// TestHelpSearch: "/" in F1 finds the lines with the query, marks them,
// scrolls to the first and n/N move between them, wrapping; esc ends the
// search first and closes F1 only then.
func TestHelpSearch(t *testing.T) {
	m := sized(offlineModel(t, demoSrc, nil, nil), 80, 24)
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyF1}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")})
	m = pressApp(m, searchTestType("select", tea.KeyEnter)...)
	h, ok := topOf[*helpScreen](m.overlays)
	if !ok {
		t.Fatal("F1 closed")
	}
	view := m.View()
	lines := strings.Split(view, "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
	bar := searchTestBar(view)
	// the editor's selection bindings and "close/unselect": 12 lines
	if !strings.HasPrefix(bar, "/select") || !strings.HasSuffix(bar, "1/12") {
		t.Fatalf("bar %q\n%s", bar, view)
	}
	if !strings.Contains(view, "select left") {
		t.Errorf("the first match is not in view:\n%s", view)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("N")})
	if bar := searchTestBar(m.View()); !strings.HasSuffix(bar, "12/12") {
		t.Errorf("N did not wrap: %q", bar)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	if h.cur != 0 {
		t.Errorf("n did not wrap: %d", h.cur)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEsc})
	if _, ok := topOf[*helpScreen](m.overlays); !ok || h.bar.Active() {
		t.Fatalf("first esc: open=%v active=%v", ok, h.bar.Active())
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEsc})
	if _, ok := topOf[*helpScreen](m.overlays); ok {
		t.Error("second esc did not close F1")
	}
}

// TestSearchMarksInColour: with colours on, the matches of a search are
// painted (the current one differently), the rows keep their size, and
// the only escape sequences are the panes' own colours, none of the
// server's bytes.
func TestSearchMarksInColour(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	c := func(s string) themes.Color { return themes.Color{Light: s, Dark: s} }
	th := themes.Theme{Name: "test-colour", Text: c("#eeeeee"), Muted: c("#999999"), Accent: c("#aa88ff"),
		Warning: c("#ffdd55"), Selection: c("#333366"), CursorLine: c("#262626"), TypeBulk: c("#88dd88")}
	common := &Common{Theme: th, Keys: DefaultKeyMap()}
	evil := "\x1b[2J\x1b]52;c;ZXZpbA==\x07"
	tr := NewTree(common)
	tr.SetSize(50, 12)
	tr.Focus()
	tr.SetReply(&resp.Value{Kind: resp.Array, Elems: []resp.Value{
		{Kind: resp.Bulk, Str: []byte("needle " + evil)}, {Kind: resp.Bulk, Str: []byte("hay")}, {Kind: resp.Bulk, Str: []byte("NEEDLE")}}})
	tr = searchTestKeys(tr, treeTestPress(common.Keys.Search))
	tr = searchTestKeys(tr, searchTestType("needle", tea.KeyEnter)...)
	in := newSearchInks(th)
	for _, raw := range []bool{false, true} {
		if raw {
			tr = searchTestKeys(tr, treeTestPress(common.Keys.RawView), treeTestPress(common.Keys.Search))
			tr = searchTestKeys(tr, searchTestType("needle", tea.KeyEnter)...)
		}
		view := tr.View()
		treeTestCheckSize(t, fmt.Sprintf("raw=%v", raw), view, 50, 12)
		if !strings.Contains(view, in.current.on("needle")) {
			t.Errorf("raw=%v: the current match is not painted: %q", raw, view)
		}
		if !strings.Contains(view, in.match.on("NEEDLE")) {
			t.Errorf("raw=%v: the other match is not painted: %q", raw, view)
		}
		if plain := treeTestSGR.ReplaceAllString(view, ""); strings.ContainsAny(plain, "\x1b\x07") {
			t.Errorf("raw=%v: a foreign escape reached the view: %q", raw, plain)
		}
	}
}

// TestHistoryMarksFilterWords: the filter's text terms are marked in the
// rows it keeps (sha: and class: terms match no text and mark nothing).
func TestHistoryMarksFilterWords(t *testing.T) {
	if got := fmt.Sprint(filterWords(`return "key:4" sha:00 class:runtime`)); got != "[return key:4]" {
		t.Errorf("filterWords = %s", got)
	}
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	h := searchTestHistory(t, 9)
	h.c.Theme.Warning = themes.Color{Light: "#ffdd55", Dark: "#ffdd55"}
	h.SetTheme(h.c)
	h = searchTestHistoryKeys(h, treeTestPress(h.c.Keys.Search))
	h = searchTestHistoryKeys(h, searchTestType("KEY:4", tea.KeyEnter)...)
	view := h.View()
	if !strings.Contains(view, h.st.mark.on("key:4")) {
		t.Errorf("the filter's word is not marked: %q", view)
	}
	if ansi.StringWidth(strings.Split(view, "\n")[2]) != 60 {
		t.Errorf("a marked row changed width: %q", strings.Split(view, "\n")[2])
	}
}

// TestTreeSearchNarrowingAgrees: the walk finds exactly the rows of the
// fully expanded tree that match, in display order; and a query that
// grows, searched again only among the matches it had, finds exactly what
// a search of the whole reply finds; in random replies of every shape,
// tree and raw view.
func TestTreeSearchNarrowingAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	found := 0
	for round := range 200 {
		v := treeTestRandomValue(r, 4)
		root := tnode{kind: nodeValue, v: &v}
		raw := newRawIndex(&v)
		for _, qs := range [][2]string{{"1", "1"}, {"1", "12"}, {"a", "a"}, {"a", "ab"}, {"\\", `\x`}, {"2", "23"}, {"t", "true"}} {
			var first, second searchBar
			first.setQuery(qs[0])
			second.setQuery(qs[1])
			whole := findTreeMatches(root, &second)
			found += whole.len()
			// the walk agrees with every row of the fully expanded tree
			x := newTreeIndex(&v)
			x.expandAll(expandAllNodes)
			var naive treeMatches
			var num []byte
			for row := range x.total() {
				info, path := x.locate(row, nil)
				if nodeMatches(info.n, second.m, &num) {
					naive.flat = append(naive.flat, path...)
					naive.end = append(naive.end, len(naive.flat))
				}
			}
			if fmt.Sprint(whole.flat, whole.end) != fmt.Sprint(naive.flat, naive.end) {
				t.Fatalf("round %d %q: walk %v %v, rows %v %v", round, qs[1], whole.flat, whole.end, naive.flat, naive.end)
			}
			narrow := narrowTreeMatches(findTreeMatches(root, &first), root, second.m)
			if fmt.Sprint(whole.flat, whole.end) != fmt.Sprint(narrow.flat, narrow.end) {
				t.Fatalf("round %d %q→%q: whole %v %v, narrowed %v %v", round, qs[0], qs[1], whole.flat, whole.end, narrow.flat, narrow.end)
			}
			if w, n := findRawMatches(raw, &second), narrowRawMatches(findRawMatches(raw, &first), raw, second.m); fmt.Sprint(w) != fmt.Sprint(n) {
				t.Fatalf("round %d raw %q→%q: whole %v, narrowed %v", round, qs[0], qs[1], w, n)
			}
		}
	}
	if found < 100 {
		t.Errorf("only %d matches in all rounds: the test compares empty lists", found)
	}
}

// Keys that came in one read ("/" and the query typed right after it, one
// SSH packet) are the keys they are: the search opens and gets the query,
// in the Result pane and in the Trace.
func TestSearchKeysInOneRead(t *testing.T) {
	m := offlineModel(t, demoSrc, detailTestKeys, detailTestArgs)
	st := detailTestSteps(demoSrc)
	m = feedRun(m, st, st[2].Reply, nil)
	m = sized(m, 120, 40)
	m.setFocus(paneResult)
	m = pressKeys(t, m, runes("/integer"), keyEnter)
	if q := m.tree.search.bar.Query(); q != "integer" || m.tree.search.bar.Typing() {
		t.Fatalf("result search: query %q typing %v, want \"integer\" entered", q, m.tree.search.bar.Typing())
	}
	// In the editor the same keys are text, whole.
	m.setFocus(paneEditor)
	before := m.editor.Value()
	m = pressKeys(t, m, runes("xyz"))
	if got := m.editor.Value(); got != "xyz"+before {
		t.Errorf("typed %q in one read: the script became %q", "xyz", got[:min(len(got), 20)])
	}
}

// The gallery moves by a page and to either end, as the other lists do.
func TestGalleryPagesAndEnds(t *testing.T) {
	m := sized(offlineModel(t, demoSrc, nil, nil), 80, 24)
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g"), Alt: true})
	g := m.gallery()
	if g == nil {
		t.Fatal("alt+g opened no gallery")
	}
	last := len(g.all) - 1
	for _, c := range []struct {
		k    tea.KeyMsg
		want int
	}{
		{tea.KeyMsg{Type: tea.KeyEnd}, last},
		{tea.KeyMsg{Type: tea.KeyHome}, 0},
		{tea.KeyMsg{Type: tea.KeyPgDown}, galleryRows(24)},
		{tea.KeyMsg{Type: tea.KeyPgUp}, 0},
	} {
		m = pressKeys(t, m, c.k)
		if got := m.gallery().cursor; got != c.want {
			t.Errorf("after %s the cursor is on %d, want %d", c.k, got, c.want)
		}
	}
}

// A search bar makes its prompt on the first Open: before, every call a
// pane makes on focus changes or keys must do nothing, not dereference it.
func TestSearchBarNeverOpened(t *testing.T) {
	var s searchBar
	s.Close()
	if s.Clear() {
		t.Error("Clear reported a search that never was")
	}
	if done, changed := s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}}); done || changed {
		t.Errorf("a key to a bar never opened: done %v, changed %v", done, changed)
	}
	if s.Shown() || s.Typing() {
		t.Error("a bar never opened is shown")
	}
	s.Open()
	if done, changed := s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}}); done || !changed || s.Query() != "x" {
		t.Errorf("after Open, x: done %v, changed %v, query %q", done, changed, s.Query())
	}
	if v := s.View(30); !strings.Contains(v, "x") {
		t.Errorf("the prompt does not show the query: %q", v)
	}
}
