package ui

// What the full-screen list views (Compare, Tests) share: opening one in
// place of the one already open, and moving their cursor.

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// reopen puts v on the overlay stack in place of an open layer of its
// type: alt+v or alt+t again starts afresh rather than stacking a copy.
func reopen[T layer](m *Model, v T) {
	if old, ok := topOf[T](m.overlays); ok {
		m.overlays.remove(old)
	}
	m.overlays.push(v)
}

// moveCursor is cursor moved by a list key (up, down, a page, the top,
// the bottom) in a list of n items, kept in it.
func moveCursor(k *KeyMap, km tea.KeyMsg, cursor, n, page int) int {
	switch {
	case key.Matches(km, k.Up):
		cursor--
	case key.Matches(km, k.Down):
		cursor++
	case key.Matches(km, k.PageUp):
		cursor -= page
	case key.Matches(km, k.PageDown):
		cursor += page
	case key.Matches(km, k.Top):
		cursor = 0
	case key.Matches(km, k.Bottom):
		cursor = n - 1
	}
	return max(0, min(cursor, n-1))
}
