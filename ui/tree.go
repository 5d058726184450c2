package ui

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/explain"
	"luascope/redisx/resp"
	"luascope/themes"
	"luascope/ui/editor"
)

// Tree is the result pane: the reply as an expandable tree that keeps the
// exact wire types visible ((status) OK is not "OK"), or, switched with
// KeyMap.RawView, the exact bytes of the reply as they came on the wire.
//
// It is built for replies of any size: rows are never materialised per
// element (see tree_index.go), only the rows in view are drawn, and every
// byte from the server is escaped before it reaches the terminal.
type Tree struct {
	common *Common

	reply *resp.Value
	idx   *treeIndex // nil while there is no reply
	raw   *rawIndex  // wire lines, built on the first switch to the raw view
	proto int

	width, height int
	focused       bool

	cursor, offset int // tree view: cursor row and first visible row
	rawMode        bool
	rawOff         int // raw view: first visible line

	clip   io.Writer
	styles *treeStyleCache
	search treeSearch // "/" (tree_search.go)

	// explain maps reply nodes to how their Lua value became them
	// (explain mode); nil when the run was not explained. The values are
	// pointers into the run's explanation, not copies: a million-element
	// reply made this map 156 MB with copies, 40 MB without.
	explain map[*resp.Value]*explain.Node
}

// SetExplain attaches explain mode's notes to the reply shown (call after
// SetReply with the same reply): each row then says the Lua value it came
// from, and lossy conversions are marked ⚠.
func (t *Tree) SetExplain(n *explain.Node) {
	t.explain = nil
	if n == nil || t.reply == nil {
		return
	}
	t.explain = map[*resp.Value]*explain.Node{}
	var walk func(v *resp.Value, n *explain.Node)
	walk = func(v *resp.Value, n *explain.Node) {
		t.explain[v] = n
		for i := range n.Items {
			if i < len(v.Elems) {
				walk(&v.Elems[i], &n.Items[i])
			}
		}
	}
	walk(t.reply, n)
}

// explainNote is the annotation of one row: "← number 3.9 ⚠ …".
func (t Tree) explainNote(v *resp.Value) (string, bool) {
	n, ok := t.explain[v]
	if !ok {
		if t.explain == nil || v == t.reply {
			return "", false
		}
		// Past the explanation's budget: no node is kept per element.
		return "← " + explain.Undescribed, false
	}
	text, lossy := "← "+n.Lua, false
	for _, note := range n.Notes {
		if note.Lossy {
			text += " ⚠ " + note.Text
			lossy = true
		}
	}
	return text, lossy
}

// valueCopiedMsg reports a copy of the value under the cursor to the
// system clipboard (OSC 52): how many bytes went, or why it failed.
type valueCopiedMsg struct {
	bytes int
	err   error
}

// NewTree returns an empty result tree (no reply yet) drawing with c's
// theme and keys.
func NewTree(c *Common) Tree {
	return Tree{common: c, clip: os.Stdout, styles: &treeStyleCache{}, search: treeSearch{bar: newSearchBar(c), rawCur: -1}}
}

var _ Pane = (*Tree)(nil)

// SetReply shows a new reply (nil: no reply yet). The cursor goes back to
// the top; a reply of up to 1,000 rows opens fully, a bigger one shows
// only the root's children, collapsed.
func (t *Tree) SetReply(v *resp.Value) {
	t.reply = v
	t.explain = nil
	t.cursor, t.offset, t.rawOff = 0, 0, 0
	t.raw = nil
	t.search.resetMatches() // a search goes on over the new reply
	if v == nil {
		t.idx = nil
		return
	}
	t.idx = newTreeIndex(v)
	if t.rawMode {
		t.raw = newRawIndex(v)
	}
	t.syncSearch()
}

// SetProtocol records the RESP version the reply came over (2 or 3), shown
// in the header because it decides which wire types are possible.
func (t *Tree) SetProtocol(p int) { t.proto = p }

// SetSize sets the pane's size in cells; View returns exactly that.
func (t *Tree) SetSize(width, height int) {
	t.width, t.height = max(width, 0), max(height, 0)
	t.fix()
}

// Focus makes the pane take keys and show its cursor in the focus colour.
func (t *Tree) Focus() { t.focused = true }

// Blur makes the pane ignore keys; a search being typed is kept as typed.
func (t *Tree) Blur() {
	t.focused = false
	t.search.bar.Close()
}

