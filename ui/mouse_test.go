package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// mouseModel is the offline app with the mouse on, at w×h.
func mouseModel(t *testing.T, src string, w, h int) Model {
	t.Helper()
	m := offlineModel(t, src, []string{"rate:demo"}, []string{"5", "60"})
	m.opts.Mouse = true
	return sized(m, w, h)
}

func clickAt(m Model, x, y int) Model {
	return update(m, tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
}

func wheelAt(m Model, x, y int, b tea.MouseButton) Model {
	return update(m, tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: b})
}

// cellOf finds where text is drawn in the frame (its first cell), the
// way a person aims the pointer at it.
func cellOf(t *testing.T, m Model, text string) (x, y int) {
	t.Helper()
	for y, line := range strings.Split(ansi.Strip(m.View()), "\n") {
		if i := strings.Index(line, text); i >= 0 {
			return ansi.StringWidth(line[:i]), y
		}
	}
	t.Fatalf("%q is not on the screen:\n%s", text, ansi.Strip(m.View()))
	return 0, 0
}

// centre is the middle of a pane's box in the layout the frame uses.
func centre(t *testing.T, m Model, id paneID) (x, y int) {
	t.Helper()
	r, ok := layout(m.w, m.h, m.layoutState()).panes[id]
	if !ok {
		t.Fatalf("%s is not shown", id)
	}
	return r.X + r.W/2, r.Y + r.H/2
}

// nestedReply is {1, {"a", "b", {"deep"}}, 3}: rows to click, a branch
// to open and close.
func nestedReply() *resp.Value {
	bulk := func(s string) resp.Value { return resp.Value{Kind: resp.Bulk, Str: []byte(s)} }
	return &resp.Value{Kind: resp.Array, Elems: []resp.Value{
		{Kind: resp.Integer, Int: 1},
		{Kind: resp.Array, Elems: []resp.Value{bulk("alpha"), bulk("beta"), {Kind: resp.Array, Elems: []resp.Value{bulk("deep")}}}},
		{Kind: resp.Integer, Int: 3},
	}}
}

func TestMouseClickFocusesPane(t *testing.T) {
	m := mouseModel(t, demoSrc, 120, 40)
	for _, id := range []paneID{paneResult, paneError, paneTrace, paneForm, paneEditor} {
		x, y := centre(t, m, id)
		m = clickAt(m, x, y)
		if m.focus != id {
			t.Errorf("click on %s at %d,%d: focus %s", id, x, y, m.focus)
		}
	}
	// The border focuses too.
	r := layout(m.w, m.h, m.layoutState()).panes[paneResult]
	if m = clickAt(m, r.X, r.Y); m.focus != paneResult {
		t.Errorf("click on the Result's corner: focus %s", m.focus)
	}
	// The status and help bars are not panes.
	if m = clickAt(m, 5, m.h-1); m.focus != paneResult {
		t.Errorf("click on the help bar moved the focus to %s", m.focus)
	}
}

func TestMouseClickTabs(t *testing.T) {
	m := mouseModel(t, demoSrc, 80, 24)
	if !m.isTabs() {
		t.Fatal("80×24 is not in tabs")
	}
	for _, name := range []string{"Trace", "History", "Result", "Script"} {
		x, y := cellOf(t, m, name)
		if y != 0 {
			t.Fatalf("%s found on row %d, not in the tab bar", name, y)
		}
		m = clickAt(m, x+1, 0)
		if m.focus.String() != name {
			t.Errorf("click on the %s tab: focus %s", name, m.focus)
		}
	}
	// Past the last tab: nothing.
	if m = clickAt(m, m.w-1, 0); m.focus != paneEditor {
		t.Errorf("click right of the tabs: focus %s", m.focus)
	}
}

