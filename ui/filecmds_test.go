package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWatchMissesNoWrite: the --watch watcher is one for the session, so
// a write that lands while the UI is still handling the previous change
// (before it waits again) is delivered, and of several such writes the
// newest content is. The old watcher was re-armed after each change and
// missed writes in between.
func TestWatchMissesNoWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.lua")
	write := func(src string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("return 0")
	started, ok := startWatchCmd(path)().(watchStartedMsg)
	if !ok || started.err != nil {
		t.Fatalf("start: %+v", started)
	}
	next := func() fileChangedMsg {
		t.Helper()
		select {
		case msg := <-started.changes:
			return msg
		case <-time.After(5 * time.Second):
			t.Fatal("no change delivered")
			return fileChangedMsg{}
		}
	}
	// The watcher is armed when the command returns: no retry loop.
	write("return 1")
	if got := next(); got.err != nil || got.src != "return 1" {
		t.Fatalf("first change: %+v", got)
	}
	// Nobody is waiting now (the UI is busy re-running): these land anyway.
	write("return 2")
	time.Sleep(3 * watchDebounce)
	write("return 3")
	time.Sleep(3 * watchDebounce)
	if got := next(); got.err != nil || got.src != "return 3" {
		t.Fatalf("writes while nobody waited: %+v, want the newest", got)
	}
	// A write to another file of the directory is not a change.
	if err := os.WriteFile(filepath.Join(dir, "other.lua"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-started.changes:
		t.Fatalf("another file's write was delivered: %+v", msg)
	case <-time.After(5 * watchDebounce):
	}
}

// TestExternalEditWritesInTheCommand: ctrl+e's temporary file is written
// by the command, not by Update; the root then runs the editor on it.
func TestExternalEditWritesInTheCommand(t *testing.T) {
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", "my-editor")
	msg, ok := externalEditCmd("return 'x'")().(editTempWrittenMsg)
	if !ok {
		t.Fatalf("got %T", msg)
	}
	defer os.Remove(msg.path)
	if b, err := os.ReadFile(msg.path); err != nil || string(b) != "return 'x'" || msg.editor != "my-editor" {
		t.Fatalf("temp file %q (%v), editor %q", b, err, msg.editor)
	}
}