// Focused reports whether the pane has the focus.
func (t Tree) Focused() bool { return t.focused }

// Raw reports whether the raw-RESP view is shown.
func (t Tree) Raw() bool { return t.rawMode }

// Cursor returns the cursor row of the tree view (0 = the reply's root).
func (t Tree) Cursor() int { return t.cursor }

// rowCount returns how many rows the tree view shows with the current
// expansion (0 without a reply).
func (t Tree) rowCount() int {
	if t.idx == nil {
		return 0
	}
	return t.idx.total()
}

// bodyHeight is the number of rows under the one-line header and above
// the search bar; panes shorter than three lines have no header.
func (t Tree) bodyHeight() int {
	h := t.height - searchHeight(t.search.bar, t.height)
	if t.height >= 3 {
		return h - 1
	}
	return h
}

// fix keeps cursor and offsets inside the content after any change.
func (t *Tree) fix() {
	if t.idx == nil {
		t.cursor, t.offset, t.rawOff = 0, 0, 0
		return
	}
	total := t.idx.total()
	t.cursor = min(max(t.cursor, 0), total-1)
	t.offset = keepVisible(t.cursor, t.offset, total, t.bodyHeight())
	if t.raw != nil {
		t.rawOff = clampOff(t.rawOff, t.raw.lines(), t.bodyHeight())
	}
}

// update handles the tree's keys (and the mouse wheel) while focused.
func (t Tree) update(msg tea.Msg) (Tree, tea.Cmd) {
	if !t.focused || t.idx == nil {
		return t, nil
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return t.updateKey(msg)
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				t.move(-3)
			case tea.MouseButtonWheelDown:
				t.move(3)
			}
		}
	}
	return t, nil
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (t *Tree) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*t, cmd = t.update(msg)
	return t, cmd
}

func (t Tree) updateKey(msg tea.KeyMsg) (Tree, tea.Cmd) {
	if t.searchKey(msg) {
		return t, nil
	}
	t, cmd := t.moveKey(msg)
	t.syncSearch()
	return t, cmd
}

// moveKey handles the tree's own keys: movement, expansion, copy, raw.
func (t Tree) moveKey(msg tea.KeyMsg) (Tree, tea.Cmd) {
	k := commonKeys(t.common)
	page := max(t.bodyHeight(), 1)
	switch {
	case key.Matches(msg, k.RawView):
		t.rawMode = !t.rawMode
		if t.rawMode && t.raw == nil {
			t.raw = newRawIndex(t.reply)
		}
		t.fix()
		return t, nil
	case key.Matches(msg, k.CopyValue):
		return t, t.copyCmd()
	case key.Matches(msg, k.Up):
		t.move(-1)
	case key.Matches(msg, k.Down):
		t.move(1)
	case key.Matches(msg, k.PageUp):
		t.move(-page)
	case key.Matches(msg, k.PageDown):
		t.move(page)
	case key.Matches(msg, k.Top):
		t.move(-1 << 40)
	case key.Matches(msg, k.Bottom):
		t.move(1 << 40)
	case t.rawMode:
		// the remaining keys act on the tree only
	case key.Matches(msg, detailKey):
		return t, openDetail(t.detailDoc())
	case key.Matches(msg, k.Toggle):
		info, path := t.idx.locate(t.cursor, nil)
		if info.n.count() > 0 {
			t.idx.setOpen(path, !info.open)
		} else { // a leaf has nothing to open but its detail
			return t, openDetail(t.detailDoc())
		}
	case key.Matches(msg, k.Right):
		info, path := t.idx.locate(t.cursor, nil)
		switch {
		case info.open:
			t.cursor++
		case info.n.count() > 0:
			t.idx.setOpen(path, true)
		}
	case key.Matches(msg, k.Left):
		info, path := t.idx.locate(t.cursor, nil)
		switch {
		case info.open:
			t.idx.setOpen(path, false)
		case len(path) > 0:
			t.cursor, _ = t.idx.rowOf(path[:len(path)-1])
		}
	case key.Matches(msg, k.ExpandAll):
		_, path := t.idx.locate(t.cursor, nil)
		t.idx.expandAll(expandAllNodes)
		t.cursor, _ = t.idx.rowOf(path)
	case key.Matches(msg, k.CollapseAll):
		_, path := t.idx.locate(t.cursor, nil)
		t.idx.collapseAll()
		t.cursor, _ = t.idx.rowOf(path)
	case key.Matches(msg, k.JumpError):
		path, ok := t.idx.firstError()
		if !ok {
			return t, nil
		}
		for i := range path {
			t.idx.setOpen(path[:i], true)
		}
		t.cursor, _ = t.idx.rowOf(path)
		t.offset = t.cursor - t.bodyHeight()/2 // centre it; fix clamps
	}
	t.fix()
	return t, nil
}

