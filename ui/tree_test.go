package ui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/themes"
)

func init() {
	// Plain-text views: the assertions read what a person would see.
	lipgloss.SetColorProfile(termenv.Ascii)
}

// treeTestPress turns a binding into the key message that matches it.
func treeTestPress(b key.Binding) tea.KeyMsg {
	k := b.Keys()[0]
	types := map[string]tea.KeyType{
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"enter": tea.KeyEnter, "tab": tea.KeyTab, "esc": tea.KeyEsc,
	}
	if t, ok := types[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// treeTestParse decodes wire bytes, failing the test on error.
func treeTestParse(t testing.TB, wire string) *resp.Value {
	t.Helper()
	v, n, err := resp.Parse([]byte(wire))
	if err != nil || n != len(wire) {
		t.Fatalf("parse %q: n=%d err=%v", wire, n, err)
	}
	return &v
}

func treeTestNew(v *resp.Value, w, h int) Tree {
	tr := NewTree(&Common{Keys: DefaultKeyMap()})
	tr.SetSize(w, h)
	tr.Focus()
	tr.SetReply(v)
	return tr
}

func treeTestSend(tr Tree, bs ...key.Binding) Tree {
	for _, b := range bs {
		tr, _ = tr.update(treeTestPress(b))
	}
	return tr
}

// treeTestCheckSize asserts that a view is exactly w×h cells.
func treeTestCheckSize(t *testing.T, what, view string, w, h int) {
	t.Helper()
	if w <= 0 || h <= 0 {
		if view != "" {
			t.Errorf("%s %dx%d: want empty view, got %q", what, w, h, view)
		}
		return
	}
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%s %dx%d: %d lines:\n%s", what, w, h, len(lines), view)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("%s %dx%d: line %d is %d cells: %q", what, w, h, i, got, l)
		}
	}
}

