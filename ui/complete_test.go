package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
)

// completeDir makes a directory to complete in: two names sharing a
// prefix, a directory, a symlink to it, a hidden file and a name with an
// escape byte.
func completeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"alpha.lua", "alpine.lua", ".hidden.lua", "odd\x1b[31mred.lua", "ünïcode.lua"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "beta"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "beta", "inner.lua"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("beta", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func complete(value, home string) pathListedMsg {
	return completePath(value, func() (string, error) { return home, nil }, os.ReadDir, os.Stat)
}

func TestCompletePath(t *testing.T) {
	dir := completeDir(t)
	d := dir + "/"
	cases := []struct {
		value, next string
		names       []string
	}{
		{d + "al", d + "alp", []string{"alpha.lua", "alpine.lua"}},
		{d + "alph", d + "alpha.lua", []string{"alpha.lua"}},
		{d + "b", d + "beta/", []string{"beta/"}},
		{d + "beta", d + "beta/", []string{"beta/"}},
		{d + "beta/", d + "beta/inner.lua", []string{"inner.lua"}},
		{d + "li", d + "link/", []string{"link/"}}, // a symlink to a directory
		{d + "ü", d + "ünïcode.lua", []string{"ünïcode.lua"}},
		// Hidden names only for a typed ".".
		{d, d, []string{"alpha.lua", "alpine.lua", "beta/", "link/", `odd\x1b[31mred.lua`, "ünïcode.lua"}},
		{d + ".", d + ".hidden.lua", []string{".hidden.lua"}},
		// An escape byte is listed escaped and never typed into the input.
		{d + "o", d + "odd", []string{`odd\x1b[31mred.lua`}},
		{d + "zz", d + "zz", nil},
	}
	for _, c := range cases {
		got := complete(c.value, "/nonexistent")
		if got.err != nil || got.next != c.next || !reflect.DeepEqual(got.names, c.names) || got.total != len(c.names) {
			t.Errorf("%q: next %q names %q total %d err %v; want %q %q", strings.TrimPrefix(c.value, dir), strings.TrimPrefix(got.next, dir), got.names, got.total, got.err, strings.TrimPrefix(c.next, dir), c.names)
		}
	}

	// ~ is the home directory, and stays ~ in what is typed.
	if got := complete("~", dir); got.next != "~/" {
		t.Errorf("~: %q", got.next)
	}
	if got := complete("~/alph", dir); got.next != "~/alpha.lua" {
		t.Errorf("~/alph: %q", got.next)
	}
	// A relative path is relative to the working directory.
	t.Chdir(dir)
	if got := complete("beta/in", "/nonexistent"); got.next != "beta/inner.lua" {
		t.Errorf("beta/in: %q", got.next)
	}
	if got := complete("al", "/nonexistent"); got.next != "alp" {
		t.Errorf("al: %q", got.next)
	}
	// A directory that is not there says so, naming it as typed.
	got := complete("nosuch/x", "/nonexistent")
	if !errors.Is(got.err, fs.ErrNotExist) || !strings.HasPrefix(got.err.Error(), "nosuch/: ") {
		t.Errorf("nosuch/x: %v", got.err)
	}
}

func TestCommonPrefixWholeRunes(t *testing.T) {
	// "é" and "è" share their first byte: the prefix must not cut it.
	if got := commonPrefix("caé", "caè"); got != "ca" {
		t.Errorf("%q", got)
	}
}

// tabIn presses tab in the top prompt and delivers the listing, as the
// program would.
func tabIn(t *testing.T, m Model) Model {
	t.Helper()
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyTab})
	if cmd == nil {
		t.Fatal("tab started nothing")
	}
	return update(mm.(Model), cmd())
}

func pathPromptModel(t *testing.T, value string) Model {
	t.Helper()
	m := sized(offlineModel(t, demoSrc, nil, nil), 80, 24)
	mm, _ := openAskedMsg{}.apply(m)
	m = mm.(Model)
	m.prompt().input.SetValue(value)
	return m
}

func TestPromptTabCompletes(t *testing.T) {
	t.Chdir(completeDir(t))
	m := pathPromptModel(t, "al")
	m = tabIn(t, m)
	p := m.prompt()
	if p.input.Value() != "alp" {
		t.Fatalf("tab on al: %q", p.input.Value())
	}
	// Nothing more to add: a note, then the list on the second tab.
	m = tabIn(t, m)
	if p.comp.note != "2 matches: tab again lists them" || p.comp.list != nil {
		t.Errorf("first stuck tab: note %q list %q", p.comp.note, p.comp.list)
	}
	m = tabIn(t, m)
	if !reflect.DeepEqual(p.comp.list, []string{"alpha.lua", "alpine.lua"}) {
		t.Errorf("second tab: list %q", p.comp.list)
	}
	if !regexp.MustCompile(`alpha\.lua +alpine\.lua`).MatchString(ansi.Strip(m.View())) {
		t.Errorf("the list is not drawn:\n%s", ansi.Strip(m.View()))
	}
	// Typing drops the list; tab goes on from the new value.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("i")})
	if p.comp.list != nil || p.comp.note != "" {
		t.Errorf("after typing: list %q note %q", p.comp.list, p.comp.note)
	}
	m = tabIn(t, m)
	if p.input.Value() != "alpine.lua" {
		t.Errorf("tab on alpi: %q", p.input.Value())
	}
	// enter opens what was completed.
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if msg, ok := cmd().(fileLoadedMsg); !ok || msg.path != "alpine.lua" || msg.err != nil {
		t.Errorf("enter after completing: %#v", cmd())
	}
}