// move moves the cursor (tree) or the first visible line (raw) by d.
func (t *Tree) move(d int) {
	if t.rawMode {
		if t.raw != nil {
			t.rawOff = clampOff(t.rawOff+d, t.raw.lines(), t.bodyHeight())
		}
		return
	}
	total := t.idx.total()
	c := t.cursor + d
	if d > 0 && c < t.cursor { // overflow
		c = total - 1
	}
	t.cursor = c
	t.fix()
}

// copyCmd copies the value under the cursor (in the raw view: the whole
// wire form). The text is made and written inside the command, so a
// million-element reply does not stall Update.
func (t Tree) copyCmd() tea.Cmd {
	w := t.clip
	if w == nil {
		w = os.Stdout
	}
	var text func() string
	if t.rawMode {
		v := t.reply
		text = func() string { return string(resp.Encode(nil, *v)) }
	} else {
		info, _ := t.idx.locate(t.cursor, nil)
		n := info.n
		text = func() string { return treeCopyText(n) }
	}
	return treeClipboardCmd(w, text)
}

// treeClipboardCmd writes text() to w as an OSC 52 "set clipboard"
// sequence and reports the result as a valueCopiedMsg.
func treeClipboardCmd(w io.Writer, text func() string) tea.Cmd {
	return func() tea.Msg {
		s := text()
		return valueCopiedMsg{bytes: len(s), err: editor.WriteClipboard(w, s)}
	}
}

// treeCopyText is what copying a node puts on the clipboard: a string
// value's own bytes (a user pastes the value, not its rendering), a number
// as digits, an aggregate as redis-cli style text.
func treeCopyText(n tnode) string {
	switch n.kind {
	case nodeAttr:
		a := *n.v
		a.Attr, a.Kind = nil, resp.Attribute
		return resp.Text(a)
	case nodeEntry:
		return resp.Text(*n.key) + " => " + resp.Text(*n.v)
	}
	v := *n.v
	switch v.Kind {
	case resp.Bulk, resp.Status, resp.Error, resp.BigNumber, resp.Verbatim:
		return string(v.Str)
	case resp.Integer:
		return strconv.FormatInt(v.Int, 10)
	case resp.Double:
		return strings.TrimPrefix(resp.Summary(v, 0), "(double) ")
	case resp.Boolean:
		return strconv.FormatBool(v.Bool)
	}
	v.Attr = nil
	return resp.Text(v)
}

// ShortHelp lists the tree's main bindings, disabled when they do not
// apply (no reply, raw view, no error to jump to).
func (t Tree) ShortHelp() []key.Binding {
	k := commonKeys(t.common)
	has := t.idx != nil
	tree := has && !t.rawMode
	if t.search.bar.Typing() {
		return []key.Binding{searchConfirm, searchCancel}
	}
	on := has && t.search.bar.Active()
	return []key.Binding{
		helpIf(k.Toggle, tree),
		helpIf(k.JumpError, tree && t.hasError()),
		helpIf(k.CopyValue, has),
		helpIf(k.RawView, has),
		helpIf(k.Search, has && !on),
		helpIf(k.NextMatch, on),
		helpIf(k.PrevMatch, on),
	}
}

// FullHelp lists every binding of the tree.
func (t Tree) FullHelp() [][]key.Binding {
	k := commonKeys(t.common)
	has := t.idx != nil
	tree := has && !t.rawMode
	return [][]key.Binding{
		{helpIf(k.Up, has), helpIf(k.Down, has), helpIf(k.PageUp, has), helpIf(k.PageDown, has),
			helpIf(k.Top, has), helpIf(k.Bottom, has)},
		{helpIf(k.Toggle, tree), helpIf(k.Left, tree), helpIf(k.Right, tree),
			helpIf(k.ExpandAll, tree), helpIf(k.CollapseAll, tree)},
		{helpIf(k.JumpError, tree && t.hasError()), helpIf(k.CopyValue, has), helpIf(k.RawView, has),
			helpIf(detailKey, tree)},
		{helpIf(k.Search, has), helpIf(k.NextMatch, has), helpIf(k.PrevMatch, has),
			helpIf(searchConfirm, has), helpIf(searchCancel, has)},
	}
}

