package main

import (
	"os"
	"strings"
	"testing"
)

// Redis's own deepest reply — a Lua table that contains itself, cut at
// the Lua stack limit 7,995 levels down — in text and in --json.
func TestDeepestRedisReply(t *testing.T) {
	srv := startSandbox(t)
	script := "local a = {} local b = {a} a[1] = b return a"
	out, errOut, code := cli(t, "", "run", "-u", srv.URL(), "-q", "-e", script)
	if code != 0 || !strings.Contains(out, "(error) ERR reached lua stack limit") || strings.Count(out, "1) ") < 7000 {
		t.Fatalf("text: exit %d, %d bytes, stderr %q", code, len(out), errOut)
	}
	out, errOut, code = cli(t, "", "run", "-u", srv.URL(), "--json", "-e", script)
	if code != 0 || errOut != "" {
		t.Fatalf("json: exit %d, stderr %q", code, errOut)
	}
	if n := strings.Count(out, `{"type":"array","items":[`); n < 2*7000 { // the reply and its step
		t.Errorf("json: %d array levels", n)
	}
	if !strings.Contains(out, `{"type":"error","value":"ERR reached lua stack limit"}`) || strings.Contains(out, "luascope-deep") {
		t.Errorf("json does not hold the whole reply")
	}
}

// redis-cli's habit: --eval FILE KEY … , ARG …; -e (--code) stays code.
func TestEvalFileAsRedisCli(t *testing.T) {
	srv := startSandbox(t)
	file := t.TempDir() + "/limit.lua"
	if err := os.WriteFile(file, []byte("return {KEYS[1], ARGV[1]}"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, "", "run", "-u", srv.URL(), "-q", "--eval", file, "k", ",", "5")
	if code != 0 || !strings.Contains(out, `"k"`) || !strings.Contains(out, `"5"`) {
		t.Errorf("--eval FILE: exit %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"-e", "return 7"}, {"--code", "return 7"}} {
		out, errOut, code = cli(t, "", append([]string{"run", "-u", srv.URL(), "-q"}, args...)...)
		if code != 0 || !strings.Contains(out, "(integer) 7") {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	_, errOut, code = cli(t, "", "run", "-u", srv.URL(), "--eval", file, "-e", "return 1")
	if code != exitUsage || !strings.Contains(errOut, "do not go together") {
		t.Errorf("--eval with -e: exit %d, %q", code, errOut)
	}
}
