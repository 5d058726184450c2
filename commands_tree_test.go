package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// subcommands is the list newRootCmdFor builds from and secretArgs stops
// at: it must name every command, each as cobra does.
func TestSubcommandNames(t *testing.T) {
	var got []string
	for _, c := range newRootCmd().Commands() {
		got = append(got, c.Name())
		if len(c.Aliases) > 0 {
			t.Errorf("%s has aliases %v: the lazy tree builds a command only for its name", c.Name(), c.Aliases)
		}
	}
	if !slices.Equal(got, subcommandNames()) {
		t.Errorf("commands %v, subcommands %v", got, subcommandNames())
	}
}

// A run builds the subcommands its words name, or all of them when it
// lists them (help, completion); whatever it builds, cobra picks the same
// command and words as from the whole tree.
func TestRootCmdForBuildsWhatArgsName(t *testing.T) {
	names := func(c *cobra.Command) []string {
		var out []string
		for _, s := range c.Commands() {
			out = append(out, s.Name())
		}
		return out
	}
	cases := []struct {
		args []string
		want []string // nil: every command
	}{
		{[]string{"s.lua", "k"}, []string{}},
		{[]string{"-p", "6380", "s.lua"}, []string{}},
		{[]string{"run", "-e", "return 1"}, []string{"run"}},
		{[]string{"-a", "run", "s.lua"}, []string{"run"}}, // a password "run": built, not chosen
		{[]string{"batch", "s.lua", "--input", "calls.txt"}, []string{"batch"}},
		{[]string{"--help"}, nil},
		{[]string{"run", "--help=true"}, nil},
		{[]string{"help", "run"}, nil},
		{[]string{"completion", "bash"}, nil},
		{[]string{cobra.ShellCompRequestCmd, "r"}, nil},
		{[]string{cobra.ShellCompNoDescRequestCmd, ""}, nil},
	}
	for _, c := range cases {
		root := newRootCmdFor(c.args)
		got := names(root)
		want := c.want
		if want == nil {
			want = subcommandNames()
		}
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%q: built %v, want %v", c.args, got, want)
		}
		lazy, lazyWords, err1 := root.Find(c.args)
		whole, wholeWords, err2 := newRootCmd().Find(c.args)
		if (err1 == nil) != (err2 == nil) || lazy.CommandPath() != whole.CommandPath() || !slices.Equal(lazyWords, wholeWords) {
			t.Errorf("%q: the lazy tree finds %s %q (%v), the whole one %s %q (%v)", c.args,
				lazy.CommandPath(), lazyWords, err1, whole.CommandPath(), wholeWords, err2)
		}
	}
}

// --help lists every command, whatever else the words name.
func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-p", "6380", "--help"}, {"help"}} {
		out, errOut, code := cli(t, "", args...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errOut)
		}
		for _, n := range subcommandNames() {
			if !strings.Contains(out, "\n  "+n+" ") {
				t.Errorf("%q: %s is not listed:\n%s", args, n, out)
			}
		}
	}
}

// subcommandNames are the names in subcommands, in its order.
func subcommandNames() []string {
	var out []string
	for _, sc := range subcommands() {
		out = append(out, sc.name)
	}
	return out
}