func (t Tree) hasError() bool {
	if t.idx == nil {
		return false
	}
	_, ok := t.idx.firstError()
	return ok
}

// treeStyleCache holds the tree's inks for the theme they were built from.
type treeStyleCache struct {
	key inkKey
	s   *treeStyles // nil until the first frame
}

// treeStyles are the inks of one theme.
type treeStyles struct {
	rows   [3]treeInks // 0 plain row, 1 cursor row (focused), 2 cursor row (blurred)
	header ink
	empty  ink
}

// treeInks paints the parts of a row.
type treeInks struct {
	base, marker, label, dim, crlf                    ink
	agg, integer, bulk, status, err, nilv, other, txt ink
}

func (c *treeStyleCache) get(th themes.Theme) *treeStyles {
	if k := inkKeyOf(th); c.s == nil || c.key != k {
		c.key, c.s = k, treeStylesOf.get(th)
	}
	return c.s
}

func newTreeStyles(th themes.Theme) treeStyles {
	var s treeStyles
	for mode := range s.rows {
		mk := func(c themes.Color) lipgloss.Style {
			st := fgStyle(c)
			switch {
			case mode == 0:
			case th.Mono:
				st = st.Reverse(mode == 1).Underline(mode == 2)
			case mode == 1:
				st = st.Background(color(th.Selection))
			default:
				st = st.Background(color(th.CursorLine))
			}
			return st
		}
		badge := func(c themes.Color) ink {
			st := mk(c)
			if th.Mono {
				st = st.Bold(true)
			}
			return inkOf(st)
		}
		r := &s.rows[mode]
		r.base = inkOf(mk(th.Text))
		r.txt = r.base
		r.marker = inkOf(mk(th.Accent))
		r.label = inkOf(mk(th.Muted))
		r.dim = inkOf(mk(th.Muted).Faint(th.Mono))
		r.crlf = inkOf(mk(th.Muted).Faint(th.Mono))
		r.agg = badge(th.TypeAggregate)
		r.integer = badge(th.TypeInteger)
		r.bulk = badge(th.TypeBulk)
		r.status = badge(th.TypeStatus)
		r.err = inkOf(mk(th.TypeError).Bold(true))
		r.nilv = badge(th.TypeNil)
		r.other = badge(th.TypeOther)
	}
	s.header = inkOf(fgStyle(th.Muted).Bold(th.Mono))
	s.empty = inkOf(fgStyle(th.Muted))
	return s
}

// spaces80 lets blanks serve indentation and padding without allocating.
const spaces80 = "                                                                                "

// blanks returns n spaces.
func blanks(n int) string {
	if n <= 0 {
		return ""
	}
	if n <= len(spaces80) {
		return spaces80[:n]
	}
	return strings.Repeat(" ", n)
}

// View draws the pane: a header line, then only the rows in view.
func (t Tree) View() string {
	w, h := t.width, t.height
	if w <= 0 || h <= 0 {
		return ""
	}
	cache := t.styles
	if cache == nil { // a zero Tree, not made by NewTree
		cache = &treeStyleCache{}
	}
	sty := cache.get(commonTheme(t.common))
	lines := make([]string, 0, h)
	if t.idx == nil {
		run := firstKey(commonKeys(t.common).Run, "ctrl+r")
		lines = append(lines, sty.empty.on(cellFit("No reply yet — press "+run+" to run", w)))
		return blockFit(lines, w, h)
	}
	body := t.bodyHeight()
	if t.rawMode && t.raw == nil { // a copy that never went through Update
		t.raw = newRawIndex(t.reply)
	}
	if h >= 3 {
		lines = append(lines, sty.header.on(cellFit(t.header(w), w)))
	}
	if t.rawMode {
		t.viewRaw(&lines, sty, w, body)
	} else {
		t.viewTree(&lines, sty, w, body)
	}
	if searchHeight(t.search.bar, h) > 0 {
		for len(lines) < h-1 {
			lines = append(lines, "")
		}
		lines = append(lines[:h-1], t.search.bar.View(w))
	}
	return blockFit(lines, w, h)
}