func TestMouseClickTreeRow(t *testing.T) {
	m := mouseModel(t, demoSrc, 120, 40)
	v := nestedReply()
	m = feedRun(m, nil, v, nil)
	m.setFocus(paneEditor)
	x, y := cellOf(t, m, `"beta"`)
	m = clickAt(m, x, y)
	if m.focus != paneResult {
		t.Fatalf("focus %s after a click on a tree row", m.focus)
	}
	if got := m.tree.Cursor(); got != 4 { // root, 1), 2) array, 1) alpha, 2) beta
		t.Errorf("cursor %d after a click on \"beta\", want 4", got)
	}
	rows := m.tree.rowCount()
	// A click on the row of the inner array, not on its marker: selects.
	x, y = cellOf(t, m, "2) array[3]")
	m = clickAt(m, x, y)
	if m.tree.Cursor() != 2 || m.tree.rowCount() != rows {
		t.Errorf("a click on a branch's label: cursor %d rows %d, want 2 and %d (selected, not toggled)", m.tree.Cursor(), m.tree.rowCount(), rows)
	}
	// A click on its ▾ closes it, and another on its ▸ opens it again.
	r := layout(m.w, m.h, m.layoutState()).panes[paneResult]
	line := strings.Split(ansi.Strip(m.View()), "\n")[y]
	mx := ansi.StringWidth(line[:strings.Index(line, "▾ 2)")])
	if mx-r.X-1 != 2 {
		t.Fatalf("the marker is at inner column %d, want 2 (depth 1)", mx-r.X-1)
	}
	m = clickAt(m, mx, y)
	if m.tree.rowCount() != rows-4 {
		t.Errorf("a click on ▾: %d rows, want %d", m.tree.rowCount(), rows-4)
	}
	m = clickAt(m, mx, y)
	if m.tree.rowCount() != rows {
		t.Errorf("a click on ▸: %d rows, want %d", m.tree.rowCount(), rows)
	}
	// Below the last row and on the header: the cursor stays.
	_, hy := cellOf(t, m, "reply · ")
	m = clickAt(m, mx, hy)
	if m.tree.Cursor() != 2 {
		t.Errorf("a click on the header moved the cursor to %d", m.tree.Cursor())
	}
	m = clickAt(m, mx, r.Y+r.H-2)
	if m.tree.Cursor() != 2 {
		t.Errorf("a click below the rows moved the cursor to %d", m.tree.Cursor())
	}
}

func TestMouseWheelScrollsPaneUnderPointer(t *testing.T) {
	m := mouseModel(t, demoSrc, 120, 40)
	sha := redisx.SHA1(demoSrc)
	for i := 0; i < 6; i++ {
		st := fixedSteps(sha)
		m = feedRun(m, st, st[2].Reply, nil)
	}
	m.setFocus(paneEditor)
	tx, ty := centre(t, m, paneTrace)
	// The trace follows the newest run; the wheel up scrolls back.
	before := m.trace.offset
	m = wheelAt(m, tx, ty, tea.MouseButtonWheelUp)
	if m.focus != paneEditor {
		t.Errorf("the wheel moved the focus to %s", m.focus)
	}
	if m.trace.follow || m.trace.offset >= before && before > 0 {
		t.Errorf("wheel up over the trace: offset %d (was %d), follow %v", m.trace.offset, before, m.trace.follow)
	}
	up := m.trace.offset
	m = wheelAt(m, tx, ty, tea.MouseButtonWheelDown)
	if m.trace.offset != up+wheelStep && !m.trace.follow {
		t.Errorf("wheel down over the trace: offset %d, want %d", m.trace.offset, up+wheelStep)
	}

	// The editor: the view moves, the cursor does not.
	long := strings.Repeat("local x = 1\n", 100)
	m = mouseModel(t, long, 120, 40)
	ex, ey := centre(t, m, paneEditor)
	m = wheelAt(m, ex, ey, tea.MouseButtonWheelDown)
	if _, y := cellOf(t, m, "  4 local x"); y != 1 {
		t.Errorf("after a notch down line 4 is on row %d, want the first row (1)", y)
	}
	if m.editor.CursorLine() != 1 {
		t.Errorf("the wheel moved the cursor to line %d", m.editor.CursorLine())
	}
	for i := 0; i < 100; i++ {
		m = wheelAt(m, ex, ey, tea.MouseButtonWheelDown)
	}
	if _, y := cellOf(t, m, "101 "); y != layout(m.w, m.h, m.layoutState()).panes[paneEditor].H-2 {
		t.Errorf("scrolled to the end, the last line is on row %d", y)
	}

	// The tree and the error panel, unfocused.
	m = mouseModel(t, demoSrc, 120, 40)
	m = feedRun(m, nil, nestedReply(), nil)
	m.setFocus(paneEditor)
	rx, ry := centre(t, m, paneResult)
	m = wheelAt(m, rx, ry, tea.MouseButtonWheelDown)
	if m.tree.Cursor() != wheelStep || m.focus != paneEditor {
		t.Errorf("wheel over the tree: cursor %d focus %s", m.tree.Cursor(), m.focus)
	}
}

