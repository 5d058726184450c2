package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a real terminal, as a person
// would: keys in with send-keys, the screen out with capture-pane.
type tmuxSession struct {
	t    *testing.T
	name string
	sock string
}

func newTmux(t *testing.T, w, h int, env []string, argv ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is missing: `make test` installs it (.ci/deps.sh)")
		}
		t.Skip("tmux not installed (make deps installs it)")
	}
	s := &tmuxSession{t: t, name: "luascope", sock: filepath.Join(t.TempDir(), "tmux.sock")}
	shell := strings.Join(append(env, quoteArgs(argv)...), " ")
	s.run("new-session", "-d", "-s", s.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "sh -c '"+shell+"; echo EXITED:$?; sleep 30'")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = `"` + strings.ReplaceAll(a, `"`, `\"`) + `"`
	}
	return out
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	s.run(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", s.name) }

// waitFor polls the screen until every want is on it (a person reading
// the screen), and fails with the last screen after a generous deadline.
// waitGone waits until the screen no longer shows text: keys sent right
// after a key that closes something could otherwise reach the program in
// one read with it (esc then ctrl+c reads as alt+ctrl+c).
func (s *tmuxSession) waitGone(text string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if !strings.Contains(s.screen(), text) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("screen still shows %q:\n%s", text, s.screen())
}

func (s *tmuxSession) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(scr, w) {
				ok = false
				break
			}
		}
		if ok {
			return scr
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("screen never showed %q:\n%s", want, scr)
	return ""
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "luascope")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestTUIEndToEnd: sandbox, a file with keys and args, ctrl+r, the reply,
// the trace of the NOSCRIPT fallback, an error with its panel, a resize
// to 80×24, and quitting.
func TestTUIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	script := copyExample(t, dir)
	env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL="}
	s := newTmux(t, 130, 40, env, bin, "--sandbox", script, "rate:e2e", ",", "5", "60")
	s.waitFor("SANDBOX", "limit.lua", "KEYS")
	s.keys("C-r")
	// The reply can be drawn a frame before the run's end (its summary
	// line, the cache state): wait for all of it, not for the first.
	s.waitFor("(integer) 60", "SCRIPT LOAD", "noscript", "EVALSHA", "round trip", " cached ")
	// Make the script fail: read an undeclared global on a new first line.
	s.keys("C-Home")
	s.keys("-l", "local x = nosuch.field")
	s.keys("Enter")
	s.keys("C-r")
	scr := s.waitFor("runtime", "nonexistent global", "▶ 1")
	if !strings.Contains(scr, "hint") && !strings.Contains(scr, "Hint") {
		t.Errorf("error panel without a hint:\n%s", scr)
	}
	// Resize to the SSH-sized terminal: tabs, nothing broken.
	s.run("resize-window", "-t", s.name, "-x", "80", "-y", "24")
	scr = s.waitFor("Script", "Result")
	for _, line := range strings.Split(scr, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("line wider than 80 columns after resize: %q", line)
		}
	}
	// Too small, then back.
	s.run("resize-window", "-t", s.name, "-x", "30", "-y", "8")
	s.waitFor("too small")
	s.run("resize-window", "-t", s.name, "-x", "100", "-y", "30")
	s.waitFor("Script")
	// Quit: unsaved changes → asks; y quits.
	s.keys("C-c")
	s.waitFor("unsaved changes")
	s.keys("y")
	s.waitFor("EXITED:0")
}

// copyExample copies testdata/example.lua into dir as limit.lua, the
// script the end-to-end tests edit, and returns its path.
func copyExample(t *testing.T, dir string) string {
	t.Helper()
	script := filepath.Join(dir, "limit.lua")
	src, err := os.ReadFile("testdata/example.lua")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return script
}
