package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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
