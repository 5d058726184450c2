package editor

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the editor's bindings (bubbles' textarea shape): the root
// passes keys to a focused editor only after its own global bindings,
// and a test in package ui proves that none of those shadows one of these.
type KeyMap struct {
	// Editor cursor movement.
	Up, Down, Left, Right, PageUp, PageDown key.Binding
	// Editor line, document and word moves. The list panes' home/end mean
	// first/last row, so the editor has its own bindings for these.
	LineStart, LineEnd, DocStart, DocEnd, WordLeft, WordRight key.Binding

	// Editor selection.
	SelectLeft, SelectRight, SelectUp, SelectDown  key.Binding
	SelectLineStart, SelectLineEnd, SelectWordLeft key.Binding
	SelectWordRight, SelectDocStart, SelectDocEnd  key.Binding
	SelectAll                                      key.Binding

	// Editor editing and clipboard.
	Newline, Backspace, DeleteForward, DeleteWordBackward key.Binding
	Undo, Redo, Copy, Paste, Cut                          key.Binding

	// Editor find and go-to bar. Dismiss (esc) closes the bar or drops a
	// selection.
	Find, FindNext, GotoLine, Dismiss key.Binding
}

// DefaultKeyMap is the editor's default bindings. Word moves have alt+
// and ctrl+ forms because terminals send one or the other for the arrows,
// and alt+b/alt+f are what readline users type.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "left/collapse")),
		Right:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "right/expand")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),

		LineStart: key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "line start")),
		LineEnd:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "line end")),
		DocStart:  key.NewBinding(key.WithKeys("ctrl+home"), key.WithHelp("ctrl+home", "first line")),
		DocEnd:    key.NewBinding(key.WithKeys("ctrl+end"), key.WithHelp("ctrl+end", "last line")),
		WordLeft:  key.NewBinding(key.WithKeys("ctrl+left", "alt+left", "alt+b"), key.WithHelp("ctrl+←", "word left")),
		WordRight: key.NewBinding(key.WithKeys("ctrl+right", "alt+right", "alt+f"), key.WithHelp("ctrl+→", "word right")),

		SelectLeft:      key.NewBinding(key.WithKeys("shift+left"), key.WithHelp("shift+←", "select left")),
		SelectRight:     key.NewBinding(key.WithKeys("shift+right"), key.WithHelp("shift+→", "select right")),
		SelectUp:        key.NewBinding(key.WithKeys("shift+up"), key.WithHelp("shift+↑", "select up")),
		SelectDown:      key.NewBinding(key.WithKeys("shift+down"), key.WithHelp("shift+↓", "select down")),
		SelectLineStart: key.NewBinding(key.WithKeys("shift+home"), key.WithHelp("shift+home", "select to line start")),
		SelectLineEnd:   key.NewBinding(key.WithKeys("shift+end"), key.WithHelp("shift+end", "select to line end")),
		SelectWordLeft:  key.NewBinding(key.WithKeys("ctrl+shift+left", "alt+shift+left"), key.WithHelp("ctrl+shift+←", "select word left")),
		SelectWordRight: key.NewBinding(key.WithKeys("ctrl+shift+right", "alt+shift+right"), key.WithHelp("ctrl+shift+→", "select word right")),
		SelectDocStart:  key.NewBinding(key.WithKeys("ctrl+shift+home"), key.WithHelp("ctrl+shift+home", "select to start")),
		SelectDocEnd:    key.NewBinding(key.WithKeys("ctrl+shift+end"), key.WithHelp("ctrl+shift+end", "select to end")),
		SelectAll:       key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", "select all")),

		Newline:            key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "new line")),
		Backspace:          key.NewBinding(key.WithKeys("backspace"), key.WithHelp("backspace", "delete left")),
		DeleteForward:      key.NewBinding(key.WithKeys("delete"), key.WithHelp("del", "delete right")),
		DeleteWordBackward: key.NewBinding(key.WithKeys("ctrl+w", "alt+backspace"), key.WithHelp("ctrl+w", "delete word")),
		Undo:               key.NewBinding(key.WithKeys("ctrl+z", "ctrl+u"), key.WithHelp("ctrl+z", "undo")),
		Redo:               key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "redo")),
		Copy:               key.NewBinding(key.WithKeys("alt+c"), key.WithHelp("alt+c", "copy")),
		Paste:              key.NewBinding(key.WithKeys("ctrl+v"), key.WithHelp("ctrl+v", "paste")),
		Cut:                key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "cut")),

		Find:     key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "find")),
		FindNext: key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "find next")),
		GotoLine: key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "go to line")),
		Dismiss:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close/unselect")),
	}
}
