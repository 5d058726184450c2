package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func roFinding(m Model) bool {
	for _, f := range m.findings {
		if strings.Contains(f.Message, "read-only") {
			return true
		}
	}
	return false
}

// F8 relints: the read-only finding goes with read-only, and a lint made
// with the old options that arrives late is dropped.
func TestReadOnlyToggleRelints(t *testing.T) {
	m := offlineModel(t, demoSrc, []string{"rate:demo"}, []string{"5", "60"})
	m.readOnly = true
	m = sized(m, 100, 30)
	roLint := m.lintNow()
	m = feedCmd(m, roLint)
	if !roFinding(m) || !strings.Contains(m.paneTitle(paneEditor), "✗") {
		t.Fatalf("read-only INCR: findings %+v, title %q", m.findings, m.paneTitle(paneEditor))
	}
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyF8})
	if m.readOnly || cmd == nil {
		t.Fatalf("F8: read-only %v, relint %v", m.readOnly, cmd != nil)
	}
	if !m.lintStale() || strings.Contains(m.paneTitle(paneEditor), "✗") {
		t.Fatalf("before the relint the read-only findings still count: %q", m.paneTitle(paneEditor))
	}
	m = feedCmd(m, roLint) // the old lint, late
	if !m.lintStale() {
		t.Fatal("a lint made with read-only on was taken after F8 turned it off")
	}
	m = feedCmd(m, cmd)
	if roFinding(m) || m.lintStale() {
		t.Fatalf("after F8 the findings are %+v (stale %v)", m.findings, m.lintStale())
	}
}

func feedCmd(m Model, cmd tea.Cmd) Model {
	mm, _ := m.Update(cmd())
	return mm.(Model)
}