func TestTreeRendersEveryKind(t *testing.T) {
	wire := "*15\r\n" +
		":1\r\n" +
		"+OK\r\n" +
		"$4\r\ntext\r\n" +
		"_\r\n" +
		"-ERR bad thing\r\n" +
		",1.5\r\n" +
		"#t\r\n" +
		"(12345678901234567890\r\n" +
		"=7\r\ntxt:abc\r\n" +
		"%1\r\n$1\r\nk\r\n$1\r\nv\r\n" +
		"~2\r\n:7\r\n:8\r\n" +
		">1\r\n+hi\r\n" +
		"|1\r\n+ttl\r\n:3600\r\n:5\r\n" +
		"$-1\r\n" +
		"*0\r\n"
	tr := treeTestNew(treeTestParse(t, wire), 100, 40)
	tr.SetProtocol(3)
	view := tr.View()
	for _, want := range []string{
		"reply · RESP3 · array[15]",
		"▾ array[15]",
		" 1) (integer) 1",
		" 2) (status) OK",
		` 3) (bulk) "text"`,
		" 4) (nil)",
		" 5) (error) ERR bad thing",
		" 6) (double) 1.5",
		" 7) (boolean) true",
		" 8) (bignum) 12345678901234567890",
		` 9) (verbatim txt) "abc"`,
		"10) map[1]",
		`"k" => (bulk) "v"`,
		"11) set[2]",
		"1~ (integer) 7",
		"2~ (integer) 8",
		"12) push[1]",
		"1> (status) hi",
		"13) (integer) 5",
		"|attr[1]",
		"(status) ttl => (integer) 3600",
		"14) (nil)",
		"15) array[0] (empty)",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	treeTestCheckSize(t, "kinds", view, 100, 40)
}

func TestTreeStatusVersusBulk(t *testing.T) {
	status := treeTestNew(treeTestParse(t, "+OK\r\n"), 40, 3).View()
	bulk := treeTestNew(treeTestParse(t, "$2\r\nOK\r\n"), 40, 3).View()
	if !strings.Contains(status, "(status) OK") || strings.Contains(status, `"OK"`) {
		t.Errorf("status reply:\n%s", status)
	}
	if !strings.Contains(bulk, `(bulk) "OK"`) || strings.Contains(bulk, "(status)") {
		t.Errorf("bulk reply:\n%s", bulk)
	}
}

func TestTreeLongBulkShowsLength(t *testing.T) {
	long := strings.Repeat("x", 500)
	tr := treeTestNew(&resp.Value{Kind: resp.Bulk, Str: []byte(long)}, 60, 3)
	view := tr.View()
	if !strings.Contains(view, `(bulk) "xxx`) || !strings.Contains(view, `…" (500 bytes)`) {
		t.Errorf("long bulk:\n%s", view)
	}
	treeTestCheckSize(t, "long bulk", view, 60, 3)
}

func TestTreeEscapesServerBytes(t *testing.T) {
	evil := "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\xff"
	v := &resp.Value{Kind: resp.Array, Elems: []resp.Value{
		{Kind: resp.Bulk, Str: []byte(evil)},
		{Kind: resp.Status, Str: []byte(evil)},
		{Kind: resp.Error, Str: []byte("ERR " + evil)},
		{Kind: resp.Map, Elems: []resp.Value{{Kind: resp.Bulk, Str: []byte(evil)}, {Kind: resp.Bulk, Str: []byte(evil)}}},
		{Kind: resp.Verbatim, Format: "t\x1bt", Str: []byte(evil)},
		{Kind: resp.BigNumber, Str: []byte(evil)},
	}}
	for _, size := range [][2]int{{200, 20}, {30, 20}, {12, 20}} {
		tr := treeTestNew(v, size[0], size[1])
		for _, raw := range []bool{false, true} {
			if raw {
				tr = treeTestSend(tr, tr.common.Keys.RawView)
			}
			view := tr.View()
			// 0xff is a byte, not a rune: ContainsAny would look for U+FFFD.
			if strings.ContainsAny(view, "\x1b\x07\u202e") || strings.IndexByte(view, 0xff) >= 0 {
				t.Fatalf("raw=%v %v: control bytes reached the view: %q", raw, size, view)
			}
			if size[0] == 200 && !strings.Contains(view, `\x1b[2J`) {
				t.Errorf("raw=%v: want the escape shown as text:\n%s", raw, view)
			}
			if size[0] == 200 && !raw && !strings.Contains(view, `\u{202e}`) {
				t.Errorf("want the bidi override shown escaped:\n%s", view)
			}
			treeTestCheckSize(t, "escapes", view, size[0], size[1])
		}
	}
}

func TestTreeCutNeverSplitsAnEscape(t *testing.T) {
	v := &resp.Value{Kind: resp.Bulk, Str: []byte(strings.Repeat("\x1b", 100))}
	for w := 16; w < 40; w++ {
		view := treeTestNew(v, w, 1).View()
		i := strings.Index(view, `"`)
		j := strings.LastIndex(view, `…"`)
		if i < 0 || j < 0 {
			t.Fatalf("width %d: %q", w, view)
		}
		if inner := view[i+1 : j]; len(inner)%4 != 0 || strings.Count(inner, `\x1b`) != len(inner)/4 {
			t.Errorf("width %d: escape split: %q", w, view)
		}
	}
}

func TestTreeCollapseExpand(t *testing.T) {
	// [[1, 2], [3]]: 6 rows fully open
	v := treeTestParse(t, "*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n:3\r\n")
	tr := treeTestNew(v, 40, 10)
	k := tr.common.Keys
	if got := tr.rowCount(); got != 6 {
		t.Fatalf("rows = %d, want 6 (small replies open fully)", got)
	}
	tr = treeTestSend(tr, k.Down, k.Toggle) // collapse [1, 2]
	if got := tr.rowCount(); got != 4 {
		t.Fatalf("after collapse rows = %d, want 4", got)
	}
	if view := tr.View(); !strings.Contains(view, "▸ 1) array[2]") || strings.Contains(view, "(integer) 1") {
		t.Errorf("collapsed view:\n%s", view)
	}
	tr = treeTestSend(tr, k.Toggle)
	if got := tr.rowCount(); got != 6 {
		t.Fatalf("after expand rows = %d, want 6", got)
	}
	tr = treeTestSend(tr, k.Down, k.Left) // on "1) (integer) 1": Left goes to the parent
	if tr.Cursor() != 1 {
		t.Fatalf("Left on a leaf: cursor = %d, want 1", tr.Cursor())
	}
	tr = treeTestSend(tr, k.Left) // collapses the parent
	if tr.rowCount() != 4 {
		t.Fatalf("Left on an open node: rows = %d, want 4", tr.rowCount())
	}
	tr = treeTestSend(tr, k.Right, k.Right) // expand, then step into it
	if tr.rowCount() != 6 || tr.Cursor() != 2 {
		t.Fatalf("Right, Right: rows %d cursor %d, want 6 and 2", tr.rowCount(), tr.Cursor())
	}
	tr = treeTestSend(tr, k.CollapseAll)
	if tr.rowCount() != 3 || tr.Cursor() != 1 {
		t.Fatalf("collapse all: rows %d cursor %d, want 3 and 1 (the ancestor)", tr.rowCount(), tr.Cursor())
	}
	tr = treeTestSend(tr, k.ExpandAll)
	if tr.rowCount() != 6 || tr.Cursor() != 1 {
		t.Fatalf("expand all: rows %d cursor %d, want 6 and 1", tr.rowCount(), tr.Cursor())
	}
	tr = treeTestSend(tr, k.Top, k.Toggle)
	if tr.rowCount() != 1 {
		t.Fatalf("closing the root: rows %d", tr.rowCount())
	}
	if view := tr.View(); !strings.Contains(view, "▸ array[2]") {
		t.Errorf("closed root:\n%s", view)
	}
}

func TestTreeRemembersInnerExpansion(t *testing.T) {
	// [[[1]]]: collapse the middle, then the outer; reopening the outer restores the middle's state
	v := treeTestParse(t, "*1\r\n*1\r\n*1\r\n:1\r\n")
	tr := treeTestNew(v, 40, 10)
	k := tr.common.Keys
	tr = treeTestSend(tr, k.Down, k.Down, k.Toggle) // close [1]
	if tr.rowCount() != 3 {
		t.Fatalf("rows %d", tr.rowCount())
	}
	tr = treeTestSend(tr, k.Up, k.Toggle, k.Toggle) // close and reopen [[1]]
	if tr.rowCount() != 3 {
		t.Fatalf("inner state lost: rows %d", tr.rowCount())
	}
}

func TestTreeJumpToNestedError(t *testing.T) {
	// 1,500 integers (so children start collapsed), element 1200 is [[ "x", ERR deep ]]
	elems := make([]resp.Value, 1500)
	for i := range elems {
		elems[i] = resp.Value{Kind: resp.Integer, Int: int64(i)}
	}
	elems[1200] = resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Array, Elems: []resp.Value{
		{Kind: resp.Bulk, Str: []byte("x")},
		{Kind: resp.Error, Str: []byte("ERR deep")},
	}}}}
	tr := treeTestNew(&resp.Value{Kind: resp.Array, Elems: elems}, 80, 20)
	if tr.rowCount() != 1501 {
		t.Fatalf("rows = %d: big replies start with children collapsed", tr.rowCount())
	}
	if !tr.ShortHelp()[1].Enabled() {
		t.Fatal("JumpError disabled although the reply has an error")
	}
	tr = treeTestSend(tr, tr.common.Keys.JumpError)
	if tr.Cursor() != 1204 {
		t.Fatalf("cursor = %d, want 1204 (row of the error)", tr.Cursor())
	}
	view := tr.View()
	if !strings.Contains(view, "2) (error) ERR deep") || !strings.Contains(view, "▾ 1201) array[1]") {
		t.Errorf("view after jump:\n%s", view)
	}
	if !strings.Contains(view, "1205/1504") {
		t.Errorf("header position:\n%s", view)
	}

	// an error as a map value, and as a map key
	m := treeTestNew(treeTestParse(t, "*2\r\n:1\r\n%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n-ERR in map\r\n"), 60, 10)
	m = treeTestSend(m, m.common.Keys.JumpError)
	if m.Cursor() != 4 {
		t.Errorf("map value error: cursor %d, want 4\n%s", m.Cursor(), m.View())
	}
	k := treeTestNew(treeTestParse(t, "%1\r\n-ERR key\r\n:1\r\n"), 60, 10)
	k = treeTestSend(k, k.common.Keys.JumpError)
	if k.Cursor() != 1 {
		t.Errorf("map key error: cursor %d, want 1", k.Cursor())
	}
	none := treeTestNew(treeTestParse(t, "*1\r\n:1\r\n"), 60, 10)
	if none.ShortHelp()[1].Enabled() {
		t.Error("JumpError enabled without an error")
	}
}

