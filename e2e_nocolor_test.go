package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestTUINoColorEditorCursor: under NO_COLOR the editor still draws its
// cursor (reverse video) in a real terminal, and nothing is coloured. The
// editor renders its styles once, when the model is built, so the ANSI
// profile that keeps attributes must be set before that: a unit test of
// the profile alone passed while the terminal showed no cursor at all.
func TestTUINoColorEditorCursor(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	script := copyExample(t, dir)
	env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL=", "NO_COLOR=1"}
	s := newTmux(t, 80, 24, env, bin, "--sandbox", script, "rate:e2e", ",", "5", "60")
	s.waitFor("SANDBOX", "limit.lua")
	s.keys("Right")
	s.waitFor("limit.lua")
	var scr string
	// The screen with its escape sequences; the editor's lines are the
	// ones holding the script's first words.
	for i := 0; i < 50; i++ {
		scr = s.run("capture-pane", "-e", "-p", "-t", s.name)
		if strings.Contains(scr, "rate limiter") || strings.Contains(scr, "INCR") {
			break
		}
	}
	sgr := regexp.MustCompile(`\x1b\[([0-9;]*)m`)
	reverseIn := func(line string) bool {
		for _, m := range sgr.FindAllStringSubmatch(line, -1) {
			for _, p := range strings.Split(m[1], ";") {
				if p == "7" {
					return true
				}
			}
		}
		return false
	}
	for _, line := range strings.Split(scr, "\n") {
		for _, m := range sgr.FindAllStringSubmatch(line, -1) {
			for _, p := range strings.Split(m[1], ";") {
				if len(p) == 2 && (p[0] == '3' || p[0] == '4') && p[1] != '9' {
					t.Errorf("a colour under NO_COLOR: %q in %q", m[0], line)
				}
			}
		}
	}
	// The cursor is on the script's first line (one to the right).
	for _, line := range strings.Split(scr, "\n") {
		if strings.Contains(line, "rate limiter") {
			if !reverseIn(line) {
				t.Errorf("the editor's cursor line has no reverse video under NO_COLOR: %q", line)
			}
			return
		}
	}
	t.Fatalf("no editor line found:\n%q", scr)
}
