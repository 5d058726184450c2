//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestConfigNamedOnPurpose: a --config that does not exist is an error
// (not silently "no config"), and a FIFO nobody writes to does not hang.
func TestConfigNamedOnPurpose(t *testing.T) {
	srv := startSandbox(t)
	missing := filepath.Join(t.TempDir(), "nope.toml")
	_, errOut, code := cli(t, "", "run", "--config", missing, "-u", srv.URL(), "-e", "return 1")
	if code != exitUsage || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing: exit %d, stderr %q", code, errOut)
	}
	fifo := filepath.Join(t.TempDir(), "cfg.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	out, errOut, code := cli(t, "", "run", "--config", fifo, "-u", srv.URL(), "-q", "-e", "return 1")
	if code != 0 || !strings.Contains(out, "(integer) 1") {
		t.Errorf("fifo: exit %d\n%s%s", code, out, errOut)
	}
}
