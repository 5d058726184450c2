package editor

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"github.com/muesli/termenv"

	"luascope/redisx"
	"luascope/themes"
)

func init() {
	// No colour: the only escape bytes a View could contain are ones the
	// editor failed to escape.
	lipgloss.SetColorProfile(termenv.Ascii)
}

// testKeys are the key messages the tests press, by their tea name.
var testKeys = map[string]tea.KeyMsg{
	"enter":            {Type: tea.KeyEnter},
	"backspace":        {Type: tea.KeyBackspace},
	"delete":           {Type: tea.KeyDelete},
	"esc":              {Type: tea.KeyEsc},
	"tab":              {Type: tea.KeyTab},
	"left":             {Type: tea.KeyLeft},
	"right":            {Type: tea.KeyRight},
	"up":               {Type: tea.KeyUp},
	"down":             {Type: tea.KeyDown},
	"home":             {Type: tea.KeyHome},
	"end":              {Type: tea.KeyEnd},
	"pgup":             {Type: tea.KeyPgUp},
	"pgdown":           {Type: tea.KeyPgDown},
	"ctrl+home":        {Type: tea.KeyCtrlHome},
	"ctrl+end":         {Type: tea.KeyCtrlEnd},
	"ctrl+left":        {Type: tea.KeyCtrlLeft},
	"ctrl+right":       {Type: tea.KeyCtrlRight},
	"alt+left":         {Type: tea.KeyLeft, Alt: true},
	"alt+right":        {Type: tea.KeyRight, Alt: true},
	"shift+left":       {Type: tea.KeyShiftLeft},
	"shift+right":      {Type: tea.KeyShiftRight},
	"shift+up":         {Type: tea.KeyShiftUp},
	"shift+down":       {Type: tea.KeyShiftDown},
	"shift+home":       {Type: tea.KeyShiftHome},
	"shift+end":        {Type: tea.KeyShiftEnd},
	"ctrl+shift+left":  {Type: tea.KeyCtrlShiftLeft},
	"ctrl+shift+right": {Type: tea.KeyCtrlShiftRight},
	"ctrl+shift+end":   {Type: tea.KeyCtrlShiftEnd},
	"ctrl+u":           {Type: tea.KeyCtrlU},
	"ctrl+z":           {Type: tea.KeyCtrlZ},
	"ctrl+y":           {Type: tea.KeyCtrlY},
	"alt+c":            {Type: tea.KeyRunes, Runes: []rune{'c'}, Alt: true},
	"ctrl+x":           {Type: tea.KeyCtrlX},
	"ctrl+v":           {Type: tea.KeyCtrlV},
	"ctrl+a":           {Type: tea.KeyCtrlA},
	"ctrl+f":           {Type: tea.KeyCtrlF},
	"ctrl+n":           {Type: tea.KeyCtrlN},
	"ctrl+g":           {Type: tea.KeyCtrlG},
	"ctrl+w":           {Type: tea.KeyCtrlW},
}

func TestEditorKeyNames(t *testing.T) {
	for name, k := range testKeys {
		if k.String() != name {
			t.Errorf("key %q prints as %q", name, k.String())
		}
	}
}

func newTestEditor(t testing.TB, src string, w, h int) Model {
	t.Helper()
	e := New(themes.Default())
	e.SetSize(w, h)
	e.Focus()
	e.SetValue(src)
	return e
}

func press(t testing.TB, e Model, keys ...string) Model {
	t.Helper()
	for _, name := range keys {
		k, ok := testKeys[name]
		if !ok {
			t.Fatalf("no test key %q", name)
		}
		e, _ = e.Update(k)
	}
	return e
}