func TestTreeRawView(t *testing.T) {
	v := treeTestParse(t, "*3\r\n:1\r\n$5\r\na\x1bb\r\n\r\n+OK\r\n")
	tr := treeTestNew(v, 40, 10)
	tr = treeTestSend(tr, tr.common.Keys.RawView)
	if !tr.Raw() {
		t.Fatal("raw view not on")
	}
	view := tr.View()
	for _, want := range []string{"raw RESP", `*3\r\n`, `:1\r\n`, `$5\r\n`, `a\x1bb\r\n`, `+OK\r\n`} {
		if !strings.Contains(view, want) {
			t.Errorf("raw view lacks %q:\n%s", want, view)
		}
	}
	treeTestCheckSize(t, "raw", view, 40, 10)
	// scrolling shows later lines only
	small := treeTestNew(v, 40, 3)
	small = treeTestSend(small, small.common.Keys.RawView, small.common.Keys.Bottom)
	if view := small.View(); !strings.Contains(view, `+OK\r\n`) || strings.Contains(view, `*3\r\n`) {
		t.Errorf("raw bottom:\n%s", view)
	}
	tr = treeTestSend(tr, tr.common.Keys.RawView)
	if tr.Raw() || !strings.Contains(tr.View(), "(status) OK") {
		t.Errorf("back to the tree:\n%s", tr.View())
	}
}

