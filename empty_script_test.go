package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmptyScriptRuns: Redis runs an empty script (the reply is nil), so
// luascope sends an empty -e and an empty FILE as it sends any other script;
// only no script at all is a usage error.
func TestEmptyScriptRuns(t *testing.T) {
	srv := startSandbox(t)
	empty := filepath.Join(t.TempDir(), "empty.lua")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-e", ""},
		{empty},
		{"-"}, // an empty stdin
	} {
		all := append([]string{"run", "-q", "--no-history", "-u", srv.URL()}, args...)
		out, errOut, code := cli(t, "", all...)
		if code != exitOK || out != "(nil)\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want (nil)", args, code, out, errOut)
		}
	}
	_, errOut, code := cli(t, "", "run", "-u", srv.URL())
	if code != exitUsage || !strings.Contains(errOut, "no script") {
		t.Errorf("no script: exit %d %q", code, errOut)
	}
	_, errOut, code = cli(t, "", "run", "-u", srv.URL(), "--function", "f", "-e", "")
	if code != exitUsage || !strings.Contains(errOut, "do not go together") {
		t.Errorf("--function with -e '': exit %d %q", code, errOut)
	}
}
