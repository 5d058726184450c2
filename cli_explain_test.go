package main

import (
	"strings"
	"testing"

	"luascope/redisx"
)

// TestRunExplainLabelsTheWrapper: `run --explain` prints the wrapper's
// round trips as such, and says how to see the plain run; --json gives
// the wrapper's SHA as sent_sha.
func TestRunExplainLabelsTheWrapper(t *testing.T) {
	srv := startSandbox(t)
	src := "return 1"
	out, _, code := cli(t, "", "run", "--explain", "-u", srv.URL(), "-e", src)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"why: explain wrapper of " + redisx.SHA1(src)[:7], "run without --explain for the plain run"} {
		if !strings.Contains(out, want) {
			t.Errorf("run --explain lacks %q:\n%s", want, out)
		}
	}
	js, _, _ := cli(t, "", "run", "--explain", "--json", "-u", srv.URL(), "-e", src)
	if !strings.Contains(js, `"sent_sha":"`) {
		t.Errorf("--json lacks sent_sha: %s", js)
	}
	plain, _, _ := cli(t, "", "run", "-u", srv.URL(), "-e", src)
	if strings.Contains(plain, "wrapper") {
		t.Errorf("a plain run mentions the wrapper:\n%s", plain)
	}
}
