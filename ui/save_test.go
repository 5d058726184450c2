package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
