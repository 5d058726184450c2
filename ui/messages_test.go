package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestMessagesKeepsWhatTheBarCut: a status message longer than the bar
// is cut at 80 columns and gone at the next key; alt+m shows every
// message whole, newest first, escaped once.
func TestMessagesKeepsWhatTheBarCut(t *testing.T) {
	m := offlineModel(t, demoSrc, nil, nil)
	m = sized(m, 80, 24)
	long := "busy: another client's script holds the server — ctrl+k sends SCRIPT KILL after you confirm; " +
		strings.Repeat("more words ", 8) + "END-OF-MESSAGE \x1b[31m"
	m.setStatus("first message", false)
	m.setStatus(long, true)
	if strings.Contains(m.View(), "END-OF-MESSAGE") {
		t.Fatal("the test needs a message the 80-column bar cuts")
	}
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyDown}) // the next key clears the bar
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("m"), Alt: true})
	d := m.detail()
	if d == nil {
		t.Fatalf("alt+m opened nothing:\n%s", m.View())
	}
	text := d.doc.Text()
	if !strings.Contains(text, "END-OF-MESSAGE \\x1b[31m") || strings.Contains(text, "\x1b") {
		t.Fatalf("the long message is not whole and escaped:\n%q", text)
	}
	if strings.Index(text, "END-OF-MESSAGE") > strings.Index(text, "first message") || !strings.Contains(text, "✗") {
		t.Fatalf("not newest first, or the error unmarked:\n%s", text)
	}
	view := m.View()
	if !strings.Contains(view, "Messages") {
		t.Fatalf("the view does not show the messages:\n%s", view)
	}
}

// TestMsgLogBounded: the log keeps the newest msgLogMax messages and a
// message repeated at once only once.
func TestMsgLogBounded(t *testing.T) {
	var l msgLog
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := 0; i < msgLogMax+50; i++ {
		l.add("message "+strings.Repeat("x", i%3)+string(rune('a'+i%26)), false, at)
	}
	l.add("same", false, at)
	l.add("same", false, at)
	l.add("", false, at)
	if len(l.entries) != msgLogMax || l.entries[len(l.entries)-1].text != "same" || l.entries[len(l.entries)-2].text == "same" {
		t.Fatalf("%d entries, last two %q %q", len(l.entries), l.entries[len(l.entries)-2].text, l.entries[len(l.entries)-1].text)
	}
}

// TestHelpHomeEnd: F1 taller than the terminal goes to its end with end
// and back with home, as every other list does.
func TestHelpHomeEnd(t *testing.T) {
	m := offlineModel(t, demoSrc, nil, nil)
	m = sized(m, 80, 24)
	h := &helpScreen{}
	m.overlays.push(h)
	if !strings.Contains(m.View(), "for more") {
		t.Fatal("the help should be taller than 80x24 for this test")
	}
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyEnd})
	if h.top == 0 || strings.Contains(m.View(), "for more") {
		t.Fatalf("end: top %d\n%s", h.top, m.View())
	}
	m = pressKeys(t, m, tea.KeyMsg{Type: tea.KeyHome})
	if h.top != 0 {
		t.Fatalf("home: top %d", h.top)
	}
}
