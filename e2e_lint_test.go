package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTUILintEndToEnd: at 80×24, open a file with a lint error (ctrl+o):
// after the "opened" message, the cursor line's finding is in the status
// line; alt+l lists it, enter jumps to it; F1 and quit stay in the footer.
func TestTUILintEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	script := copyExample(t, dir)
	bad := filepath.Join(dir, "bad.lua")
	if err := os.WriteFile(bad, []byte("counter = 1\nreturn counter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL="}
	s := newTmux(t, 80, 24, env, bin, "--sandbox", script, "rate:e2e", ",", "5", "60")
	scr := s.waitFor("SANDBOX", "limit.lua", "F1 help", "ctrl+c quit")
	if strings.Contains(scr, "✗") {
		t.Fatalf("the example has a lint error:\n%s", scr)
	}
	s.keys("C-o")
	s.waitFor("Open")
	s.keys("C-u") // the prompt starts with the current file's path
	s.keys("-l", bad)
	s.keys("Enter")
	s.waitFor("opened", "bad.lua", "✗ 1 counter")
	// The message of the action lasts until the next key; then the finding.
	s.keys("End")
	scr = s.waitFor("✗ error: assignment to the global variable 'counter'")
	for _, want := range []string{"SANDBOX", "F1 help", "ctrl+c quit"} {
		if !strings.Contains(scr, want) {
			t.Errorf("80 columns: the screen lacks %q:\n%s", want, scr)
		}
	}
	s.keys("M-l")
	s.waitFor("Lint findings: 1", "1:1", "hint: declare it local")
	s.keys("Escape")
	s.waitGone("Lint findings")
	s.keys("C-c")
	s.waitFor("EXITED:0")
}