// header is the one-line summary above the rows: protocol, the reply's
// type and size, and where the cursor is.
func (t Tree) header(w int) string {
	left := "reply"
	if t.rawMode {
		left = "raw RESP"
	}
	switch t.proto {
	case 2, 3:
		left += " · RESP" + strconv.Itoa(t.proto)
	}
	var right string
	if t.rawMode {
		left += " · " + strconv.Itoa(len(t.raw.wire)) + " bytes"
		last := min(t.rawOff+t.bodyHeight(), t.raw.lines())
		right = "lines " + strconv.Itoa(min(t.rawOff+1, last)) + "–" + strconv.Itoa(last) + "/" + strconv.Itoa(t.raw.lines())
	} else {
		left += " · " + resp.Summary(*t.reply, max(w/2, 16))
		right = strconv.Itoa(t.cursor+1) + "/" + strconv.Itoa(t.idx.total())
	}
	gap := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 2 {
		return left
	}
	return left + blanks(gap) + right
}

func (t Tree) viewTree(lines *[]string, sty *treeStyles, w, body int) {
	total := t.idx.total()
	off := keepVisible(min(max(t.cursor, 0), total-1), t.offset, total, body)
	var path []int
	var b strings.Builder
	for r := off; r < min(off+body, total); r++ {
		mode := 0
		if r == t.cursor {
			mode = 1
			if !t.focused {
				mode = 2
			}
		}
		var info rowInfo
		info, path = t.idx.locate(r, path[:0])
		b.Reset()
		note, lossy := "", false
		if t.explain != nil && info.n.kind != nodeAttr {
			note, lossy = t.explainNote(info.n.v)
		}
		if note == "" || w < 20 {
			renderTreeRow(&b, info, &sty.rows[mode], w)
			*lines = append(*lines, t.markRow(b.String(), info, r))
			continue
		}
		// The Lua side gets what the row does not need, at most half.
		noteW := min(ansi.StringWidth(note), w/2)
		renderTreeRow(&b, info, &sty.rows[mode], w-noteW)
		ink := sty.rows[mode].dim
		if lossy {
			ink = sty.rows[mode].err
		}
		ink.put(&b, cellFit(note, noteW))
		*lines = append(*lines, t.markRow(b.String(), info, r))
	}
}

// markRow paints the search's matches in a drawn row that is a match.
func (t Tree) markRow(line string, info rowInfo, row int) string {
	if !t.rowMatches(info.n) {
		return line
	}
	return t.search.bar.mark(line, row == t.cursor)
}

func (t Tree) viewRaw(lines *[]string, sty *treeStyles, w, body int) {
	r := &sty.rows[0]
	off := clampOff(t.rawOff, t.raw.lines(), body)
	var b strings.Builder
	for i := off; i < min(off+body, t.raw.lines()); i++ {
		l, crlf := t.raw.line(i)
		b.Reset()
		room := w
		if crlf {
			room -= 4
		}
		if room < 1 {
			*lines = append(*lines, r.crlf.on(cellFit(`\r\n`, w)))
			continue
		}
		s, _ := escapeFit(l, room)
		r.base.put(&b, s)
		if crlf {
			r.crlf.put(&b, `\r\n`)
		}
		line := b.String()
		if hit, cur := t.rawLineMatch(i); hit {
			line = t.search.bar.mark(line, cur)
		}
		*lines = append(*lines, line)
	}
}

// renderTreeRow draws one row, exactly w cells: indentation, ▸/▾, the
// index or key, the type badge, the value, and a size note when the
// value was cut.
func renderTreeRow(b *strings.Builder, info rowInfo, r *treeInks, w int) {
	indent := 2 * info.depth
	marker := "  "
	if info.n.count() > 0 {
		marker = "▸ "
		if info.open {
			marker = "▾ "
		}
	}
	used := indent + 2
	label := treeLabel(info, max((w-used)/3, 12))
	if label != "" {
		label += " "
		used += ansi.StringWidth(label)
	}
	badge, bk, value, vk, suffix := treeValue(info.n, r, w-used)
	if badge != "" && value != "" {
		badge += " "
	}
	used += ansi.StringWidth(badge) + ansi.StringWidth(value) + ansi.StringWidth(suffix)

	start := b.Len()
	r.base.put(b, blanks(indent))
	r.marker.put(b, marker)
	r.label.put(b, label)
	bk.put(b, badge)
	vk.put(b, value)
	r.dim.put(b, suffix)
	if used > w {
		s := ansi.Truncate(b.String()[start:], w, "…")
		used = ansi.StringWidth(s)
		rest := b.String()[:start]
		b.Reset()
		b.WriteString(rest)
		b.WriteString(s)
	}
	if used < w {
		r.base.put(b, blanks(w-used))
	}
}

