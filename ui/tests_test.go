package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// alt+t runs the script's test files on a sandbox with the editor's text,
// saved or not, and lists the cases, the failing one's diff below.
func TestTestsViewRunsTheEditorsText(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "add.lua")
	if err := os.WriteFile(script, []byte("return tonumber(ARGV[1]) + 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := "script = \"add.lua\"\n[[case]]\nname = \"adds one\"\nargs = [\"1\"]\nexpect = \"(integer) 2\"\n" +
		"[[case]]\nname = \"adds one to ten\"\nargs = [\"10\"]\nexpect = \"(integer) 11\"\n"
	if err := os.WriteFile(filepath.Join(dir, "add.test.toml"), []byte(tests), 0o644); err != nil {
		t.Fatal(err)
	}
	// The editor holds an unsaved edit: it adds two.
	m := compareModel(t, "return tonumber(ARGV[1]) + 2\n", nil, func(o *Options) { o.Filename = script })
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	m = drain(t, mm.(Model), cmd)
	v, ok := topOf[*testsView](m.overlays)
	if !ok || v.running || len(v.results) != 2 {
		t.Fatalf("tests view %+v", v)
	}
	frame := ansi.Strip(m.View())
	for _, want := range []string{"Tests · ", "0 passed, 2 failed", "FAIL  add.test.toml: adds one", "at reply: expected (integer) 2, got (integer) 3"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the frame lacks %q:\n%s", want, frame)
		}
	}
	// enter: the case whole; esc twice: back to the editor.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEnter})
	if d, ok := topOf[*detailView](m.overlays); !ok || !strings.Contains(d.doc.Text(), "expected:") {
		t.Errorf("enter: %+v", d)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEsc}, tea.KeyMsg{Type: tea.KeyEsc})
	if _, ok := topOf[*testsView](m.overlays); ok {
		t.Error("esc left the Tests view open")
	}

	// No file: it says how to get one.
	m = compareModel(t, "return 1", nil, nil)
	mm, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	m = drain(t, mm.(Model), cmd)
	if frame := ansi.Strip(m.View()); !strings.Contains(frame, "luascope test --init") {
		t.Errorf("no file:\n%s", frame)
	}
}
