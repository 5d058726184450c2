package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// The Functions tab reached with tab asks FUNCTION LIST, as ctrl+b does,
// instead of saying "asking FUNCTION LIST…" for ever.
func TestFunctionsLoadOnTabFocus(t *testing.T) {
	_, tg, s := sandboxSession(t)
	mm, _ := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: "return 1"}).Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m := mm.(Model)
	for i := 0; i < 12 && m.focus != paneFunctions; i++ {
		var cmd tea.Cmd
		m, cmd = guardKey(m, tea.KeyMsg{Type: tea.KeyTab})
		if m.focus != paneFunctions {
			continue
		}
		if cmd == nil {
			t.Fatal("Functions focused with tab, but nothing asked FUNCTION LIST")
		}
		if msg, ok := cmd().(librariesLoadedMsg); !ok || msg.err != nil {
			t.Fatalf("the command returned %#v", msg)
		}
	}
	if m.focus != paneFunctions {
		t.Fatal("tab never reached the Functions pane")
	}
}