func typeText(e Model, s string) Model {
	for _, r := range s {
		if r == ' ' {
			e, _ = e.Update(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			continue
		}
		e, _ = e.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return e
}

func paste(e Model, s string) Model {
	e, _ = e.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
	return e
}

func wantValue(t *testing.T, e Model, want string) {
	t.Helper()
	if got := e.Value(); got != want {
		t.Fatalf("value = %q, want %q", got, want)
	}
}

func wantCursor(t *testing.T, e Model, line, col int) {
	t.Helper()
	if e.cur != (pos{line, col}) {
		t.Fatalf("cursor = %+v, want {%d %d}", e.cur, line, col)
	}
}

// viewLines checks the View's size and returns its rows.
func viewLines(t *testing.T, e Model) []string {
	t.Helper()
	v := e.View()
	rows := strings.Split(v, "\n")
	if len(rows) != e.height {
		t.Fatalf("view has %d rows, want %d:\n%s", len(rows), e.height, v)
	}
	for i, r := range rows {
		if w := lipgloss.Width(r); w != e.width {
			t.Fatalf("row %d is %d wide, want %d: %q", i, w, e.width, r)
		}
	}
	return rows
}

func TestEditorTyping(t *testing.T) {
	e := newTestEditor(t, "", 40, 5)
	e = typeText(e, "local x = 1")
	wantValue(t, e, "local x = 1")
	wantCursor(t, e, 0, 11)
	e = press(t, e, "home")
	e = typeText(e, "-- ")
	wantValue(t, e, "-- local x = 1")
	if !e.Modified() {
		t.Fatal("typing did not mark the text modified")
	}
	// Alt+letter is a binding, not text; tab is the root's.
	e = press(t, e, "tab")
	e, _ = e.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}, Alt: true})
	wantValue(t, e, "-- local x = 1")
	// A blurred editor ignores keys.
	e.Blur()
	e = typeText(e, "zz")
	wantValue(t, e, "-- local x = 1")
}

func TestEditorNewlineAutoIndent(t *testing.T) {
	e := newTestEditor(t, "  if x then", 40, 5)
	e = press(t, e, "end", "enter")
	wantValue(t, e, "  if x then\n  ")
	wantCursor(t, e, 1, 2)
	e = typeText(e, "  return 1")
	e = press(t, e, "enter")
	wantValue(t, e, "  if x then\n    return 1\n    ")
	// Enter inside the indentation keeps only what is left of the cursor.
	e.SetValue("    x")
	e = press(t, e, "right", "enter")
	wantValue(t, e, " \n    x")
	wantCursor(t, e, 1, 1)
}

func TestEditorBackspaceDelete(t *testing.T) {
	e := newTestEditor(t, "ab\ncd", 40, 5)
	e = press(t, e, "down") // (1,0)
	wantCursor(t, e, 1, 0)
	e = press(t, e, "backspace")
	wantValue(t, e, "abcd")
	wantCursor(t, e, 0, 2)
	e = press(t, e, "backspace")
	wantValue(t, e, "acd")
	e = press(t, e, "delete")
	wantValue(t, e, "ad")
	wantCursor(t, e, 0, 1)
	// Delete at the end of a line joins the next one.
	e.SetValue("x\ny")
	e = press(t, e, "end", "delete")
	wantValue(t, e, "xy")
	// Multi-byte runes go whole.
	e.SetValue("añb")
	e = press(t, e, "end", "left", "backspace")
	wantValue(t, e, "ab")
	// Backspace at the very start does nothing and records nothing.
	e = press(t, e, "ctrl+home", "backspace")
	wantValue(t, e, "ab")
	if e.Modified() == false {
		t.Fatal("the earlier deletion should still count as a modification")
	}
	e = press(t, e, "end")
	e = press(t, e, "ctrl+w")
	wantValue(t, e, "")
}

// ctrl+z undoes, as everywhere else (ctrl+u still does).
func TestEditorCtrlZUndoes(t *testing.T) {
	e := newTestEditor(t, "", 40, 5)
	e = typeText(e, "hello")
	e = press(t, e, "ctrl+z")
	wantValue(t, e, "")
	e = press(t, e, "ctrl+y")
	wantValue(t, e, "hello")
}

func TestEditorUndoRedoGroups(t *testing.T) {
	e := newTestEditor(t, "", 40, 5)
	e = typeText(e, "hello world")
	e = press(t, e, "enter")
	e = typeText(e, "x")
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "hello world\n")
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "hello world")
	wantCursor(t, e, 0, 11)
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "") // the typed run is one step
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "")
	e = press(t, e, "ctrl+y", "ctrl+y", "ctrl+y")
	wantValue(t, e, "hello world\nx")
	wantCursor(t, e, 1, 1)

	// A cursor move ends the group.
	e.SetValue("")
	e = typeText(e, "ab")
	e = press(t, e, "left", "right")
	e = typeText(e, "cd")
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "ab")
	// Consecutive backspaces are one step too.
	e.SetValue("abcdef")
	e = press(t, e, "end", "backspace", "backspace", "backspace")
	wantValue(t, e, "abc")
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "abcdef")
	// A new edit after undo drops the redo stack.
	e = press(t, e, "ctrl+u")
	e = typeText(e, "Z")
	e = press(t, e, "ctrl+y")
	wantValue(t, e, "abcdefZ")
	// Undo restores the selection a typed replacement removed.
	e.SetValue("one two")
	e = press(t, e, "shift+end")
	e = typeText(e, "3")
	wantValue(t, e, "3")
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "one two")
	if !e.sel || e.doc.slice(e.selStart(), e.selEnd()) != "one two" {
		t.Fatal("undo did not restore the selection")
	}
}