// treeLabel is the row's position in its parent: "3)" in an array (also
// "3~" in a set, "3>" in a push, right-aligned like redis-cli), `"key" =>`
// for a map entry, "key:"/"value:" under an entry with an aggregate key.
func treeLabel(info rowInfo, keyMax int) string {
	if info.depth == 0 || info.n.kind == nodeAttr {
		return ""
	}
	p := info.parent
	if p.kind == nodeEntry {
		if info.idx == 0 {
			return "key:"
		}
		return "value:"
	}
	i := info.idx
	if p.kind != nodeAttr {
		i -= attrDepth(p.v)
	}
	switch info.n.kind {
	case nodePair:
		return resp.Summary(*info.n.key, keyMax) + " =>"
	case nodeEntry:
		return strconv.Itoa(i+1) + "#"
	}
	sep := ")"
	switch p.v.Kind {
	case resp.Set:
		sep = "~"
	case resp.Push:
		sep = ">"
	}
	n := strconv.Itoa(i + 1)
	return blanks(decWidth(len(p.v.Elems))-len(n)) + n + sep
}

// treeValue is the badge and value text of a node fitted to avail cells,
// with the inks to paint them and a size suffix for cut strings.
func treeValue(n tnode, r *treeInks, avail int) (badge string, bk ink, value string, vk ink, suffix string) {
	switch n.kind {
	case nodeAttr:
		return "|attr[" + strconv.Itoa((len(n.v.Elems)+1)/2) + "]", r.other, "", r.txt, ""
	case nodeEntry:
		half := max(avail/2-2, 8)
		return "", r.txt, resp.Summary(*n.key, half) + " => " + resp.Summary(*n.v, max(avail-half-4, 8)), r.txt, ""
	}
	v := n.v
	vk = r.txt
	switch v.Kind {
	case resp.Integer:
		return "(integer)", r.integer, strconv.FormatInt(v.Int, 10), vk, ""
	case resp.Bulk:
		badge = "(bulk)"
		value, suffix = quotedFit(v.Str, avail-len(badge)-1)
		return badge, r.bulk, value, vk, suffix
	case resp.Verbatim:
		badge = "(verbatim " + resp.Escape([]byte(v.Format)) + ")"
		value, suffix = quotedFit(v.Str, avail-ansi.StringWidth(badge)-1)
		return badge, r.other, value, vk, suffix
	case resp.Status:
		value, _ = escapeFit(v.Str, avail-len("(status) "))
		return "(status)", r.status, value, vk, ""
	case resp.Error:
		value, _ = escapeFit(v.Str, avail-len("(error) "))
		return "(error)", r.err, value, r.err, ""
	case resp.Nil:
		return "(nil)", r.nilv, "", vk, ""
	case resp.Double:
		return "(double)", r.other, strings.TrimPrefix(resp.Summary(*v, 0), "(double) "), vk, ""
	case resp.Boolean:
		return "(boolean)", r.other, strconv.FormatBool(v.Bool), vk, ""
	case resp.BigNumber:
		value, _ = escapeFit(v.Str, avail-len("(bignum) "))
		return "(bignum)", r.other, value, vk, ""
	case resp.Array, resp.Set, resp.Push, resp.Map, resp.Attribute:
		badge = v.Kind.String() + "[" + strconv.Itoa(v.Len()) + "]"
		if v.Len() == 0 {
			return badge, r.agg, "(empty)", r.dim, ""
		}
		return badge, r.agg, "", vk, ""
	}
	return "(invalid kind " + strconv.Itoa(int(v.Kind)) + ")", r.err, "", vk, ""
}

// quotedFit quotes and escapes a string value for a row of avail cells.
// A value that is cut or long gets its byte length as a suffix.
func quotedFit(b []byte, avail int) (value, suffix string) {
	const longBytes = 64
	inner := avail - 2
	esc, cut := escapeFit(b, inner)
	if !cut && len(b) <= longBytes {
		return `"` + esc + `"`, ""
	}
	suffix = " (" + strconv.Itoa(len(b)) + " bytes)"
	if cut {
		if inner-len(suffix) >= 6 {
			esc, _ = escapeFit(b, inner-len(suffix))
		} else {
			suffix = ""
		}
	} else if avail-ansi.StringWidth(esc)-2 < len(suffix) {
		suffix = ""
	}
	return `"` + esc + `"`, suffix
}
