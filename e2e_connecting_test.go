//go:build unix

package main

import (
	"bufio"
	"net"
	"strings"
	"testing"
)

// TestTUISaysWhatItConnectsTo: before the handshake with a server that
// never answers, the TUI says on the terminal what it waits for and how
// long, the password masked; `run` keeps its stderr to itself.
func TestTUISaysWhatItConnectsTo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts, reads, never answers
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = bufio.NewReader(c).ReadString(0) }()
		}
	}()
	bin := buildBinary(t)
	dir := t.TempDir()
	url := "redis://app:hunter2@" + ln.Addr().String()
	env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL="}
	s := newTmux(t, 120, 20, env, bin, "-u", url, "--timeout", "2s")
	scr := s.waitFor("connecting to redis://app:***@" + ln.Addr().String() + " (gives up after 2s)")
	if strings.Contains(scr, "EXITED") {
		t.Errorf("the line came only with the failure:\n%s", scr)
	}
	scr = s.waitFor("EXITED:3")
	if strings.Contains(scr, "hunter2") {
		t.Errorf("the password is on the screen:\n%s", scr)
	}
	_, errOut, _ := cli(t, "", "run", "-u", url, "--timeout", "1s", "-e", "return 1")
	if strings.Contains(errOut, "connecting to") {
		t.Errorf("run's stderr: %q", errOut)
	}
}
