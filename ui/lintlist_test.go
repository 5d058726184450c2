package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/lint"
)

// lintedSrc has a global write on line 3 (an error) and a KEYS index
// beyond numkeys on line 2 (a warning with numkeys 1).
const lintedSrc = `local a = KEYS[1]
local b = KEYS[2]
counter = 1
return a
`

// manyFindings is a script with n global writes, one finding a line.
func manyFindings(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "g%d = %d\n", i, i)
	}
	b.WriteString("return 1\n")
	return b.String()
}

var altL = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("l"), Alt: true}

// linted is the offline model of src, sized and linted as Init lints it.
func linted(t *testing.T, src string, w, h int) Model {
	t.Helper()
	m := sized(offlineModel(t, src, []string{"k"}, nil), w, h)
	return update(m, m.lintNow()())
}

// cmdMsgs runs cmd and every command of a batch it returns, with a bound
// on each (a tick would otherwise hold the test), and returns the
// messages that arrived.
func cmdMsgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(2 * time.Second):
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, cmdMsgs(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// relinted feeds back the lint a command started, and fails when it
// started none for the editor's current text.
func relinted(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for _, msg := range cmdMsgs(cmd) {
		if d, ok := msg.(lintDoneMsg); ok && d.rev == m.editor.Revision() {
			return update(m, d)
		}
	}
	t.Fatal("the new script was not linted")
	return m
}

func TestLintFindingInStatusLine(t *testing.T) {
	m := linted(t, lintedSrc, 120, 40)
	if len(m.findings) < 2 {
		t.Fatalf("findings: %+v", m.findings)
	}
	if bar := m.statusBar(); strings.Contains(bar, "error:") || strings.Contains(bar, "warning:") {
		t.Errorf("line 1 has no finding, yet: %q", bar)
	}
	m = update(m, JumpToLineMsg{Line: 3})
	bar := m.statusBar()
	if !strings.Contains(bar, "✗ error:") || !strings.Contains(bar, "counter") {
		t.Errorf("the cursor line's finding is not in the status line: %q", bar)
	}
	// A message set by an action wins until the next key.
	m.setStatus("saved limit.lua", false)
	if bar := m.statusBar(); !strings.Contains(bar, "saved limit.lua") || strings.Contains(bar, "counter") {
		t.Errorf("the action's message lost to the finding: %q", bar)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRight})
	if bar := m.statusBar(); !strings.Contains(bar, "counter") {
		t.Errorf("after a key the finding is back: %q", bar)
	}
	// Another pane focused: the editor's cursor line is not the subject.
	m.setFocus(paneForm)
	if bar := m.statusBar(); strings.Contains(bar, "counter") {
		t.Errorf("the form is focused, yet the finding shows: %q", bar)
	}
	m.setFocus(paneEditor)
	// Typing makes the findings stale (their lines may move): none shown
	// until the lint catches up.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	if bar := m.statusBar(); strings.Contains(bar, "error:") {
		t.Errorf("a stale finding is shown: %q", bar)
	}
}

// TestLintFindingEscaped: a finding's text comes from the script (a
// command name in a string): control characters are escaped.
func TestLintFindingEscaped(t *testing.T) {
	m := linted(t, "return 1\n", 120, 40)
	m.findings = []lint.Finding{{Line: 1, Col: 1, Severity: lint.Warning, Code: "x", Message: "bad \x1b[31mred\x07 command", Hint: "\x1b]52;c;AAAA\x07"}}
	for _, out := range []string{m.statusBar(), pressApp(m, altL).View()} {
		if strings.ContainsAny(out, "\x07") || strings.Contains(out, "\x1b[31mred") || strings.Contains(out, "\x1b]52") {
			t.Errorf("raw control characters drawn: %q", out)
		}
	}
	if bar := m.statusBar(); !strings.Contains(bar, "! warning: bad") {
		t.Errorf("status: %q", bar)
	}
}

