package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// alt+t runs the script's test files on a sandbox with the editor's text,
// saved or not, and lists the cases, the failing one's diff below.
func TestTestsViewRunsTheEditorsText(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "add.lua")
	if err := os.WriteFile(script, []byte("return tonumber(ARGV[1]) + 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := "script = \"add.lua\"\n[[case]]\nname = \"adds one\"\nargs = [\"1\"]\nexpect = \"(integer) 2\"\n" +
		"[[case]]\nname = \"adds one to ten\"\nargs = [\"10\"]\nexpect = \"(integer) 11\"\n"
	if err := os.WriteFile(filepath.Join(dir, "add.test.toml"), []byte(tests), 0o644); err != nil {
		t.Fatal(err)
	}
	// The editor holds an unsaved edit: it adds two.
	m := compareModel(t, "return tonumber(ARGV[1]) + 2\n", nil, func(o *Options) { o.Filename = script })
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	m = drain(t, mm.(Model), cmd)
	v, ok := topOf[*testsView](m.overlays)
	if !ok || v.running || len(v.results) != 2 {
		t.Fatalf("tests view %+v", v)
	}
	frame := ansi.Strip(m.View())
	for _, want := range []string{"Tests · ", "0 passed, 2 failed", "add.test.toml · 0 passed, 2 failed", "    FAIL  adds one", "at reply: expected (integer) 2, got (integer) 3"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the frame lacks %q:\n%s", want, frame)
		}
	}
	// enter: the case whole; esc twice: back to the editor.
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEnter})
	if d, ok := topOf[*detailView](m.overlays); !ok || !strings.Contains(d.doc.Text(), "expected:") {
		t.Errorf("enter: %+v", d)
	}
	m = pressApp(m, tea.KeyMsg{Type: tea.KeyEsc}, tea.KeyMsg{Type: tea.KeyEsc})
	if _, ok := topOf[*testsView](m.overlays); ok {
		t.Error("esc left the Tests view open")
	}

	// No file: it says how to get one.
	m = compareModel(t, "return 1", nil, nil)
	mm, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	m = drain(t, mm.(Model), cmd)
	if frame := ansi.Strip(m.View()); !strings.Contains(frame, "luascope test --init") {
		t.Errorf("no file:\n%s", frame)
	}
}