func TestTreeCopyValueOSC52(t *testing.T) {
	v := treeTestParse(t, "*2\r\n:42\r\n$11\r\nhello\x1bworld\r\n")
	tr := treeTestNew(v, 40, 10)
	var buf bytes.Buffer
	tr.clip = &buf // where KeyMap.CopyValue writes (os.Stdout by default)
	k := tr.common.Keys
	tr = treeTestSend(tr, k.Down, k.Down)
	_, cmd := tr.update(treeTestPress(k.CopyValue))
	if cmd == nil {
		t.Fatal("no command")
	}
	if buf.Len() != 0 {
		t.Fatal("Update wrote to the terminal; the write belongs in the command")
	}
	msg, ok := cmd().(valueCopiedMsg)
	if !ok || msg.err != nil || msg.bytes != 11 {
		t.Fatalf("message %#v", msg)
	}
	seq := buf.String()
	const pre, post = "\x1b]52;c;", "\x07"
	if !strings.HasPrefix(seq, pre) || !strings.HasSuffix(seq, post) {
		t.Fatalf("not an OSC 52 sequence: %q", seq)
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(seq, pre), post))
	if err != nil || string(got) != "hello\x1bworld" {
		t.Fatalf("clipboard = %q, %v", got, err)
	}
	// an aggregate copies as redis-cli text
	buf.Reset()
	tr = treeTestSend(tr, k.Top)
	_, cmd = tr.update(treeTestPress(k.CopyValue))
	cmd()
	got, _ = base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(buf.String(), pre), post))
	if string(got) != "1) (integer) 42\n2) \"hello\\x1bworld\"" {
		t.Errorf("aggregate copy = %q", got)
	}
}

func TestTreeEmptyState(t *testing.T) {
	tr := NewTree(&Common{Keys: DefaultKeyMap()})
	tr.SetSize(50, 4)
	view := tr.View()
	if !strings.Contains(view, "No reply yet — press ctrl+r to run") {
		t.Errorf("empty view:\n%s", view)
	}
	treeTestCheckSize(t, "empty", view, 50, 4)
	for _, b := range tr.ShortHelp() {
		if b.Enabled() {
			t.Errorf("binding %v enabled without a reply", b.Help())
		}
	}
	// keys without a reply do nothing and do not panic
	tr.Focus()
	tr = treeTestSend(tr, tr.common.Keys.Down, tr.common.Keys.Toggle, tr.common.Keys.RawView, tr.common.Keys.JumpError)
	tr.SetReply(nil)
	_ = tr.View()
}

func TestTreeViewSizeIsExact(t *testing.T) {
	deep := &resp.Value{Kind: resp.Integer, Int: 1}
	for range 60 {
		deep = &resp.Value{Kind: resp.Array, Elems: []resp.Value{*deep, {Kind: resp.Bulk, Str: []byte("世界世界世界 wide")}}}
	}
	replies := map[string]*resp.Value{
		"nil":  nil,
		"int":  {Kind: resp.Integer, Int: -7},
		"deep": deep,
		"wide": {Kind: resp.Bulk, Str: []byte(strings.Repeat("世", 300))},
	}
	sizes := [][2]int{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 3}, {3, 2}, {5, 3}, {17, 5}, {80, 24}, {120, 40}}
	for name, v := range replies {
		for _, s := range sizes {
			for _, raw := range []bool{false, true} {
				tr := treeTestNew(v, s[0], s[1])
				if raw {
					tr = treeTestSend(tr, tr.common.Keys.RawView)
				}
				tr = treeTestSend(tr, tr.common.Keys.PageDown, tr.common.Keys.Down)
				treeTestCheckSize(t, fmt.Sprintf("%s raw=%v", name, raw), tr.View(), s[0], s[1])
				tr.Blur()
				treeTestCheckSize(t, fmt.Sprintf("%s raw=%v blurred", name, raw), tr.View(), s[0], s[1])
			}
		}
	}
}