func TestMouseWheelErrorPanel(t *testing.T) {
	m := mouseModel(t, demoSrc, 120, 40)
	msg := "ERR user_script:1: " + strings.Repeat("a long error text that wraps ", 40)
	c := classify.Classify(msg)
	m = feedRun(m, nil, &resp.Value{Kind: resp.Error, Str: []byte(msg)}, &c)
	m.setFocus(paneEditor)
	x, y := centre(t, m, paneError)
	m = wheelAt(m, x, y, tea.MouseButtonWheelDown)
	if m.errp.offset != wheelStep {
		t.Errorf("wheel over the error panel: offset %d, want %d", m.errp.offset, wheelStep)
	}
}

func TestMouseClickHistory(t *testing.T) {
	m := mouseModel(t, demoSrc, 80, 24)
	var entries []history.Entry
	for i := 0; i < 30; i++ {
		entries = append(entries, history.Entry{Time: time.Unix(int64(1e9+i), 0), SHA: fmt.Sprintf("%040d", i), Source: fmt.Sprintf("return %d", i), Keys: []string{fmt.Sprintf("key:%02d", i)}})
	}
	m.hist.SetEntries(entries)
	m.setFocus(paneHistory)
	m.resize()
	// Newest first: key:29 on top; scroll down so the list has moved.
	for i := 0; i < 12; i++ {
		m = pressApp(m, tea.KeyMsg{Type: tea.KeyDown})
	}
	for _, want := range []int{20, 17, 24} {
		x, y := cellOf(t, m, fmt.Sprintf("key:%02d", want))
		m = clickAt(m, x, y)
		if got := m.hist.shown[m.hist.cursor].Keys[0]; got != fmt.Sprintf("key:%02d", want) {
			t.Errorf("click on key:%02d selected %s", want, got)
		}
		// The run's second line selects it too.
		m = clickAt(m, x, y+1)
		if got := m.hist.shown[m.hist.cursor].Keys[0]; got != fmt.Sprintf("key:%02d", want) {
			t.Errorf("click under key:%02d selected %s", want, got)
		}
	}
	cur := m.hist.cursor
	x, y := cellOf(t, m, "filter:")
	if m = clickAt(m, x, y); m.hist.cursor != cur {
		t.Errorf("click on the filter moved the cursor to %d", m.hist.cursor)
	}
}

func TestMouseIgnoredUnderModal(t *testing.T) {
	m := mouseModel(t, demoSrc, 120, 40)
	d := newConfirm("Quit", "Quit anyway?", nil)
	m.overlays.push(d)
	x, y := centre(t, m, paneResult)
	m = clickAt(m, x, y)
	if m.focus != paneEditor || m.overlays.top() != layer(d) {
		t.Errorf("click under a dialog: focus %s, top %T", m.focus, m.overlays.top())
	}
	m = wheelAt(m, x, y, tea.MouseButtonWheelDown)
	if m.overlays.top() != layer(d) {
		t.Error("the wheel closed the dialog")
	}

	// The help screen takes the wheel.
	m = mouseModel(t, demoSrc, 80, 24)
	h := &helpScreen{}
	m.overlays.push(h)
	m = wheelAt(m, 10, 10, tea.MouseButtonWheelDown)
	if h.top != wheelStep {
		t.Errorf("help after a notch down: top %d", h.top)
	}
	m = wheelAt(m, 10, 10, tea.MouseButtonWheelUp)
	m = wheelAt(m, 10, 10, tea.MouseButtonWheelUp)
	if h.top != 0 {
		t.Errorf("help after two notches up: top %d", h.top)
	}
	for i := 0; i < 50; i++ {
		m = wheelAt(m, 10, 10, tea.MouseButtonWheelDown)
	}
	end := m.View()
	m = wheelAt(m, 10, 10, tea.MouseButtonWheelUp)
	if m.View() == end {
		t.Error("after spinning down to the end, a notch up does not move the help")
	}
	if m = clickAt(m, 10, 10); m.overlays.top() != layer(h) {
		t.Error("a click closed the help screen")
	}

	// The detail view takes the wheel too, and stops at its ends.
	m = mouseModel(t, demoSrc, 80, 24)
	var doc detailDoc
	doc.title = "long"
	for i := 0; i < 100; i++ {
		doc.add(fmt.Sprintf("line %d", i), "v")
	}
	d2 := &detailView{doc: doc}
	m.overlays.push(d2)
	m = wheelAt(m, 10, 10, tea.MouseButtonWheelDown)
	if d2.top != wheelStep {
		t.Errorf("detail after a notch down: top %d", d2.top)
	}
	for i := 0; i < 100; i++ {
		m = wheelAt(m, 10, 10, tea.MouseButtonWheelUp)
	}
	if d2.top != 0 {
		t.Errorf("detail after spinning up: top %d", d2.top)
	}
}

