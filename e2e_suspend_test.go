//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTUISuspendAndResume: kill -TSTP stops the TUI the way a person's
// shell expects: the terminal back to normal while stopped (main screen,
// cooked, echo), and after fg the UI back, raw and taking keys; twice.
// Under dash, which leaves the terminal's modes as the job left them;
// under bash (without line editing, whose prompt would change the modes),
// which puts its own back when a job stops but not when it resumes one.
func TestTUISuspendAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	for _, sh := range []struct{ name, args string }{
		{"dash", "-i"},
		{"bash", "--norc --noprofile --noediting -i"},
	} {
		t.Run(sh.name, func(t *testing.T) {
			path, err := exec.LookPath(sh.name)
			if err != nil {
				t.Skipf("needs %s for job control", sh.name)
			}
			suspendAndResume(t, bin, path+" "+sh.args)
		})
	}
}

func suspendAndResume(t *testing.T, bin, shell string) {
	dir := t.TempDir()
	script := copyExample(t, dir)
	s := newTmuxShell(t, 100, 30, "env -i PATH="+os.Getenv("PATH")+" HOME="+dir+" HISTFILE= TERM=xterm-256color PS1='PROMPT$ ' "+shell)
	s.waitFor("PROMPT$")
	s.keys("-l", "XDG_STATE_HOME="+dir+"/state REDIS_URL= "+bin+" --sandbox "+script+" rate:demo , 5 60")
	s.keys("Enter")
	s.waitFor("limit.lua", "KEYS")
	pid := 0
	for deadline := time.Now().Add(10 * time.Second); pid == 0 && time.Now().Before(deadline); {
		if p := descendants(mustAtoi(t, s.format("#{pane_pid}")), "luascope"); len(p) > 0 {
			pid = p[0]
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if pid == 0 {
		t.Fatal("no luascope process in the pane")
	}
	for round := 1; round <= 2; round++ {
		if err := syscall.Kill(pid, syscall.SIGTSTP); err != nil {
			t.Fatal(err)
		}
		// The shell's report of the stop, a new one each round (the last
		// round's is still on the screen).
		waitUntil(t, "the shell reports the stop", func() bool {
			return processState(pid) == 'T' && strings.Count(s.everything(), "Stopped") >= round
		})
		if alt := s.format("#{alternate_on}"); alt != "0" {
			t.Errorf("round %d: stopped in the alternate screen", round)
		}
		modes := stty(t, s)
		for _, want := range []string{" icanon ", " echo ", " isig ", " icrnl "} {
			if !strings.Contains(modes, want) {
				t.Errorf("round %d: stopped with the terminal raw: no %q in %s", round, strings.TrimSpace(want), modes)
			}
		}
		s.keys("-l", "fg")
		s.keys("Enter")
		waitUntil(t, "the UI is back", func() bool { return s.format("#{alternate_on}") == "1" })
		if modes := stty(t, s); !strings.Contains(modes, " -icanon ") || !strings.Contains(modes, " -echo ") {
			t.Errorf("round %d: resumed in cooked mode: %s", round, modes)
		}
		typed := "local typed" + strconv.Itoa(round) + " = 1 "
		s.keys("-l", typed)
		s.waitFor(typed)
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	s.waitFor("terminated (SIGTERM)", "open them again with")
	waitUntil(t, "luascope exits", func() bool { return !alive(pid) })
}

// processState is the state letter of pid in /proc (T: stopped), or 0.
func processState(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if i := bytes.LastIndexByte(b, ')'); err == nil && i >= 0 && i+2 < len(b) {
		return b[i+2]
	}
	return 0
}

// waitUntil polls cond for up to 20 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stty is the pane's terminal modes, one space around each.
func stty(t *testing.T, s *tmuxSession) string {
	t.Helper()
	out, err := exec.Command("stty", "-a", "-F", s.format("#{pane_tty}")).CombinedOutput()
	if err != nil {
		t.Fatalf("stty: %v\n%s", err, out)
	}
	return " " + strings.Join(strings.Fields(string(out)), " ") + " "
}

// newTmuxShell is newTmux with a shell command line of its own (an
// interactive shell, for job control) and no EXITED line.
func newTmuxShell(t *testing.T, w, h int, shell string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed (make deps installs it)")
	}
	s := &tmuxSession{t: t, name: "luascope", sock: filepath.Join(t.TempDir(), "tmux.sock")}
	s.run("new-session", "-d", "-s", s.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}
