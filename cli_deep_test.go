package main

import (
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