// Several test files: the cases are grouped under a header line per file,
// indented, at every size the view takes; a case at the top of the list
// has its file's header drawn above it.
func TestTestsViewGroupsCasesByFile(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "add.lua")
	if err := os.MkdirAll(filepath.Join(dir, "tests"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte("return tonumber(ARGV[1]) + 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var one, two strings.Builder
	one.WriteString("script = \"add.lua\"\n")
	for i := range 6 {
		fmt.Fprintf(&one, "[[case]]\nname = \"one %d\"\nargs = [\"%d\"]\nexpect = \"(integer) %d\"\n", i, i, i+1)
	}
	two.WriteString("script = \"../add.lua\"\n")
	for i := range 6 {
		fmt.Fprintf(&two, "[[case]]\nname = \"two %d\"\nargs = [\"%d\"]\nexpect = \"(integer) %d\"\n", i, i, i+2)
	}
	for name, body := range map[string]string{"add.test.toml": one.String(), "tests/more.test.toml": two.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := compareModel(t, "return tonumber(ARGV[1]) + 1\n", nil, func(o *Options) { o.Filename = script })
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	m = drain(t, mm.(Model), cmd)
	v, ok := topOf[*testsView](m.overlays)
	if !ok || len(v.results) != 12 || len(v.files) != 2 {
		t.Fatalf("tests view %+v", v)
	}
	// 120×30: both headers, each above its own cases, which are indented;
	// the cursor starts on the first failure, two 0.
	frame := ansi.Strip(m.View())
	h1, h2 := strings.Index(frame, "add.test.toml · 6 passed, 0 failed"), strings.Index(frame, "more.test.toml · 0 passed, 6 failed")
	c1, c2 := strings.Index(frame, "    ok    one 0"), strings.Index(frame, "▶   FAIL  two 0")
	if h1 < 0 || h2 < 0 || c1 < 0 || c2 < 0 || !(h1 < c1 && c1 < h2 && h2 < c2) {
		t.Errorf("not grouped (%d %d %d %d):\n%s", h1, c1, h2, c2, frame)
	}
	if strings.Contains(frame, "add.test.toml: one") {
		t.Errorf("a case line repeats its file:\n%s", frame)
	}
	for _, sz := range [][2]int{{40, 12}, {60, 16}, {80, 24}, {200, 60}} {
		m = update(m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for i := range 13 {
			frame := ansi.Strip(m.View())
			lines := strings.Split(frame, "\n")
			if len(lines) != sz[1] {
				t.Fatalf("%dx%d: %d lines", sz[0], sz[1], len(lines))
			}
			cur := -1
			for j, l := range lines {
				if ansi.StringWidth(l) > sz[0] {
					t.Fatalf("%dx%d: line %d is %d wide", sz[0], sz[1], j, ansi.StringWidth(l))
				}
				if strings.HasPrefix(l, "▶") && cur < 0 {
					cur = j
				}
			}
			if cur < 0 {
				t.Fatalf("%dx%d, case %d: no cursor:\n%s", sz[0], sz[1], v.cursor, frame)
			}
			// The nearest header above the cursor is the case's file.
			want := v.results[v.cursor].File
			got := ""
			for j := cur - 1; j >= 0 && got == ""; j-- {
				if strings.Contains(lines[j], ".test.toml · ") {
					got = strings.Fields(lines[j])[0]
				}
			}
			if got = strings.TrimPrefix(got, "…"); got == "" || !strings.HasSuffix(want, got) {
				t.Fatalf("%dx%d, case %d (%s): the header above is %q:\n%s", sz[0], sz[1], v.cursor, want, got, frame)
			}
			m = pressApp(m, tea.KeyMsg{Type: map[bool]tea.KeyType{true: tea.KeyUp, false: tea.KeyDown}[sz[0] == 60]})
			_ = i
		}
	}
}

// enter shows a case whole in the detail box over the Tests view: at
// every size the view takes, the row between the box and the help line is
// the status bar, never a left-over line of the view under it (at 40×12
// it was the failure's "      steps:").
func TestTestsViewCaseOverlayEverySize(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "add.lua")
	if err := os.WriteFile(script, []byte("return tonumber(ARGV[1]) + 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "add.test.toml"), []byte("script = \"add.lua\"\n[[case]]\nname = \"adds one\"\nargs = [\"1\"]\nexpect = \"(integer) 3\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := compareModel(t, "return tonumber(ARGV[1]) + 1\n", nil, func(o *Options) { o.Filename = script })
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	m = pressApp(drain(t, mm.(Model), cmd), tea.KeyMsg{Type: tea.KeyEnter})
	if _, ok := topOf[*detailView](m.overlays); !ok {
		t.Fatal("enter did not open the case")
	}
	failures := 0
	for _, sz := range sweepGrid() {
		w, h := sz[0], sz[1]
		if w < minWidth || h < minHeight {
			continue
		}
		m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
		lines := strings.Split(ansi.Strip(m.View()), "\n")
		l := layout(w, h, m.layoutState())
		bar := ansi.Strip(m.statusBar())
		if l.status.Y < 1 || l.status.Y >= len(lines) || lines[l.status.Y] != bar || !strings.HasPrefix(lines[l.status.Y-1], "╰") || strings.Contains(strings.Join(lines[l.status.Y:], "\n"), "steps:") {
			t.Errorf("%d×%d: under the box, not the status bar %q:\n%s", w, h, bar, strings.Join(lines, "\n"))
			if failures++; failures == 3 {
				return
			}
		}
	}
}

// The test files are looked for beside the script and in a tests/ or
// test/ directory there, and the note of a script with none names the
// same places (docs/testing.md too).
func TestTestsViewLooksInTestsAndTest(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "add.lua")
	if err := os.WriteFile(script, []byte("return 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := compareModel(t, "return 1\n", nil, func(o *Options) { o.Filename = script })
	mm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t"), Alt: true})
	m = drain(t, mm.(Model), cmd)
	v, _ := topOf[*testsView](m.overlays)
	if v == nil || len(v.notes) != 1 || !strings.Contains(v.notes[0], "in its directory (or a tests/ or test/ directory beside it)") {
		t.Fatalf("no test file: %+v", v)
	}
	doc, err := os.ReadFile("../docs/testing.md")
	if err != nil || !strings.Contains(string(doc), "(or a `tests/` or\n  `test/` directory beside it)") && !strings.Contains(string(doc), "(or a `tests/` or `test/` directory beside it)") {
		t.Errorf("docs/testing.md does not name tests/ and test/ (%v)", err)
	}
	for _, sub := range []string{"tests", "test"} {
		d := filepath.Join(dir, sub)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		body := "script = \"../add.lua\"\n[[case]]\nname = \"in " + sub + "\"\nexpect = \"(integer) 1\"\n"
		if err := os.WriteFile(filepath.Join(d, sub+".test.toml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := scriptTests(script); len(got) != 2 || !strings.HasSuffix(got[0], filepath.Join("tests", "tests.test.toml")) || !strings.HasSuffix(got[1], filepath.Join("test", "test.test.toml")) {
		t.Errorf("found %q", got)
	}
}

// docs/tui.md describes the Tests view as it draws: cases grouped by
// file, under a line per file with its summary.
func TestTestsViewDocs(t *testing.T) {
	b, err := os.ReadFile("../docs/tui.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(b)), " ")
	for _, want := range []string{"The cases are grouped by file: a line per file with its summary", "`tests/` or `test/` directory beside it"} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/tui.md lacks %q", want)
		}
	}
	if strings.Contains(doc, "lists each case and shows") {
		t.Error("docs/tui.md still says the Tests view lists each case")
	}
}