func TestLintListOverlay(t *testing.T) {
	m := linted(t, lintedSrc, 80, 24)
	m = pressApp(m, altL)
	if m.lintList() == nil {
		t.Fatal("alt+l opened no list")
	}
	view := m.View()
	for _, want := range []string{"Lint findings: 2", "2:", "warning", "3:1", "error", "counter"} {
		if !strings.Contains(view, want) {
			t.Errorf("the list lacks %q:\n%s", want, view)
		}
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyEnter})
	if m.lintList() != nil {
		t.Error("enter did not close the list")
	}
	if got := m.editor.CursorLine(); got != 3 {
		t.Errorf("enter jumped to line %d, want 3", got)
	}
	if m.focus != paneEditor {
		t.Errorf("focus %s after the jump", m.focus)
	}
	m = pressApp(m, altL, tea.KeyMsg{Type: tea.KeyEsc})
	if m.lintList() != nil {
		t.Error("esc did not close the list")
	}
	m = pressApp(m, altL, altL)
	if m.lintList() != nil {
		t.Error("alt+l again did not close the list")
	}

	clean := pressApp(linted(t, "return 1\n", 80, 24), altL)
	if v := clean.View(); !strings.Contains(v, "no findings") {
		t.Errorf("an empty list does not say so:\n%s", v)
	}
	// Stale findings: the list says it is linting, and alt+l started it.
	stale := pressApp(linted(t, lintedSrc, 80, 24), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	mm, cmd := stale.Update(altL)
	stale = mm.(Model)
	if v := stale.View(); !strings.Contains(v, "linting…") {
		t.Errorf("stale findings listed as current:\n%s", v)
	}
	stale = relinted(t, stale, cmd)
	if v := stale.View(); !strings.Contains(v, "counter") {
		t.Errorf("the lint's result did not reach the open list:\n%s", v)
	}
}

// TestLintListScrolls: many findings, a window of them; the cursor stays
// in view and end reaches the last; enter jumps to its line.
func TestLintListScrolls(t *testing.T) {
	m := pressApp(linted(t, manyFindings(100), 80, 24), altL)
	if len(m.findings) != 100 {
		t.Fatalf("%d findings", len(m.findings))
	}
	for i := 0; i < 30; i++ {
		m = pressApp(m, tea.KeyMsg{Type: tea.KeyDown})
	}
	if v := m.View(); !strings.Contains(v, "▶ ✗  31:1") {
		t.Errorf("the 31st finding is not selected in view:\n%s", v)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEnd})
	if v := m.View(); !strings.Contains(v, "g100") {
		t.Errorf("end does not show the last finding:\n%s", v)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyPgUp}, tea.KeyMsg{Type: tea.KeyHome}, tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyEnter})
	if got := m.editor.CursorLine(); got != 1 {
		t.Errorf("home, enter: line %d", got)
	}
}

// TestRelintWhenScriptReplaced: every way a new script lands in the
// editor drops the old text's marks and ▶ at once and lints the new one
// (ctrl+o kept the old file's marks).
func TestRelintWhenScriptReplaced(t *testing.T) {
	clean := "return 1\n"
	cases := map[string]func(m Model) (Model, tea.Cmd){
		"ctrl+o": func(m Model) (Model, tea.Cmd) {
			mm, cmd := m.Update(fileLoadedMsg{path: "other.lua", src: lintedSrc})
			return mm.(Model), cmd
		},
		"history": func(m Model) (Model, tea.Cmd) {
			mm, cmd := m.Update(loadEntryMsg{entry: history.Entry{Source: lintedSrc, Keys: []string{"k"}, Time: time.Unix(0, 0)}})
			return mm.(Model), cmd
		},
		"library": func(m Model) (Model, tea.Cmd) {
			mm, cmd := m.Update(libraryOpenedMsg{lib: redisx.Library{Name: "lib", Code: lintedSrc}})
			return mm.(Model), cmd
		},
		"$EDITOR": func(m Model) (Model, tea.Cmd) {
			mm, cmd := m.Update(externalEditedMsg{src: lintedSrc})
			return mm.(Model), cmd
		},
		"--watch": func(m Model) (Model, tea.Cmd) {
			mm, cmd := m.Update(fileChangedMsg{src: lintedSrc})
			return mm.(Model), cmd
		},
		"example": func(m Model) (Model, tea.Cmd) {
			m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g"), Alt: true})
			g := m.gallery()
			g.all[0].Source = lintedSrc
			g.cursor = 0
			mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
			return mm.(Model), cmd
		},
	}
	for name, replace := range cases {
		t.Run(name, func(t *testing.T) {
			// The old script: a finding on line 1 and a run's ▶ on line 1.
			m := linted(t, "x = 1\n"+clean, 120, 40)
			m.editor.SetErrorLine(1)
			if len(m.findings) == 0 {
				t.Fatal("the old script has no finding")
			}
			m, cmd := replace(m)
			if m.editor.Value() != lintedSrc {
				t.Fatalf("not replaced: %q", m.editor.Value())
			}
			if len(m.findings) != 0 || !m.lintStale() {
				t.Errorf("the old script's findings stay: %+v", m.findings)
			}
			if v := m.editor.View(); strings.Contains(v, "▶") || strings.Contains(v, "✗") {
				t.Errorf("old marks drawn over the new script:\n%s", v)
			}
			m = relinted(t, m, cmd)
			if len(m.findings) != 2 {
				t.Errorf("new findings: %+v", m.findings)
			}
		})
	}
}

