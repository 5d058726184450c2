package main

import (
	"os"
	"strings"
	"testing"
)

// TestConfigIsCapped: --config naming something endless fails at once
// with one line that names the file and the limit.
func TestConfigIsCapped(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, errOut, code := cli(t, "", "run", "--config", "/dev/zero", "-e", "return 1")
	if code != exitUsage || !strings.Contains(errOut, "/dev/zero: larger than 1 MiB") || strings.Count(errOut, "\n") > 2 {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