// treeTestMillion is an array of n integers, built without a row per element.
func treeTestMillion(n int) *resp.Value {
	elems := make([]resp.Value, n)
	for i := range elems {
		elems[i] = resp.Value{Kind: resp.Integer, Int: int64(i)}
	}
	return &resp.Value{Kind: resp.Array, Elems: elems}
}

func TestTreeMillionElements(t *testing.T) {
	v := treeTestMillion(1_000_000)
	tr := treeTestNew(v, 120, 40)
	k := tr.common.Keys
	if view := tr.View(); !strings.Contains(view, "▾ array[1000000]") {
		t.Fatalf("first frame:\n%s", view)
	}
	for range 100 {
		tr = treeTestSend(tr, k.PageDown)
		_ = tr.View()
	}
	if got, want := tr.Cursor(), 100*39; got != want {
		t.Errorf("after 100 pages cursor = %d, want %d", got, want)
	}
	tr = treeTestSend(tr, k.Bottom)
	if view := tr.View(); !strings.Contains(view, "1000000) (integer) 999999") {
		t.Errorf("bottom:\n%s", view)
	}
	tr = treeTestSend(tr, k.Top)
	if view := tr.View(); !strings.Contains(view, "      1) (integer) 0") {
		t.Errorf("top:\n%s", view)
	}
	tr = treeTestSend(tr, k.Toggle, k.Toggle, k.CollapseAll, k.ExpandAll, k.JumpError)
	if tr.rowCount() != 1_000_001 {
		t.Errorf("rows = %d", tr.rowCount())
	}
}

// treeTestSGR matches the colour sequences the panes write themselves.
var treeTestSGR = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTreeTraceErrPanelInColour draws the three panes with a real colour profile and
// a coloured theme: the size stays exact, and the only escape sequences
// are the panes' own SGR colours — none comes from the server's bytes.
func TestTreeTraceErrPanelInColour(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	c := func(s string) themes.Color { return themes.Color{Light: s, Dark: s} }
	th := themes.Theme{Name: "test-colour", Text: c("#eeeeee"), Muted: c("#999999"), Accent: c("#aa88ff"),
		Error: c("#ff5555"), Warning: c("#ffdd55"), OK: c("#55dd88"), Selection: c("#333366"),
		CursorLine: c("#262626"), TypeInteger: c("#55aaff"), TypeBulk: c("#88dd88"), TypeStatus: c("#88dddd"),
		TypeError: c("#ff5555"), TypeNil: c("#999999"), TypeAggregate: c("#ddaaff"), TypeOther: c("#ffaa55")}
	common := &Common{Theme: th, Keys: DefaultKeyMap()}
	evil := []byte("\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m")

	tr := NewTree(common)
	tr.SetSize(50, 8)
	tr.Focus()
	tr.SetReply(&resp.Value{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Bulk, Str: evil},
		{Kind: resp.Error, Str: evil}, {Kind: resp.Integer, Int: 3}}})
	tp := NewTrace(common)
	tp.SetSize(50, 8)
	tp.StartRun(1, "eval")
	tp.AddStep(1, redisx.Step{Seq: 1, Command: []string{"EVAL", string(evil)}, Outcome: redisx.OutcomeError,
		Reply: &resp.Value{Kind: resp.Error, Str: evil}})
	ep := NewErrPanel(common)
	ep.SetSize(50, 8)
	ep.SetError(&classify.Classification{Class: classify.Script, Source: classify.SourceScript, Message: string(evil), Line: 2})

	views := map[string]string{"tree": tr.View(), "trace": tp.View(), "errpanel": ep.View()}
	tr, _ = tr.update(treeTestPress(common.Keys.RawView))
	views["raw"] = tr.View()
	for name, view := range views {
		if !strings.Contains(view, "\x1b[") {
			t.Errorf("%s: no colour at all", name)
		}
		if plain := treeTestSGR.ReplaceAllString(view, ""); strings.ContainsAny(plain, "\x1b\x07\u009b") || !utf8.ValidString(plain) {
			t.Errorf("%s: a foreign escape reached the view: %q", name, plain)
		}
		treeTestCheckSize(t, name, view, 50, 8)
	}
	// a theme switch rebuilds the inks
	before := views["raw"]
	common.Theme = themes.Theme{Name: "plain"}
	if tr.View() == before {
		t.Error("theme switch did not change the drawing")
	}
}