func TestEditorSetValueResetsUndo(t *testing.T) {
	e := newTestEditor(t, "a", 40, 5)
	e = typeText(e, "bc")
	e.SetValue("fresh")
	if e.Modified() {
		t.Fatal("SetValue should mark the text saved")
	}
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "fresh")
	wantCursor(t, e, 0, 0)
}

func TestEditorModifiedMarkSaved(t *testing.T) {
	e := newTestEditor(t, "x", 40, 5)
	if e.Modified() {
		t.Fatal("fresh text is modified")
	}
	e = typeText(e, "ab")
	if !e.Modified() {
		t.Fatal("not modified after typing")
	}
	e.MarkSaved()
	if e.Modified() {
		t.Fatal("modified after MarkSaved")
	}
	e = typeText(e, "c") // must not merge into the saved step
	if !e.Modified() {
		t.Fatal("not modified after typing past the save")
	}
	e = press(t, e, "ctrl+u")
	if e.Modified() {
		t.Fatal("undo back to the saved text should clear Modified")
	}
	wantValue(t, e, "abx")
	e = press(t, e, "ctrl+u")
	if !e.Modified() {
		t.Fatal("undo past the saved text should set Modified")
	}
	e = press(t, e, "ctrl+y")
	if e.Modified() {
		t.Fatal("redo back to the saved text should clear Modified")
	}
}

func TestEditorSelectionCopyCutPaste(t *testing.T) {
	e := newTestEditor(t, "one\ntwo\nthree", 40, 5)
	var clip bytes.Buffer
	e.clipOut = &clip
	e = press(t, e, "right", "shift+down", "shift+right")
	if got := e.doc.slice(e.selStart(), e.selEnd()); got != "ne\ntw" {
		t.Fatalf("selection = %q", got)
	}
	var cmd tea.Cmd
	e, cmd = e.Update(testKeys["alt+c"])
	if cmd == nil {
		t.Fatal("copy returned no clipboard command")
	}
	if clip.Len() != 0 {
		t.Fatal("copy wrote to the terminal inside Update")
	}
	if msg, ok := cmd().(ClipboardWrittenMsg); !ok || msg.Err != nil {
		t.Fatalf("clipboard command returned %#v", msg)
	}
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("ne\ntw")) + "\x07"
	if clip.String() != want {
		t.Fatalf("OSC 52 = %q, want %q", clip.String(), want)
	}
	e, cmd = e.Update(testKeys["ctrl+x"])
	if cmd == nil {
		t.Fatal("cut returned no clipboard command")
	}
	wantValue(t, e, "oo\nthree")
	wantCursor(t, e, 0, 1)
	e = press(t, e, "ctrl+end", "ctrl+v")
	wantValue(t, e, "oo\nthreene\ntw")
	wantCursor(t, e, 2, 2)
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "oo\nthree")
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "one\ntwo\nthree")

	// Select all, then paste over it (a bracketed paste with CRLFs).
	e = press(t, e, "ctrl+a")
	e = paste(e, "a\r\nb\rc")
	wantValue(t, e, "a\nb\nc")
	wantCursor(t, e, 2, 1)
	e = press(t, e, "ctrl+u")
	wantValue(t, e, "one\ntwo\nthree")

	// Selection by words and to the line end; esc drops it.
	e.SetValue("local foo = bar")
	e = press(t, e, "ctrl+shift+right")
	if got := e.doc.slice(e.selStart(), e.selEnd()); got != "local " {
		t.Fatalf("word selection = %q", got)
	}
	e = press(t, e, "shift+end")
	if got := e.doc.slice(e.selStart(), e.selEnd()); got != "local foo = bar" {
		t.Fatalf("line selection = %q", got)
	}
	e = press(t, e, "esc")
	if e.sel {
		t.Fatal("esc kept the selection")
	}
	// Nothing selected: copy does nothing.
	if _, cmd = e.Update(testKeys["alt+c"]); cmd != nil {
		t.Fatal("copy without a selection returned a command")
	}
}