// A listing that comes back after the value changed, or for a prompt
// closed meanwhile, is dropped.
func TestPromptStaleListingDropped(t *testing.T) {
	t.Chdir(completeDir(t))
	m := pathPromptModel(t, "al")
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyTab})
	m = pressApp(mm.(Model), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	m = update(m, cmd())
	if v := m.prompt().input.Value(); v != "alx" {
		t.Errorf("a stale listing changed the value to %q", v)
	}
	mm, cmd = m.Update(tea.KeyMsg{Type: tea.KeyTab})
	m = pressApp(mm.(Model), tea.KeyMsg{Type: tea.KeyEsc})
	m = update(m, cmd()) // must not panic or reopen anything
	if m.prompt() != nil {
		t.Error("a listing reopened the prompt")
	}
	// Two tabs in a row: only the newest answer counts.
	m = pathPromptModel(t, "al")
	mm, first := m.Update(tea.KeyMsg{Type: tea.KeyTab})
	mm, second := mm.Update(tea.KeyMsg{Type: tea.KeyTab})
	m = update(mm.(Model), first())
	if m.prompt().input.Value() != "al" {
		t.Errorf("the older of two tabs applied: %q", m.prompt().input.Value())
	}
	m = update(m, second())
	if m.prompt().input.Value() != "alp" {
		t.Errorf("the newer tab: %q", m.prompt().input.Value())
	}
}

// Prompts that are not for paths (the debugger's) keep tab for the input.
func TestPromptTabOnlyInPathPrompts(t *testing.T) {
	m := sized(offlineModel(t, demoSrc, nil, nil), 80, 24)
	p := newPrompt("Eval", "x", func(string) tea.Cmd { return nil })
	m.overlays.push(p)
	m, _ = p.update(m, tea.KeyMsg{Type: tea.KeyTab})
	if p.comp.seq != 0 {
		t.Error("tab completed in a prompt that is not for paths")
	}
}

// The prompt with a long listing at 80×24: names in columns, +N more,
// and the hint.
func TestGoldenPathPrompt(t *testing.T) {
	dir := t.TempDir()
	for i := range 40 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("script-%02d.lua", i)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"lib", "examples"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// The directory is read as if it were the working directory, which
	// stays the package's, where the golden files are.
	readDir := func(string) ([]fs.DirEntry, error) { return os.ReadDir(dir) }
	for _, sz := range [][2]int{{80, 24}, {40, 12}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := pathPromptModel(t, "")
			m = sized(m, sz[0], sz[1])
			p := m.prompt()
			p.comp.seq++
			msg := completePath("", os.UserHomeDir, readDir, os.Stat)
			msg.p, msg.seq, msg.value, msg.list = p, p.comp.seq, "", true
			m = update(m, msg)
			if m.prompt().comp.total != 42 {
				t.Fatalf("listed %d", m.prompt().comp.total)
			}
			frame := m.View()
			for i, line := range strings.Split(frame, "\n") {
				if w := ansi.StringWidth(line); w > sz[0] || i >= sz[1] {
					t.Fatalf("line %d is %d wide (of %d lines)\n%s", i, w, strings.Count(frame, "\n")+1, frame)
				}
			}
			teatest.RequireEqualOutput(t, []byte(frame))
		})
	}
}

// The prompt with a listing fits every terminal size, as the size sweep
// checks the other overlays.
func TestPathPromptSweep(t *testing.T) {
	dir := t.TempDir()
	for i := range 300 {
		name := fmt.Sprintf("a-rather-long-script-name-to-list-%03d.lua", i)
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const typed = "a-rather-long-script-name-to-list-"
	m := pathPromptModel(t, typed)
	p := m.prompt()
	p.comp.seq++
	msg := completePath(typed, os.UserHomeDir, func(string) ([]fs.DirEntry, error) { return os.ReadDir(dir) }, os.Stat)
	msg.p, msg.seq, msg.value, msg.list = p, p.comp.seq, typed, true
	m = update(m, msg)
	if p.comp.total != 300 || len(p.comp.list) != maxListed {
		t.Fatalf("listed %d, kept %d", p.comp.total, len(p.comp.list))
	}
	sweepSizes(t, m, sweepGrid())
}
