package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the app, in one place (bubbles' list/keys.go
// style). Panes match keys only with key.Matches against these, and
// disable bindings that do not apply so the help stays truthful.
type KeyMap struct {
	// Global.
	Run, NextPane, PrevPane, Help, Quit, Zoom key.Binding
	Open, Save, ExternalEdit                  key.Binding
	Strategy, Protocol, ReadOnly, Theme       key.Binding
	Stop, CacheLoad, CacheFlush, CacheCheck   key.Binding
	History, Cluster, Explain, Functions      key.Binding
	Batch                                     key.Binding

	// Movement shared by list-like panes.
	Up, Down, PageUp, PageDown, Top, Bottom, Left, Right key.Binding

	// Editor.
	Undo, Redo, Copy, Paste, Cut, SelectAll, Find, FindNext, GotoLine key.Binding

	// Editor text movement, selection and editing. The list panes' Top,
	// Bottom mean first/last row, so the editor has its own line and
	// document bindings; Dismiss (esc) closes the find bar or drops a
	// selection.
	LineStart, LineEnd, DocStart, DocEnd, WordLeft, WordRight      key.Binding
	SelectLeft, SelectRight, SelectUp, SelectDown                  key.Binding
	SelectLineStart, SelectLineEnd, SelectWordLeft                 key.Binding
	SelectWordRight, SelectDocStart, SelectDocEnd                  key.Binding
	Newline, Backspace, DeleteForward, DeleteWordBackward, Dismiss key.Binding

	// Form.
	AddRow, DeleteRow, MoveRowUp, MoveRowDown, ToggleKind key.Binding

	// Result tree.
	Toggle, ExpandAll, CollapseAll, JumpError, CopyValue, RawView key.Binding

	// Error panel.
	JumpLine key.Binding

	// Confirmations.
	Confirm, Cancel key.Binding
}

// DefaultKeyMap is luascope's bindings. F-keys double the ctrl chords
// because some terminals and multiplexers swallow one or the other.
func DefaultKeyMap() *KeyMap {
	return &KeyMap{
		Run:          key.NewBinding(key.WithKeys("ctrl+r", "f5"), key.WithHelp("ctrl+r/F5", "run")),
		NextPane:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev pane")),
		Help:         key.NewBinding(key.WithKeys("f1"), key.WithHelp("F1", "help")),
		Quit:         key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Zoom:         key.NewBinding(key.WithKeys("f11", "alt+z"), key.WithHelp("F11/alt+z", "zoom pane")),
		Open:         key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "open")),
		Save:         key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		ExternalEdit: key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "$EDITOR")),
		Strategy:     key.NewBinding(key.WithKeys("f6"), key.WithHelp("F6", "strategy")),
		Protocol:     key.NewBinding(key.WithKeys("f7"), key.WithHelp("F7", "RESP2/3")),
		ReadOnly:     key.NewBinding(key.WithKeys("f8"), key.WithHelp("F8", "read-only")),
		Theme:        key.NewBinding(key.WithKeys("f12"), key.WithHelp("F12", "theme")),
		Stop:         key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "stop script")),
		CacheCheck:   key.NewBinding(key.WithKeys("f2"), key.WithHelp("F2", "SCRIPT EXISTS")),
		CacheLoad:    key.NewBinding(key.WithKeys("f3"), key.WithHelp("F3", "SCRIPT LOAD")),
		CacheFlush:   key.NewBinding(key.WithKeys("f4"), key.WithHelp("F4", "SCRIPT FLUSH")),
		History:      key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "history (past runs)")),
		Cluster:      key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "cluster view")),
		Explain:      key.NewBinding(key.WithKeys("alt+x"), key.WithHelp("alt+x", "explain mode (Lua → reply)")),
		Functions:    key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "functions (library browser)")),
		Batch:        key.NewBinding(key.WithKeys("alt+b"), key.WithHelp("alt+b", "batch: run over a file of KEY … , ARG … lines")),

		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),
		Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "left/collapse")),
		Right:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "right/expand")),

		Undo:      key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "undo")),
		Redo:      key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "redo")),
		Copy:      key.NewBinding(key.WithKeys("alt+c"), key.WithHelp("alt+c", "copy")),
		Paste:     key.NewBinding(key.WithKeys("ctrl+v"), key.WithHelp("ctrl+v", "paste")),
		Cut:       key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "cut")),
		SelectAll: key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", "select all")),
		Find:      key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "find")),
		FindNext:  key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "find next")),
		GotoLine:  key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "go to line")),

		LineStart:          key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "line start")),
		LineEnd:            key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "line end")),
		DocStart:           key.NewBinding(key.WithKeys("ctrl+home"), key.WithHelp("ctrl+home", "first line")),
		DocEnd:             key.NewBinding(key.WithKeys("ctrl+end"), key.WithHelp("ctrl+end", "last line")),
		WordLeft:           key.NewBinding(key.WithKeys("ctrl+left", "alt+left", "alt+b"), key.WithHelp("ctrl+←", "word left")),
		WordRight:          key.NewBinding(key.WithKeys("ctrl+right", "alt+right", "alt+f"), key.WithHelp("ctrl+→", "word right")),
		SelectLeft:         key.NewBinding(key.WithKeys("shift+left"), key.WithHelp("shift+←", "select left")),
		SelectRight:        key.NewBinding(key.WithKeys("shift+right"), key.WithHelp("shift+→", "select right")),
		SelectUp:           key.NewBinding(key.WithKeys("shift+up"), key.WithHelp("shift+↑", "select up")),
		SelectDown:         key.NewBinding(key.WithKeys("shift+down"), key.WithHelp("shift+↓", "select down")),
		SelectLineStart:    key.NewBinding(key.WithKeys("shift+home"), key.WithHelp("shift+home", "select to line start")),
		SelectLineEnd:      key.NewBinding(key.WithKeys("shift+end"), key.WithHelp("shift+end", "select to line end")),
		SelectWordLeft:     key.NewBinding(key.WithKeys("ctrl+shift+left", "alt+shift+left"), key.WithHelp("ctrl+shift+←", "select word left")),
		SelectWordRight:    key.NewBinding(key.WithKeys("ctrl+shift+right", "alt+shift+right"), key.WithHelp("ctrl+shift+→", "select word right")),
		SelectDocStart:     key.NewBinding(key.WithKeys("ctrl+shift+home"), key.WithHelp("ctrl+shift+home", "select to start")),
		SelectDocEnd:       key.NewBinding(key.WithKeys("ctrl+shift+end"), key.WithHelp("ctrl+shift+end", "select to end")),
		Newline:            key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "new line")),
		Backspace:          key.NewBinding(key.WithKeys("backspace"), key.WithHelp("backspace", "delete left")),
		DeleteForward:      key.NewBinding(key.WithKeys("delete"), key.WithHelp("del", "delete right")),
		DeleteWordBackward: key.NewBinding(key.WithKeys("ctrl+w", "alt+backspace"), key.WithHelp("ctrl+w", "delete word")),
		Dismiss:            key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close/unselect")),

		AddRow:      key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "add row")),
		DeleteRow:   key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "delete row")),
		MoveRowUp:   key.NewBinding(key.WithKeys("alt+up"), key.WithHelp("alt+↑", "move row up")),
		MoveRowDown: key.NewBinding(key.WithKeys("alt+down"), key.WithHelp("alt+↓", "move row down")),
		ToggleKind:  key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "key ↔ arg")),

		Toggle:      key.NewBinding(key.WithKeys("enter", " "), key.WithHelp("enter", "expand/collapse")),
		ExpandAll:   key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "expand all")),
		CollapseAll: key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "collapse all")),
		JumpError:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "first error")),
		CopyValue:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy value")),
		RawView:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "raw RESP")),

		JumpLine: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go to line")),

		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Cancel:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
	}
}
