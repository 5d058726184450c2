package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/pflag"

	"luascope/config"
)

// The mouse is off unless --mouse or the config's mouse = true asks for
// it, and --no-mouse wins over the config.
func TestMouseFlagAndConfig(t *testing.T) {
	cases := []struct {
		args []string
		cfg  bool
		want bool
	}{
		{nil, false, false},
		{[]string{"--mouse"}, false, true},
		{nil, true, true},
		{[]string{"--no-mouse"}, true, false},
		{[]string{"--mouse"}, true, true},
	}
	for _, c := range cases {
		fs := pflag.NewFlagSet("luascope", pflag.ContinueOnError)
		o := &tuiOpts{}
		o.register(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		if got := o.mouseOn(config.Config{Mouse: c.cfg}); got != c.want {
			t.Errorf("%v with mouse = %v in the config: %v, want %v", c.args, c.cfg, got, c.want)
		}
	}
}

func TestMouseConfigKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte("mouse = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(p)
	if err != nil || !c.Mouse {
		t.Fatalf("mouse = true: %+v, %v", c, err)
	}
	if err := os.WriteFile(p, []byte("mouse = \"yes\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(p); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Errorf("mouse = \"yes\": %v, want an error at line 1", err)
	}
}

func TestMouseFlagsConflict(t *testing.T) {
	_, errOut, code := cli(t, "", "--mouse", "--no-mouse")
	if code != exitUsage || !strings.Contains(errOut, "--mouse and --no-mouse") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// quitAtOnce is a program that ends as soon as it starts.
type quitAtOnce struct{}

func (quitAtOnce) Init() tea.Cmd                       { return tea.Quit }
func (quitAtOnce) Update(tea.Msg) (tea.Model, tea.Cmd) { return quitAtOnce{}, nil }
func (quitAtOnce) View() string                        { return "" }

// The program asks the terminal for mouse reports (cell motion, SGR)
// only when the mouse is on; off, the terminal keeps its selection.
func TestMouseProgramOption(t *testing.T) {
	const cellMotion = "\x1b[?1002h"
	for _, on := range []bool{false, true} {
		var out bytes.Buffer
		p := tea.NewProgram(quitAtOnce{}, programOptions(strings.NewReader(""), &out, on, func(_ tea.Model, m tea.Msg) tea.Msg { return m })...)
		if _, err := p.Run(); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), cellMotion); got != on {
			t.Errorf("mouse %v: cell motion requested: %v (output %q)", on, got, out.String())
		}
	}
}
