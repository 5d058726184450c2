package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/adrg/xdg"
	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx/sandbox"
	"luascope/ui"
)

// stateHome points XDG_STATE_HOME at a directory of the test's own.
func stateHome(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	t.Setenv("XDG_STATE_HOME", dir)
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	return dir
}

func TestSaveRescue(t *testing.T) {
	dir := stateHome(t)
	now := time.Date(2026, 12, 2, 5, 24, 33, 0, time.UTC)
	p, err := saveRescue("return 'secret'\n", "/some/where/rate limit.lua", now)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "luascope", "recovered") + string(filepath.Separator); !strings.HasPrefix(p, want) {
		t.Errorf("saved in %s, want under %s", p, want)
	}
	if base := filepath.Base(p); !strings.HasPrefix(base, "rate_limit-20261202-052433-") || !strings.HasSuffix(base, ".lua") {
		t.Errorf("file name %q", base)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600: a script may hold secrets", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(p); string(b) != "return 'secret'\n" {
		t.Errorf("content %q", b)
	}
	// The same second again: a new file, never the old one replaced.
	p2, err := saveRescue("return 2", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if p2 == p || !strings.HasPrefix(filepath.Base(p2), "script-") {
		t.Errorf("second save: %s", p2)
	}
	if b, _ := os.ReadFile(p); string(b) != "return 'secret'\n" {
		t.Errorf("first file replaced: %q", b)
	}
	// A collision with an existing file is refused, not followed.
	if err := writeNew(p, "x"); err == nil {
		t.Error("writeNew replaced a file")
	}
}

// TestSaveRescueFallsBack: when the state directory cannot be made, the
// script goes to the temporary directory, still 0600.
func TestSaveRescueFallsBack(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_STATE_HOME", blocker)
	t.Setenv("HOME", blocker) // xdg also tries ~/.local/state
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	p, err := saveRescue("return 3", "x.lua", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p) != tmp {
		t.Errorf("fallback %s, want in %s", p, tmp)
	}
	if st, _ := os.Stat(p); st == nil || st.Mode().Perm() != 0o600 {
		t.Errorf("fallback file mode: %v", st)
	}
}

func TestInterruptedLineIsTruthful(t *testing.T) {
	if l := interruptedLine(syscall.SIGINT, false, false); strings.Contains(l, "goes on") {
		t.Errorf("nothing ran, yet: %q", l)
	}
	if l := interruptedLine(syscall.SIGTERM, true, false); !strings.Contains(l, "SIGTERM") || !strings.Contains(l, "goes on on the server") {
		t.Errorf("a run in flight: %q", l)
	}
	if l := interruptedLine(syscall.SIGINT, true, true); !strings.Contains(l, "calls already written go on") || strings.Contains(l, "SCRIPT KILL") {
		t.Errorf("a batch's pipelines in flight: %q", l)
	}
	if signalExitCode(syscall.SIGTERM) != 143 || signalExitCode(syscall.SIGHUP) != 129 || signalExitCode(syscall.SIGINT) != 130 {
		t.Error("exit status is not 128+signal")
	}
	done := sending(&connection{})
	if inFlight.Load() != 1 {
		t.Error("a call on a real server is not in flight")
	}
	done()
	done = sending(&connection{sandbox: new(sandbox.Server)})
	if inFlight.Load() != 0 {
		t.Error("a sandbox's script counts as going on, but it stops with the sandbox")
	}
	done()
}

// rescueWith is a Rescue holding an unsaved script, as the UI leaves it.
func rescueWith(t *testing.T, src string) *ui.Rescue {
	t.Helper()
	r := &ui.Rescue{}
	m := ui.New(ui.Options{Source: "", Filename: "edit.lua", Rescue: r})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, _ = mm.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(src)})
	if _, _, ok := r.Unsaved(); !ok {
		t.Fatal("typing left nothing unsaved")
	}
	return r
}

func TestEndTUI(t *testing.T) {
	dir := stateHome(t)
	// A normal quit says nothing and saves nothing.
	var out bytes.Buffer
	sigs := &tuiSignals{kill: func() {}, rescue: rescueWith(t, "return 1")}
	if err := sigs.end(&out, nil); err != nil || out.Len() != 0 {
		t.Fatalf("normal quit: %v %q", err, out.String())
	}
	// A signal: 128+signal, the script saved, no word of a script going on.
	sigs = &tuiSignals{kill: func() {}, rescue: rescueWith(t, "return 'after sigterm'")}
	sigs.take(syscall.SIGTERM)
	out.Reset()
	err := sigs.end(&out, tea.ErrProgramKilled)
	var ex *exitError
	if !errors.As(err, &ex) || ex.code != 143 {
		t.Fatalf("after SIGTERM: %v", err)
	}
	for _, want := range []string{"terminated (SIGTERM)", "your unsaved edits to edit.lua", dir, "open them again with: luascope"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("after SIGTERM, stderr lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "goes on") {
		t.Errorf("no run was in flight:\n%s", out.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "luascope", "recovered", "edit-*.lua"))
	if len(files) != 1 {
		t.Fatalf("recovery files: %v", files)
	}
	if b, _ := os.ReadFile(files[0]); string(b) != "return 'after sigterm'" {
		t.Errorf("recovered %q", b)
	}
	// Saved once, whichever of the UI and the signal handler comes first.
	sigs.abandon(&out)
	if files, _ := filepath.Glob(filepath.Join(dir, "luascope", "recovered", "edit-*.lua")); len(files) != 1 {
		t.Errorf("saved twice: %v", files)
	}
	// Bubble Tea caught a panic (in View): internal error, status 2.
	sigs = &tuiSignals{kill: func() {}, rescue: rescueWith(t, "return 'after panic'")}
	out.Reset()
	err = sigs.end(&out, errors.Join(tea.ErrProgramKilled, tea.ErrProgramPanic))
	if !errors.As(err, &ex) || ex.code != exitInternal || ex.msg != "" {
		t.Fatalf("after a panic: %#v", err)
	}
	if !strings.Contains(out.String(), "internal error") || !strings.Contains(out.String(), "your unsaved edits") {
		t.Errorf("after a panic:\n%s", out.String())
	}
}