func TestEditorMoves(t *testing.T) {
	e := newTestEditor(t, "local foo = bar.baz\n\tx\nend", 40, 5)
	e = press(t, e, "ctrl+right")
	wantCursor(t, e, 0, 6)
	e = press(t, e, "ctrl+right", "ctrl+right")
	wantCursor(t, e, 0, 12)
	e = press(t, e, "alt+right", "alt+right")
	wantCursor(t, e, 0, 16)
	e = press(t, e, "ctrl+left")
	wantCursor(t, e, 0, 15)
	e = press(t, e, "end", "ctrl+right")
	wantCursor(t, e, 1, 0)
	// Down keeps the display column across a tab (4 columns).
	e = press(t, e, "ctrl+home", "right", "right", "right", "right", "right", "down")
	wantCursor(t, e, 1, 2) // after "\tx"
	e = press(t, e, "down")
	wantCursor(t, e, 2, 3)
	e = press(t, e, "down")
	wantCursor(t, e, 2, 3) // last line: to its end
	// Smart home: first non-blank, then column 0.
	e = press(t, e, "up", "home")
	wantCursor(t, e, 1, 1)
	e = press(t, e, "home")
	wantCursor(t, e, 1, 0)
	e = press(t, e, "ctrl+end")
	wantCursor(t, e, 2, 3)
}

func TestEditorPaging(t *testing.T) {
	var src []string
	for i := 1; i <= 100; i++ {
		src = append(src, fmt.Sprintf("line %d", i))
	}
	e := newTestEditor(t, strings.Join(src, "\n"), 30, 10)
	e = press(t, e, "pgdown")
	if e.CursorLine() != 11 || e.top != 10 {
		t.Fatalf("pgdown: line %d top %d", e.CursorLine(), e.top)
	}
	rows := viewLines(t, e)
	if !strings.Contains(rows[0], " 11 line 11") {
		t.Fatalf("first row after pgdown = %q", rows[0])
	}
	e = press(t, e, "pgup", "pgup")
	if e.CursorLine() != 1 || e.top != 0 {
		t.Fatalf("pgup: line %d top %d", e.CursorLine(), e.top)
	}
	e = press(t, e, "ctrl+end")
	if e.CursorLine() != 100 || e.top != 90 {
		t.Fatalf("ctrl+end: line %d top %d", e.CursorLine(), e.top)
	}
}

func TestEditorSearch(t *testing.T) {
	e := newTestEditor(t, "foo\nbar FOO\nbaz foo", 30, 5)
	e = press(t, e, "ctrl+f")
	if e.prompt != promptFind {
		t.Fatal("find did not open the bar")
	}
	e = typeText(e, "foo")
	rows := viewLines(t, e)
	if !strings.HasPrefix(rows[4], "find: foo") {
		t.Fatalf("bar row = %q", rows[4])
	}
	e = press(t, e, "enter") // on a match at the cursor already: the next one
	wantCursor(t, e, 1, 4)
	e = press(t, e, "enter")
	wantCursor(t, e, 2, 4)
	e = press(t, e, "enter")
	wantCursor(t, e, 0, 0)
	if rows := viewLines(t, e); !strings.Contains(rows[4], "wrapped") {
		t.Fatalf("no wrap notice: %q", rows[4])
	}
	e = press(t, e, "ctrl+n")
	wantCursor(t, e, 1, 4)
	// Typing in the bar edits the query, not the script.
	e = typeText(e, "zz")
	wantValue(t, e, "foo\nbar FOO\nbaz foo")
	e = press(t, e, "enter")
	wantCursor(t, e, 1, 4)
	if rows := viewLines(t, e); !strings.Contains(rows[4], "no match") {
		t.Fatalf("no 'no match': %q", rows[4])
	}
	e = press(t, e, "esc")
	if e.prompt != promptNone {
		t.Fatal("esc did not close the bar")
	}
	if rows := viewLines(t, e); strings.Contains(strings.Join(rows, "\n"), "find:") {
		t.Fatal("bar still drawn")
	}
	// FindNext after closing repeats the last query.
	e = press(t, e, "ctrl+f")
	for range 2 {
		e = press(t, e, "backspace")
	}
	e = press(t, e, "esc", "ctrl+n")
	wantCursor(t, e, 2, 4)
	// A selection within a line becomes the query.
	e.SetValue("call(x)\nredis.CALL")
	e = press(t, e, "shift+right", "shift+right", "shift+right", "shift+right", "ctrl+f")
	if e.query != "call" || e.input.Value() != "call" {
		t.Fatalf("query from selection = %q", e.query)
	}
	e = press(t, e, "enter")
	wantCursor(t, e, 1, 6)
	e = press(t, e, "esc")
	// Unicode case folding.
	e.SetValue("x\nÉCOLE école")
	e = press(t, e, "ctrl+f")
	e.input.SetValue("")
	e = typeText(e, "école")
	e = press(t, e, "enter")
	wantCursor(t, e, 1, 0)
	e = press(t, e, "enter")
	wantCursor(t, e, 1, len("ÉCOLE "))
}