// TestConnectionErrorBringsErrorForward: a run that got no reply (the
// connection failed) started from the Result tab shows the Error tab,
// not "No reply yet"; a run that succeeds from the Error tab shows the
// result.
func TestConnectionErrorBringsErrorForward(t *testing.T) {
	for _, from := range []paneID{paneEditor, paneForm, paneResult, paneError} {
		m := sized(offlineModel(t, demoSrc, []string{"k"}, nil), 80, 24)
		m.setFocus(from)
		c := failedConnection()
		m = feedRun(m, nil, nil, &c)
		if m.focus != paneError {
			t.Errorf("from %s: focus %s after a connection error", from, m.focus)
		}
		ok := feedRun(m, fixedSteps(redisx.SHA1(demoSrc)), fixedSteps(redisx.SHA1(demoSrc))[2].Reply, nil)
		if ok.focus != paneResult {
			t.Errorf("from %s: focus %s after a reply", from, ok.focus)
		}
	}
	// The trace stays: the user is watching the round trips.
	m := sized(offlineModel(t, demoSrc, []string{"k"}, nil), 80, 24)
	m.setFocus(paneTrace)
	c := failedConnection()
	if m = feedRun(m, nil, nil, &c); m.focus != paneTrace {
		t.Errorf("from the trace: focus %s", m.focus)
	}
	// Zoomed on the result: the error comes forward, still zoomed.
	m = sized(offlineModel(t, demoSrc, []string{"k"}, nil), 160, 50)
	m.setFocus(paneResult)
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyF11})
	if m = feedRun(m, nil, nil, &c); m.focus != paneError || !m.zoom {
		t.Errorf("zoomed result: focus %s zoom %v", m.focus, m.zoom)
	}
}

// TestErrorMarkerFollowsEdits: the ▶ of a run's error names a line; lines
// added or removed above move it, an edit of the line keeps it, removing
// the line drops it, and the whole text replaced drops it.
func TestErrorMarkerFollowsEdits(t *testing.T) {
	src := "local a = 1\nlocal b = 2\nreturn x.y\n"
	marked := func() Model {
		m := sized(offlineModel(t, src, nil, nil), 120, 40)
		m.editor.SetErrorLine(3)
		return m
	}
	markerLine := func(m Model) int {
		for i, l := range strings.Split(ansi.Strip(m.editor.View()), "\n") {
			if strings.Contains(l, "▶") {
				return i + 1
			}
		}
		return 0
	}
	m := marked()
	if got := markerLine(m); got != 3 {
		t.Fatalf("marker on row %d", got)
	}
	// Enter at the end of line 1: a line above, the marker moves down.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEnd}, tea.KeyMsg{Type: tea.KeyEnter})
	if got := markerLine(m); got != 4 {
		t.Errorf("after a line inserted above: row %d, want 4", got)
	}
	// Undo: back where it was.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	if got := markerLine(m); got != 3 {
		t.Errorf("after undo: row %d, want 3", got)
	}
	// Typing on the marked line keeps it there: the user is fixing it.
	m = update(m, JumpToLineMsg{Line: 3})
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("z")})
	if got := markerLine(m); got != 3 {
		t.Errorf("after typing on the line: row %d, want 3", got)
	}
	// Line 2 and 3 removed together (shift+down from line 2, delete):
	// the marked line is gone.
	m = marked()
	m = update(m, JumpToLineMsg{Line: 2})
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyHome}, tea.KeyMsg{Type: tea.KeyShiftDown}, tea.KeyMsg{Type: tea.KeyShiftDown}, tea.KeyMsg{Type: tea.KeyBackspace})
	if got := markerLine(m); got != 0 {
		t.Errorf("the marked line was deleted, the marker is on row %d", got)
	}
	// $EDITOR's text replaces the whole script.
	m = marked()
	m = update(m, externalEditedMsg{src: "return 2\n"})
	if got := markerLine(m); got != 0 {
		t.Errorf("after $EDITOR: marker on row %d", got)
	}
}

// TestGoldenLint: the findings list and the status line with the cursor
// line's finding, at 80×24 and 120×40.
func TestGoldenLint(t *testing.T) {
	states := map[string]func(w, h int) Model{
		"list": func(w, h int) Model {
			return pressApp(linted(t, lintedSrc, w, h), altL, tea.KeyMsg{Type: tea.KeyDown})
		},
		"status": func(w, h int) Model {
			return update(linted(t, lintedSrc, w, h), JumpToLineMsg{Line: 3})
		},
	}
	for name, mk := range states {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				teatest.RequireEqualOutput(t, []byte(mk(sz[0], sz[1]).View()))
			})
		}
	}
}

// failedConnection is the classification of a run whose connection
// failed: no reply at all.
func failedConnection() classify.Classification {
	return classify.ClassifyError(errors.New("dial tcp 127.0.0.1:1: connect: connection refused"))
}
