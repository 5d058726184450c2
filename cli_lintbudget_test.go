package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"luascope/redisx/lint"
)

// Over the lint budget `run` does not lint (seconds for 10 MB) and says
// so on stderr; on a read-only connection, where the lint is the guard
// against error({}) crashing Redis 7.0, the whole script is linted and
// refused as before.
func TestRunLintBudget(t *testing.T) {
	srv := startSandbox(t)
	big := "if ARGV[1] == 'boom' then error({code=1}) end\n" + strings.Repeat("-- padding padding padding padding\n", lint.DefaultBudget/35+1) + "return 1\n"
	path := filepath.Join(t.TempDir(), "big.lua")
	if err := os.WriteFile(path, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, "", "run", "--no-history", "-u", srv.URL(), path)
	if code != 0 || !strings.Contains(out, "(integer) 1") || !strings.Contains(errOut, "note: not linted: the script is 1.0 MB, over the 1 MB lint budget") {
		t.Errorf("over the budget: exit %d\n%s\n%s", code, out, errOut)
	}
	_, errOut, code = cli(t, "", "run", "--no-history", "--ro", "-u", srv.URL(), path)
	if code != exitErrorReply || !strings.Contains(errOut, "not sent: line 1") || strings.Contains(errOut, "not linted") {
		t.Errorf("read-only over the budget: exit %d %s", code, errOut)
	}
	// Without the word "error" nothing could be found: no lint, no note.
	clean := strings.ReplaceAll(big, "error({code=1})", "return redis.error_reply('boom')")
	if err := os.WriteFile(path, []byte(clean), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = cli(t, "", "run", "--no-history", "-u", srv.URL(), path)
	if code != 0 || !strings.Contains(out, "(integer) 1") || strings.Contains(errOut, "lint") {
		t.Errorf("no word error: exit %d\n%s\n%s", code, out, errOut)
	}
}