func TestEditorSearchHighlight(t *testing.T) {
	e := newTestEditor(t, "a foo b foo", 30, 3)
	// Mark overlays with visible brackets instead of colours.
	st := e.rc.styles(e.theme)
	for k := range st.tok {
		st.tok[k][ovMatch] = ansiSeq{"<", ">"}
		st.tok[k][ovCurMatch] = ansiSeq{"{", "}"}
		st.tok[k][ovCursor] = ansiSeq{"[", "]"}
	}
	e = press(t, e, "ctrl+f")
	e = typeText(e, "foo")
	e = press(t, e, "enter")
	row := e.View()
	if !strings.Contains(row, "a [f]{oo} b <foo>") {
		t.Fatalf("matches not marked: %q", row)
	}
	e = press(t, e, "esc")
	if row := e.View(); strings.Contains(row, "<") {
		t.Fatalf("matches marked after the bar closed: %q", row)
	}
}

func TestEditorCursorAndSelectionDrawn(t *testing.T) {
	e := newTestEditor(t, "abc\ndef", 20, 3)
	st := e.rc.styles(e.theme)
	for k := range st.tok {
		st.tok[k][ovCursor] = ansiSeq{"[", "]"}
		st.tok[k][ovSel] = ansiSeq{"(", ")"}
	}
	e = press(t, e, "right")
	if v := e.View(); !strings.Contains(v, "a[b]c") {
		t.Fatalf("cursor not drawn: %q", v)
	}
	e.Blur()
	if v := e.View(); strings.Contains(v, "[") {
		t.Fatalf("cursor drawn while blurred: %q", v)
	}
	e.Focus()
	e = press(t, e, "end")
	if v := e.View(); !strings.Contains(v, "abc[ ]") {
		t.Fatalf("cursor at end of line not drawn: %q", v)
	}
	e = press(t, e, "home", "shift+right", "shift+down")
	v := e.View()
	if !strings.Contains(v, "(abc )") || !strings.Contains(v, "(d)[e]f") {
		t.Fatalf("selection not drawn: %q", v)
	}
}

func TestEditorGotoLineAndErrorMarker(t *testing.T) {
	var src []string
	for i := 1; i <= 30; i++ {
		src = append(src, fmt.Sprintf("  call(%d)", i))
	}
	e := newTestEditor(t, strings.Join(src, "\n"), 30, 10)
	e.GotoLine(25)
	if e.CursorLine() != 25 {
		t.Fatalf("cursor line %d", e.CursorLine())
	}
	wantCursor(t, e, 24, 2) // first non-blank
	e.SetErrorLine(25)
	rows := viewLines(t, e)
	found := false
	for _, r := range rows {
		if strings.HasPrefix(r, "▶25   call(25)") {
			found = true
		}
		if strings.Contains(r, "▶") && !strings.HasPrefix(r, "▶25") {
			t.Fatalf("marker on the wrong row: %q", r)
		}
	}
	if !found {
		t.Fatalf("no error marker on line 25:\n%s", strings.Join(rows, "\n"))
	}
	e.SetErrorLine(0)
	if v := e.View(); strings.Contains(v, "▶") {
		t.Fatal("marker not cleared")
	}
	// The error line number is drawn in the error style.
	e.SetErrorLine(25)
	st := e.rc.styles(e.theme)
	st.gutterErr = ansiSeq{"!", "!"}
	st.gen++ // the test changed the styles: invalidate the cached rows
	if v := e.View(); !strings.Contains(v, "▶!25!") {
		t.Fatalf("error line number not styled: %q", v)
	}
	// ctrl+g prompts for a line.
	e = press(t, e, "ctrl+g")
	e = typeText(e, "3")
	e = press(t, e, "enter")
	if e.CursorLine() != 3 || e.prompt != promptNone {
		t.Fatalf("goto prompt: line %d prompt %d", e.CursorLine(), e.prompt)
	}
	e = press(t, e, "ctrl+g")
	e = typeText(e, "x")
	e = press(t, e, "enter")
	if rows := viewLines(t, e); !strings.Contains(rows[9], "line 1–30") {
		t.Fatalf("bad line accepted: %q", rows[9])
	}
	// Out of range is clamped.
	e.GotoLine(1000)
	if e.CursorLine() != 30 {
		t.Fatalf("clamp: %d", e.CursorLine())
	}
}

