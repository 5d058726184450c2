package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx/lint"
)

// protectedRun opens the app on a read-only production connection
// (protected: blocking findings stop a run; read-only so that no "may
// write" question comes first) with src in the editor, no lint done yet.
func protectedRun(t *testing.T, src string, protected bool) Model {
	m, _ := guardModel(t, func(o *Options) {
		o.Source, o.Production, o.ReadOnly, o.Label = src, protected, protected, "prod"
	})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return mm.(Model)
}

// ctrl+r never lints on the UI goroutine: unprotected runs need no lint
// at all (nothing blocks there), even with a crashing error({}).
func TestRunUnprotectedDoesNotLint(t *testing.T) {
	m := protectedRun(t, "if ARGV[1] then error({code=1}) end return 1", false)
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if !m.running || cmd == nil || m.guardRev != 0 {
		t.Fatalf("unprotected ctrl+r: running %v, guardRev %d, status %q", m.running, m.guardRev, m.status)
	}
}

// On a protected connection a text that cannot hold a blocking finding
// (no word "error") runs at once, without waiting for any lint.
func TestRunProtectedWithoutErrorWordRunsAtOnce(t *testing.T) {
	m := protectedRun(t, "return redis.error_reply('no') -- errors: none", true)
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if !m.running || cmd == nil || m.guardRev != 0 {
		t.Fatalf("ctrl+r: running %v, guardRev %d, status %q", m.running, m.guardRev, m.status)
	}
}

// A protected run of a text that may block, with no lint of it done,
// says it is checking, lints in the background and then refuses (or
// runs) — the guard is never skipped.
func TestRunProtectedWaitsForTheGuardLint(t *testing.T) {
	m := protectedRun(t, "x = 1\nif KEYS[1] then error({code=1}) end\nreturn 1", true)
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if m.running || cmd == nil || !strings.Contains(m.status, "checking the script") {
		t.Fatalf("ctrl+r: running %v, status %q", m.running, m.status)
	}
	// A second ctrl+r while checking starts nothing more.
	if m2, cmd2 := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR}); cmd2 != nil || m2.running {
		t.Fatalf("second ctrl+r while checking: cmd %v, running %v", cmd2 != nil, m2.running)
	}
	msg := cmd()
	if d, ok := msg.(lintDoneMsg); !ok || !d.run {
		t.Fatalf("the guard's command gave %T %+v", msg, msg)
	}
	mm, _ := m.Update(msg)
	m = mm.(Model)
	if m.running || !strings.Contains(m.status, "not sent: line 2") || m.editor.CursorLine() != 2 {
		t.Fatalf("after the guard: running %v, status %q, line %d", m.running, m.status, m.editor.CursorLine())
	}
	if m.lintRev != m.editor.Revision() || len(m.findings) == 0 {
		t.Fatal("the guard's findings are the editor's findings too")
	}
	// The findings of this text are known now: ctrl+r refuses at once.
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if cmd != nil || !strings.Contains(m.status, "not sent: line 2") {
		t.Fatalf("ctrl+r with the lint done: cmd %v, status %q", cmd != nil, m.status)
	}
}

// A clean text is run when the guard's verdict comes; a text edited
// while it was checked is not sent (the verdict is about the old one).
func TestRunProtectedGuardThenRunOrChanged(t *testing.T) {
	m := protectedRun(t, "if not KEYS[1] then error('need a key') end\nreturn 1", true)
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if cmd == nil || m.running {
		t.Fatalf("ctrl+r: running %v, status %q", m.running, m.status)
	}
	mm, run := m.Update(cmd())
	if !mm.(Model).running || run == nil {
		t.Fatalf("a clean verdict did not start the run: status %q", mm.(Model).status)
	}

	m = protectedRun(t, "if not KEYS[1] then error('need a key') end\nreturn 1", true)
	m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" ")})
	mm, run = m.Update(cmd())
	if mm.(Model).running || run != nil || !strings.Contains(mm.(Model).status, "changed while it was checked") {
		t.Fatalf("edited while checking: running %v, status %q", mm.(Model).running, mm.(Model).status)
	}
}

// Over the lint budget the editor's lint says so (status bar, title, one
// info finding); a protected run still lints the whole text before
// sending it.
func TestLintBudgetInTheEditor(t *testing.T) {
	big := "if KEYS[1] then error({code=1}) end\n" + strings.Repeat("-- padding padding padding padding\n", lint.DefaultBudget/35+1) + "return 1"
	m := protectedRun(t, big, true)
	mm, _ := m.Update(m.lintNow()())
	m = mm.(Model)
	if !lint.Skipped(m.findings) || !strings.Contains(m.status, "not linted: the script is") {
		t.Fatalf("over the budget: findings %+v, status %q", m.findings, m.status)
	}
	if title := m.paneTitle(paneEditor); !strings.Contains(title, "not linted: over 1 MB") {
		t.Fatalf("title %q", title)
	}
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if cmd == nil || m.running {
		t.Fatalf("ctrl+r over the budget: running %v, status %q", m.running, m.status)
	}
	mm, _ = m.Update(cmd())
	if m = mm.(Model); m.running || !strings.Contains(m.status, "not sent: line 1") {
		t.Fatalf("after the whole lint: running %v, status %q", m.running, m.status)
	}
}

// The verdict on an older text, after ctrl+r on a newer one, says
// nothing: the newer check is what the run waits for.
func TestRunProtectedOlderVerdictIgnored(t *testing.T) {
	m := protectedRun(t, "if not KEYS[1] then error('need a key') end\nreturn 1", true)
	m, first := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" ")})
	m, second := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if first == nil || second == nil {
		t.Fatal("ctrl+r did not check")
	}
	mm, run := m.Update(first())
	if m = mm.(Model); run != nil || m.running || strings.Contains(m.status, "changed while") {
		t.Fatalf("older verdict: running %v, status %q", m.running, m.status)
	}
	mm, run = m.Update(second())
	if !mm.(Model).running || run == nil {
		t.Fatalf("newer verdict did not run: status %q", mm.(Model).status)
	}
}
