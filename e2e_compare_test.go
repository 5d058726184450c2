//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTUICompareView: alt+v in the real binary compares the script on
// the servers the config names (redis-server, and the same binary with
// DBSIZE renamed away: a difference a one-version machine can make),
// highlights the one row that differs, d lists only it, esc closes.
func TestTUICompareView(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	real, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("no redis-server on PATH")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	renamed := filepath.Join(dir, "redis-server-no-dbsize")
	if err := os.WriteFile(renamed, []byte("#!/bin/sh\nexec "+real+" \"$@\" --rename-command DBSIZE \"\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "config", "luascope"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "compare_servers = [\"redis-server\", \"" + renamed + "\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "config", "luascope", "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "dbsize.lua")
	src := "local n = redis.pcall('dbsize')\nif type(n) == 'table' then n = 'renamed' end\nreturn {n, 'same'}\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_STATE_HOME=" + dir + "/state", "XDG_CONFIG_HOME=" + dir + "/config", "TERM=xterm-256color", "REDIS_URL="}
	s := newTmux(t, 100, 30, env, bin, "--sandbox", "--no-explain", "--strategy", "eval", script)
	s.waitFor("SANDBOX", "dbsize.lua")
	s.keys("M-v")
	scr := s.waitFor("Compare · 2 servers · 1 difference", "≠ reply[1]", "redis-server-no-dbsize")
	for _, want := range []string{"(integer) 0", `(bulk) "renamed"`, "  reply[2]", "  step 1"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the Compare view lacks %q:\n%s", want, scr)
		}
	}
	s.keys("d")
	s.waitGone("  reply[2]")
	s.keys("Escape")
	s.waitGone("Compare ·")
	s.keys("C-c")
	s.waitFor("EXITED:0")
}