func TestEditorHorizontalScroll(t *testing.T) {
	long := strings.Repeat("abcdefghij", 20) + "END"
	e := newTestEditor(t, "short\n"+long, 30, 3)
	e = press(t, e, "down", "end")
	if e.left == 0 {
		t.Fatal("no horizontal scroll at the end of a long line")
	}
	rows := viewLines(t, e)
	if !strings.Contains(rows[1], "END") {
		t.Fatalf("tail not visible: %q", rows[1])
	}
	if strings.Contains(rows[0], "short") {
		t.Fatalf("other lines did not scroll with it: %q", rows[0])
	}
	if !strings.HasPrefix(rows[0], "  1 ") || !strings.HasPrefix(rows[1], "  2 ") {
		t.Fatalf("gutter scrolled: %q", rows[0])
	}
	e = press(t, e, "home")
	if e.left != 0 {
		t.Fatalf("left = %d after home", e.left)
	}
	if rows := viewLines(t, e); !strings.Contains(rows[0], "short") {
		t.Fatalf("not scrolled back: %q", rows[0])
	}
}

func TestEditorEscapesControlBytes(t *testing.T) {
	e := newTestEditor(t, "local s = '\x1b[31m'\x07\n\tx = 1\n\x7f\xff\u202e", 80, 5)
	e = paste(e, "\x1b]52;c;evil\x07")
	v := e.View()
	if strings.ContainsRune(v, 0x1b) || strings.ContainsRune(v, 0x07) || strings.ContainsRune(v, 0x7f) || strings.ContainsRune(v, 0x202e) {
		t.Fatalf("raw control bytes in view: %q", v)
	}
	for _, want := range []string{`\x1b]52;c;evil\x07`, `'\x1b[31m'\x07`, `\x7f\xff\u{202e}`, "2     x = 1"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(e.Value(), "\tx = 1") || !strings.Contains(e.Value(), "\x1b]52;c;evil\x07") {
		t.Fatal("the buffer must keep the real bytes")
	}
	// The cursor steps over an escape as one character.
	e.SetValue("\x1bA")
	e = press(t, e, "right")
	wantCursor(t, e, 0, 1)
	if c := displayCol(e.doc.text(0), 1); c != 4 {
		t.Fatalf("display column after an escape = %d", c)
	}
}

func TestEditorViewSize(t *testing.T) {
	src := "#!lua flags=no-writes\n-- 日本語 comment\nlocal s = 'x\x1by'\n\tif a then return [[\nlong]] end\n" +
		strings.Repeat("x", 300) + "\n🎉 ok\ne\u0301"
	sizes := [][2]int{{1, 1}, {10, 3}, {2, 5}, {5, 1}, {3, 2}, {40, 10}, {80, 24}, {120, 40}}
	for _, sz := range sizes {
		e := newTestEditor(t, src, sz[0], sz[1])
		viewLines(t, e)
		for _, k := range []string{"down", "down", "end", "down", "down", "end", "ctrl+end", "shift+up"} {
			e = press(t, e, k)
			viewLines(t, e)
		}
		e = press(t, e, "ctrl+f")
		e = typeText(e, "a")
		e = press(t, e, "enter")
		viewLines(t, e)
		e = press(t, e, "esc", "ctrl+g")
		viewLines(t, e)
		e.Blur()
		viewLines(t, e)
	}
	e := newTestEditor(t, src, 0, 0)
	if e.View() != "" {
		t.Fatal("0×0 view not empty")
	}
}

func TestEditorTitle(t *testing.T) {
	e := newTestEditor(t, "#!lua flags=no-writes,bogus\nreturn 1", 40, 5)
	e.SetFilename("/tmp/scripts/limit.lua")
	sha := redisx.SHA1(e.Value())[:7]
	want := "limit.lua • sha " + sha + " • flags no-writes,bogus • unknown flags bogus"
	if got := e.Title(); got != want {
		t.Fatalf("title = %q, want %q", got, want)
	}
	e = press(t, e, "ctrl+end")
	e = typeText(e, "0")
	sha2 := redisx.SHA1(e.Value())[:7]
	if got := e.Title(); !strings.HasSuffix(got, " • [+]") || !strings.Contains(got, sha2) || sha == sha2 {
		t.Fatalf("title after edit = %q", got)
	}
	if e.Filename() != "/tmp/scripts/limit.lua" {
		t.Fatal(e.Filename())
	}
	e.SetFilename("")
	e.SetValue("return 1")
	if got := e.Title(); got != "untitled • sha "+redisx.SHA1("return 1")[:7] {
		t.Fatalf("title = %q", got)
	}
	if e.doc.lineCount() != 1 {
		t.Fatal(e.doc.lineCount())
	}
}

func TestEditorHelp(t *testing.T) {
	e := newTestEditor(t, "x", 40, 5)
	short := e.ShortHelp()
	if len(short) == 0 {
		t.Fatal("no short help")
	}
	for _, b := range short {
		if b.Help().Key == "alt+c" && b.Enabled() {
			t.Fatal("copy enabled without a selection")
		}
	}
	if len(e.FullHelp()) == 0 {
		t.Fatal("no full help")
	}
	e = press(t, e, "ctrl+f")
	if got := e.ShortHelp()[0].Help().Desc; got != "next match" {
		t.Fatalf("find bar help = %q", got)
	}
	// The shared key map is not changed by the editor's help.
	if !e.KeyMap.Copy.Enabled() || e.KeyMap.Newline.Help().Desc != "new line" {
		t.Fatal("ShortHelp mutated the shared key map")
	}
}

func TestEditorRowCache(t *testing.T) {
	var src []string
	for i := 0; i < 50; i++ {
		src = append(src, fmt.Sprintf("local v%d = %d", i, i))
	}
	e := newTestEditor(t, strings.Join(src, "\n"), 40, 20)
	first := e.View()
	n := e.rc.renders
	if e.View() != first || e.rc.renders != n {
		t.Fatal("an unchanged frame was rendered again")
	}
	e = press(t, e, "down")
	e = typeText(e, "x")
	_ = e.View()
	// Line 1 lost the cursor, line 2 got it and changed: two rows drawn.
	if got := e.rc.renders - n; got != 2 {
		t.Fatalf("%d rows rendered, want 2", got)
	}
	// Scrolling by one line draws only the new row.
	n = e.rc.renders
	e.top++
	_ = e.View()
	if got := e.rc.renders - n; got != 1 {
		t.Fatalf("%d rows rendered after scrolling, want 1", got)
	}
	for range 30 {
		e = press(t, e, "down")
		_ = e.View()
	}
	if len(e.rc.rows) > 2*20+64 {
		t.Fatalf("cache not pruned: %d rows", len(e.rc.rows))
	}
}

// TestEditorRandomKeys presses random keys and checks the invariants after
// each: the cursor is inside the text, the view is exactly its size, the
// highlighting of every drawn line is current. Then undoing everything
// gives back the original text and redoing everything the final one.
// seed is the random seed, a variable so a failing run can be replayed.
var seed uint64 = 1

func TestEditorRandomKeys(t *testing.T) {
	names := make([]string, 0, len(testKeys))
	for name := range testKeys {
		names = append(names, name)
	}
	slices.Sort(names)
	texts := []string{"a", " ", "é", "日", "--[[", "]]", "'", "\"", "[=[", "\t", "\x1b", "\n"}
	rng := rand.New(rand.NewPCG(seed, 2))
	orig := richLua
	e := newTestEditor(t, orig, 50, 12)
	e.clipOut = io.Discard
	for i := 0; i < 3000; i++ {
		switch n := rng.IntN(10); {
		case n < 4:
			e = typeText(e, texts[rng.IntN(len(texts))])
		case n == 4:
			e = paste(e, texts[rng.IntN(len(texts))]+texts[rng.IntN(len(texts))]+"\r\n")
		case n == 5 && e.prompt != promptNone:
			e = press(t, e, "esc")
		default:
			e = press(t, e, names[rng.IntN(len(names))])
		}
		if i%50 == 0 {
			e.SetSize(1+rng.IntN(70), 1+rng.IntN(20))
		}
		if e.doc.clamp(e.cur) != e.cur || e.doc.clamp(e.anchor) != e.anchor {
			t.Fatalf("step %d: cursor %+v anchor %+v outside the text", i, e.cur, e.anchor)
		}
		viewLines(t, e)
		for l := e.top; l < min(e.top+e.textRows(), e.doc.lineCount()); l++ {
			if !e.doc.current(l) {
				t.Fatalf("step %d: line %d drawn with stale tokens", i, l+1)
			}
			want, _ := lexLine(e.doc.text(l), e.doc.startState(l), nil)
			if !equalSpans(e.doc.lines[l].spans, want) {
				t.Fatalf("step %d: line %d tokens differ from a fresh lex", i, l+1)
			}
		}
	}
	final := e.Value()
	e = press(t, e, "esc", "esc")
	for len(e.hist.undo) > 0 {
		e = press(t, e, "ctrl+u")
	}
	wantValue(t, e, orig)
	for len(e.hist.redo) > 0 {
		e = press(t, e, "ctrl+y")
	}
	wantValue(t, e, final)
	// A fresh lex of the whole text agrees with the incremental one.
	e.doc.ensure(e.doc.lineCount() - 1)
	fresh := newDoc(e.Value())
	fresh.ensure(fresh.lineCount() - 1)
	for i := range fresh.lines {
		if !equalSpans(fresh.lines[i].spans, e.doc.lines[i].spans) || fresh.lines[i].end != e.doc.lines[i].end {
			t.Fatalf("line %d: incremental tokens differ from a fresh lex", i+1)
		}
	}
}

// Emoji clusters are drawn with their glue escaped, so a row is as wide
// per code point (how tmux 3.3a draws 👍🏽: 4 cells) as lipgloss measures it.
func TestEditorEscapesEmojiClusters(t *testing.T) {
	src := "return {\"👍🏽 thumbs\", \"👨\u200d👩\u200d👧\", \"❤\ufe0f\", \"🇺🇸\", \"a\u200bb\"}"
	for _, w := range []int{20, 40, 80} {
		e := newTestEditor(t, src, w, 3)
		for _, k := range []string{"", "end"} {
			if k != "" {
				e = press(t, e, k)
			}
			for i, row := range viewLines(t, e) {
				if n := perRuneWidth(ansi.Strip(row)); n != w {
					t.Fatalf("width %d: row %d is %d cells per code point: %q", w, i, n, row)
				}
			}
		}
	}
	v := newTestEditor(t, src, 200, 2).View()
	for _, want := range []string{`👍\u{1f3fd} thumbs`, `👨\u{200d}👩\u{200d}👧`, `❤\u{fe0f}`, `\u{1f1fa}\u{1f1f8}`, `a\u{200b}b`} {
		if !strings.Contains(ansi.Strip(v), want) {
			t.Errorf("view lacks %s:\n%s", want, v)
		}
	}
}

// perRuneWidth is the cells a terminal that draws each code point on its
// own (tmux 3.3a) gives s.
func perRuneWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runewidth.RuneWidth(r)
	}
	return n
}

