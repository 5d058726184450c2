package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"luascope/redisx"
)

// crashKey is the key the tests' crash hooks act on.
var crashKey = tea.KeyMsg{Type: tea.KeyF10, Alt: true}

// withCrashTest installs hook as crashTest for one test.
func withCrashTest(t *testing.T, hook func(tea.Msg) tea.Cmd) {
	t.Helper()
	crashTest = hook
	t.Cleanup(func() { crashTest = nil })
}

// runAll runs cmd and the commands of any batch it returns, as Bubble Tea
// would, and returns every message; commands that wait (ticks, blinks)
// are left out by running only what finishes quickly.
func runAll(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(200 * time.Millisecond):
		return nil // a tick or a blink
	}
	if batch, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range batch {
			out = append(out, runAll(t, c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func typeInto(m Model, s string) Model {
	mm, _ := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
	return mm.(Model)
}

func TestRescueKeepsOnlyUnsavedScript(t *testing.T) {
	r := &Rescue{}
	m := New(Options{Source: "return 1", Filename: "a.lua", Theme: monoTheme(t), Rescue: r})
	m = sized(m, 80, 24)
	if _, _, ok := r.Unsaved(); ok {
		t.Fatal("a script just opened counts as unsaved")
	}
	m = typeInto(m, "-- x\n")
	src, name, ok := r.Unsaved()
	if !ok || name != "a.lua" || !strings.HasPrefix(src, "-- x\nreturn 1") {
		t.Fatalf("after typing: %q %q %v", src, name, ok)
	}
	mm, _ := m.Update(fileSavedMsg{path: "a.lua", mod: time.Now()})
	m = mm.(Model)
	if _, _, ok := r.Unsaved(); ok {
		t.Fatal("still unsaved after a save")
	}
	m = typeInto(m, "y")
	if src, _, _ := r.Unsaved(); src != "-- x\nyreturn 1" {
		t.Fatalf("the copy did not follow the next edit: %q", src)
	}
	m.running = true
	m = typeInto(m, "z")
	if !r.Running() {
		t.Error("a run in flight is not recorded")
	}
}

// TestPanicInUpdateQuitsCleanly: a bug in Update ends the program with a
// normal quit (so Bubble Tea restores the terminal), the panic and its
// stack recorded, and the script as it was before the message.
func TestPanicInUpdateQuitsCleanly(t *testing.T) {
	withCrashTest(t, func(msg tea.Msg) tea.Cmd {
		if k, ok := msg.(tea.KeyMsg); ok && k.String() == crashKey.String() {
			var s []int
			_ = s[len(k.String())] // index out of range, like the tab bar's
		}
		return nil
	})
	r := &Rescue{}
	m := sized(New(Options{Source: "return 1", Theme: monoTheme(t), Rescue: r}), 80, 24)
	m = typeInto(m, "local edited = true\n")
	mm, cmd := m.Update(crashKey)
	if msgs := runAll(t, cmd); len(msgs) != 1 || msgs[0] != tea.Quit() {
		t.Fatalf("after a panic in Update: %#v, want tea.Quit", msgs)
	}
	if v := mm.View(); v != "" {
		t.Errorf("the last frame after a panic is not empty: %q", v)
	}
	p := r.Panicked()
	if p == nil || !strings.Contains(p.String(), "index out of range") || !strings.Contains(string(p.Stack), "rescue_test.go") {
		t.Fatalf("panic not recorded with its stack: %+v", p)
	}
	if src, _, ok := r.Unsaved(); !ok || !strings.HasPrefix(src, "local edited = true\n") {
		t.Errorf("script lost: %q", src)
	}
}

// TestPanicInCommandQuitsCleanly: a command's panic, even inside a batch
// (run on Bubble Tea's goroutines), comes back as a message and ends the
// program the same way.
func TestPanicInCommandQuitsCleanly(t *testing.T) {
	withCrashTest(t, func(msg tea.Msg) tea.Cmd {
		if k, ok := msg.(tea.KeyMsg); ok && k.String() == crashKey.String() {
			return tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { panic("command bug") })
		}
		return nil
	})
	r := &Rescue{}
	m := sized(New(Options{Source: "return 1", Theme: monoTheme(t), Rescue: r}), 80, 24)
	m = typeInto(m, "x")
	_, cmd := m.Update(crashKey)
	var panicked tea.Msg
	for _, msg := range runAll(t, cmd) {
		if _, ok := msg.(cmdPanickedMsg); ok {
			panicked = msg
		}
	}
	if panicked == nil {
		t.Fatal("the command's panic did not come back as a message")
	}
	_, cmd = m.Update(panicked)
	if msgs := runAll(t, cmd); len(msgs) != 1 || msgs[0] != tea.Quit() {
		t.Fatalf("after a command's panic: %#v, want tea.Quit", msgs)
	}
	if p := r.Panicked(); p == nil || p.String() != "command bug" || !strings.Contains(string(p.Stack), "rescue_test.go") {
		t.Fatalf("panic not recorded: %+v", p)
	}
}

// TestPanicInRunGoroutine: a run's own goroutine (not Bubble Tea's)
// hands its panic to the UI instead of crashing the process.
func TestPanicInRunGoroutine(t *testing.T) {
	var s *redisx.Session // Run on a nil session panics in the goroutine
	started := runScriptCmd(s, redisx.Call{Script: redisx.NewScript("return 1")}, 1)().(runStartedMsg)
	msg := waitRunCmd(started.ch)()
	if _, ok := msg.(cmdPanickedMsg); !ok {
		t.Fatalf("got %#v, want cmdPanickedMsg", msg)
	}
}

// TestPanicInViewIsRecorded: View cannot quit, so its panic goes on to
// Bubble Tea (which restores the terminal) after being recorded.
func TestPanicInViewIsRecorded(t *testing.T) {
	crashTestView = func() { panic("draw bug") }
	t.Cleanup(func() { crashTestView = nil })
	r := &Rescue{}
	m := sized(New(Options{Source: "return 1", Theme: monoTheme(t), Rescue: r}), 80, 24)
	func() {
		defer func() {
			if p := recover(); p != "draw bug" {
				t.Errorf("View's panic not passed on: %v", p)
			}
		}()
		_ = m.View()
	}()
	if p := r.Panicked(); p == nil || p.String() != "draw bug" {
		t.Errorf("View's panic not recorded: %+v", p)
	}
}

// TestPanicInProgramEnds: in a real Bubble Tea program, a panic in a
// command ends Run without an error of Bubble Tea's (our quit, not its
// kill), the final model holding the script.
func TestPanicInProgramEnds(t *testing.T) {
	withCrashTest(t, func(msg tea.Msg) tea.Cmd {
		if k, ok := msg.(tea.KeyMsg); ok && k.String() == crashKey.String() {
			return func() tea.Msg { panic("command bug in a program") }
		}
		return nil
	})
	r := &Rescue{}
	tm := teatest.NewTestModel(t, New(Options{Source: "return 1", Theme: monoTheme(t), Rescue: r}), teatest.WithInitialTermSize(80, 24))
	tm.Type("abc")
	tm.Send(crashKey)
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(Model)
	if !strings.HasPrefix(final.editor.Value(), "abc") {
		t.Errorf("final model lost the script: %q", final.editor.Value())
	}
	if p := r.Panicked(); p == nil || p.String() != "command bug in a program" {
		t.Errorf("panic not recorded: %+v", p)
	}
	if src, _, ok := r.Unsaved(); !ok || !strings.HasPrefix(src, "abc") {
		t.Errorf("rescue lost the script: %q %v", src, ok)
	}
}
