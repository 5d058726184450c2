package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUISearchEndToEnd: at 80×24, a run that returns 10,000 two-element
// arrays (so every inner array is collapsed), then "/" and a value inside
// one of them: the match is revealed and the bar counts it; n wraps to it
// again; esc ends the search.
func TestTUISearchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "big.lua")
	src := "local t = {}\nfor i = 1, 10000 do t[i] = {i, 'item-' .. i} end\nreturn t\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL="}
	s := newTmux(t, 80, 24, env, bin, "--sandbox", script)
	s.waitFor("SANDBOX", "big.lua")
	s.keys("C-r")
	scr := s.waitFor("array[10000]", "▸")
	if strings.Contains(scr, "item-7777") {
		t.Fatalf("the value is on screen before the search:\n%s", scr)
	}
	s.keys("/")
	s.keys("-l", "item-7777")
	s.keys("Enter")
	s.waitFor(`"item-7777"`, "/item-7777", "1/1", "▾")
	s.keys("n")
	s.waitFor(`"item-7777"`, "1/1")
	s.keys("Escape")
	deadline := time.Now().Add(10 * time.Second)
	for scr = s.screen(); strings.Contains(scr, "/item-7777"); scr = s.screen() {
		if time.Now().After(deadline) {
			t.Fatalf("esc did not end the search:\n%s", scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(scr, `"item-7777"`) {
		t.Errorf("the match left the screen when the search ended:\n%s", scr)
	}
}