// The value right after SetValue is the source itself (no join, and no
// change): CRLF, a trailing newline, invalid UTF-8 and NULs included.
func TestEditorSetValueIsTheSource(t *testing.T) {
	for _, src := range []string{"", "\n", "a\r\nb\r\n", "return 1\n\n", "\xff\x00\n\x1b[31m", strings.Repeat("x\n", 1000)} {
		e := newTestEditor(t, "old text", 40, 5)
		e.SetValue(src)
		if got := e.Value(); got != src {
			t.Errorf("Value after SetValue(%q) = %q", src, got)
		}
		if got, want := e.Script().SHA, redisx.SHA1(src); got != want {
			t.Errorf("SHA of %q = %s, want %s", src, got, want)
		}
		e = typeText(e, "z")
		if got := e.Value(); got != "z"+src {
			t.Errorf("after typing: %q, want %q", got, "z"+src)
		}
	}
}

// A script prepared ahead is used only for the same text: another text
// (an edit, another file) is hashed as usual.
func TestPrepareScriptOnlyForTheSameText(t *testing.T) {
	PrepareScript("return 'prepared'")
	e := newTestEditor(t, "return 'prepared'", 40, 5)
	if got := e.Script().SHA; got != redisx.SHA1("return 'prepared'") {
		t.Fatalf("prepared SHA %s", got)
	}
	e = typeText(e, "x")
	if got := e.Script().SHA; got != redisx.SHA1("xreturn 'prepared'") {
		t.Fatalf("after an edit the SHA is %s", got)
	}
	other := newTestEditor(t, "return 'other'", 40, 5)
	if got := other.Script(); got.SHA != redisx.SHA1("return 'other'") || got.Source != "return 'other'" {
		t.Fatalf("another text got %+v", got)
	}
}
