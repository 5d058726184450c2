package main

import (
	"strings"
	"testing"
)

// TestTUIEndToEndTraceStepDetail: at 80×24 the trace row cuts the sent
// command; enter on the step shows it whole, every key and arg labelled,
// and y copies it with a status saying so.
func TestTUIEndToEndTraceStepDetail(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	script := copyExample(t, dir)
	env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL="}
	const key, last = "rate:e2e:tenant-acme-eu-west", "an-argument-the-row-never-shows"
	s := newTmux(t, 80, 24, env, bin, "--sandbox", script, key, ",", "5", "60", last)
	s.waitFor("SANDBOX", "limit.lua")
	s.keys("C-r")
	s.waitFor("(integer) 60") // the run ends with the Result in front
	s.keys("Tab")             // the Trace, its cursor on the newest step
	scr := s.waitFor("EVALSHA", "SCRIPT LOAD")
	if strings.Contains(scr, last) {
		t.Fatalf("the trace row shows the last argument: nothing to prove:\n%s", scr)
	}
	s.keys("Up", "Up", "Enter") // the first step: EVALSHA, answered NOSCRIPT
	scr = s.waitFor("step 1 of 3", "KEYS[1]", `"`+key+`"`, "ARGV[3]", `"`+last+`"`, "noscript")
	for _, line := range strings.Split(scr, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("line wider than 80 columns: %q", line)
		}
	}
	s.keys("y")
	s.waitFor("copied the trace step")
	s.keys("Escape")
	s.waitFor("› 1. noscript")
	s.keys("C-c")
	s.waitFor("EXITED:0")
}
