package main

import (
	"slices"
	"strings"
	"testing"
)

// "--sandbox cluster" is --sandbox=cluster, wherever it stands before "--".
func TestSandboxKindJoined(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"--sandbox", "cluster", "a.lua"}, []string{"--sandbox=cluster", "a.lua"}},
		{[]string{"run", "--sandbox", "standalone", "-e", "return 1"}, []string{"run", "--sandbox=standalone", "-e", "return 1"}},
		{[]string{"--sandbox", "a.lua"}, []string{"--sandbox", "a.lua"}},
		{[]string{"--sandbox=cluster", "x"}, []string{"--sandbox=cluster", "x"}},
		{[]string{"run", "-e", "return 1", "--", "--sandbox", "cluster"}, []string{"run", "-e", "return 1", "--", "--sandbox", "cluster"}},
		{[]string{"--sandbox"}, []string{"--sandbox"}},
	} {
		if got := sandboxKindJoined(append([]string(nil), c.in...)); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
	// The password after it is still found for the process title.
	fs := runFlags(t)
	for _, kind := range []string{"cluster", "standalone"} {
		got := titleSecrets([]string{"run", "--sandbox", kind, "-a", "PW", "-e", "return 1"}, fs)
		if len(got) != 1 || got[0].s != "PW" {
			t.Errorf("--sandbox %s -a PW: secrets %+v", kind, got)
		}
	}
	// And the command line works: a run on a standalone sandbox.
	if out, errOut, code := cli(t, "", "run", "--sandbox", "standalone", "-e", "return 7"); code != exitOK || !strings.Contains(out, "7") {
		t.Errorf("run --sandbox standalone: exit %d\n%s%s", code, out, errOut)
	}
}