// Without --mouse nothing reacts (the terminal would not send them; a
// stray report must not move anything either), and nothing asks the
// terminal for the mouse after a suspend or $EDITOR.
func TestMouseOffIgnored(t *testing.T) {
	m := offlineModel(t, demoSrc, nil, nil)
	m = sized(m, 120, 40)
	m = feedRun(m, nil, nestedReply(), nil)
	m.setFocus(paneEditor)
	x, y := centre(t, m, paneResult)
	m = clickAt(m, x, y)
	m = wheelAt(m, x, y, tea.MouseButtonWheelDown)
	if m.focus != paneEditor || m.tree.Cursor() != 0 {
		t.Errorf("mouse off: focus %s cursor %d", m.focus, m.tree.Cursor())
	}
	if _, cmd := m.Update(tea.ResumeMsg{}); cmd != nil {
		t.Error("mouse off: a resume asks for the mouse")
	}
	if _, cmd := m.Update(externalEditedMsg{err: errors.New("vi: exit 1")}); cmd != nil {
		t.Error("mouse off: the return from $EDITOR asks for the mouse")
	}
	on := mouseModel(t, demoSrc, 120, 40)
	_, cmd := on.Update(tea.ResumeMsg{})
	if !asksForMouse(cmd) {
		t.Error("mouse on: a resume does not ask for the mouse again")
	}
	_, cmd = on.Update(externalEditedMsg{err: errors.New("vi: exit 1")})
	if !asksForMouse(cmd) {
		t.Error("mouse on: the return from $EDITOR does not ask for the mouse again")
	}
}

// asksForMouse reports whether cmd (or one of a batch) turns mouse
// reporting on.
func asksForMouse(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if asksForMouse(c) {
				return true
			}
		}
		return false
	}
	return fmt.Sprintf("%T", msg) == fmt.Sprintf("%T", tea.EnableMouseCellMotion())
}

func TestMouseClickEditorMovesCursor(t *testing.T) {
	m := mouseModel(t, demoSrc, 120, 40)
	m.setFocus(paneResult)
	x, y := cellOf(t, m, "redis.call('EXPIRE'")
	m = clickAt(m, x, y)
	if m.focus != paneEditor || m.editor.CursorLine() != 4 {
		t.Errorf("click on line 4: focus %s line %d", m.focus, m.editor.CursorLine())
	}
	// Typing goes where the click put the cursor.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Z")})
	if !strings.Contains(m.editor.Value(), "  Zredis.call('EXPIRE'") {
		t.Errorf("typed after the click:\n%s", m.editor.Value())
	}
	// Below the text: the end.
	r := layout(m.w, m.h, m.layoutState()).panes[paneEditor]
	m = clickAt(m, r.X+10, r.Y+r.H-3)
	if m.editor.CursorLine() != strings.Count(m.editor.Value(), "\n")+1 {
		t.Errorf("click below the text: line %d", m.editor.CursorLine())
	}
}
