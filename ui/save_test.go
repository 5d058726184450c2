package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/ui/editor"
)

// A new file ends its last line; a file that exists keeps its ending.
func TestSaveNewFileEndsWithNewline(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "new.lua")
	if msg := saveFileCmd(p, "return 1", time.Time{}, false)().(fileSavedMsg); msg.err != nil || msg.conflict != "" {
		t.Fatalf("%+v", msg)
	}
	if b, _ := os.ReadFile(p); string(b) != "return 1\n" {
		t.Errorf("new file: %q", b)
	}
	if msg := saveFileCmd(p, "return 2", time.Time{}, true)().(fileSavedMsg); msg.err != nil {
		t.Fatalf("%+v", msg)
	}
	if b, _ := os.ReadFile(p); string(b) != "return 2" {
		t.Errorf("existing file: %q", b)
	}
}

// A copy says what it sent: OSC 52 gets no answer from the terminal.
func TestCopySaysWhatItSent(t *testing.T) {
	m := offlineModel(t, "return 1", nil, nil)
	mm, _ := m.Update(editor.ClipboardWrittenMsg{Bytes: 8})
	if got := mm.(Model).status; !strings.Contains(got, "copied 8 bytes") {
		t.Errorf("status %q", got)
	}
}

// Opening a library over unsaved edits asks, as a file or a history run
// does, instead of refusing.
func TestOpenLibraryAsksOverUnsavedEdits(t *testing.T) {
	m := offlineModel(t, "return 1", nil, nil)
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}) // an edit
	if !m.editor.Modified() {
		t.Fatal("the editor is not focused at start: nothing typed, nothing to test")
	}
	mm, _ := m.Update(libraryOpenedMsg{lib: redisx.Library{Name: "mylib", Code: "#!lua name=mylib\n"}})
	m = mm.(Model)
	if m.overlays.top() == nil || m.editor.Value() == "#!lua name=mylib\n" {
		t.Fatal("no question asked, or the edits were dropped")
	}
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	m = runCmds(t, m, cmd, 2)
	if m.editor.Value() != "#!lua name=mylib\n" {
		t.Errorf("after yes the editor holds %q", m.editor.Value())
	}
}
