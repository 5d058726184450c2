//go:build linux

package main

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// ctrl+z (SIGTSTP) while the first frame waits for a server that does not
// answer: the job stops on the normal screen in cooked mode, as it does
// once the UI runs, and fg brings the frame back.
func TestTUISuspendWhilePreview(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dash, err := exec.LookPath("dash")
	if err != nil {
		t.Skip("needs dash for job control")
	}
	bin, addr, script, env := silentSetup(t, "suspend-preview-line")
	s := newTmuxShell(t, 100, 30, "env -i PATH="+os.Getenv("PATH")+" HOME="+t.TempDir()+" HISTFILE= TERM=xterm-256color PS1='PROMPT$ ' "+dash+" -i")
	s.waitFor("PROMPT$")
	s.keys("-l", strings.Join(env, " ")+" "+bin+" -u redis://"+addr+" --timeout 30s "+script)
	s.keys("Enter")
	s.waitFor("suspend-preview-line", "connecting to")
	pids := descendants(mustAtoi(t, s.format("#{pane_pid}")), "luascope")
	if len(pids) == 0 {
		t.Fatal("no luascope process in the pane")
	}
	pid := pids[0]
	if err := syscall.Kill(pid, syscall.SIGTSTP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the shell reports the stop", func() bool {
		return processState(pid) == 'T' && strings.Contains(s.everything(), "Stopped")
	})
	if alt := s.format("#{alternate_on}"); alt != "0" {
		t.Error("stopped in the alternate screen")
	}
	modes := stty(t, s)
	for _, want := range []string{" icanon ", " echo ", " isig ", " icrnl "} {
		if !strings.Contains(modes, want) {
			t.Errorf("stopped with the terminal raw: no %q in %s", strings.TrimSpace(want), modes)
		}
	}
	s.keys("-l", "fg")
	s.keys("Enter")
	waitUntil(t, "the frame is back", func() bool { return s.format("#{alternate_on}") == "1" })
	s.waitFor("suspend-preview-line")
	_ = syscall.Kill(pid, syscall.SIGTERM)
	waitUntil(t, "luascope ends", func() bool { return processState(pid) == 0 || processState(pid) == 'Z' })
}
