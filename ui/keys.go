package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the root's global bindings and those of the panes that share
// them (bubbles' list/keys.go style); the editor has its own
// (editor.KeyMap), and a few panes and overlays keep theirs next to their
// code. Panes match keys only with key.Matches, and disable bindings that
// do not apply so the help stays truthful. No global binding may shadow a
// pane's: TestNoGlobalKeyShadowsPaneKey checks.
type KeyMap struct {
	// Global.
	Run, NextPane, PrevPane, Help, Quit, Zoom key.Binding
	Open, Save, ExternalEdit                  key.Binding
	Strategy, Protocol, ReadOnly, Theme       key.Binding
	Stop, CacheLoad, CacheFlush, CacheCheck   key.Binding
	History, Cluster, Explain, Functions      key.Binding
	Batch, Findings, Messages                 key.Binding

	// Movement shared by list-like panes.
	Up, Down, PageUp, PageDown, Top, Bottom, Left, Right key.Binding

	// Form.
	AddRow, DeleteRow, MoveRowUp, MoveRowDown, ToggleKind key.Binding

	// Result tree.
	Toggle, ExpandAll, CollapseAll, JumpError, CopyValue, RawView key.Binding

	// Error panel.
	JumpLine key.Binding

	// Search (result tree, raw RESP, history, F1; the editor finds with
	// ctrl+f). Its prompt's own keys are searchConfirm and searchCancel.
	Search, NextMatch, PrevMatch key.Binding

	// Confirmations.
	Confirm, Cancel key.Binding
}

// DefaultKeyMap is luascope's bindings. F-keys double the ctrl chords
// because some terminals and multiplexers swallow one or the other. Batch
// is alt+B (alt+shift+b): alt+b is the editor's word-left, as in readline.
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
		Batch:        key.NewBinding(key.WithKeys("alt+B"), key.WithHelp("alt+B", "batch: run over a file of KEY … , ARG … lines")),
		Findings:     key.NewBinding(key.WithKeys("alt+l"), key.WithHelp("alt+l", "lint findings (enter jumps to one)")),
		Messages:     key.NewBinding(key.WithKeys("alt+m"), key.WithHelp("alt+m", "messages: every status message, whole")),

		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),
		Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "left/collapse")),
		Right:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "right/expand")),

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

		Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		NextMatch: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),

		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Cancel:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
	}
}

// HelpGroup is a titled list of bindings, one block of the F1 screen.
type HelpGroup struct {
	Title    string
	Bindings []key.Binding
}

// GlobalHelp is the bindings that work in every pane, in the groups F1
// shows before the focused pane's own. It is the one list of them: F1 is
// drawn from it and a test checks it holds every global binding, so a new
// one cannot be left out of the help (F9, alt+F9 and alt+g live next to
// their overlays' code but are global all the same).
func (k *KeyMap) GlobalHelp() []HelpGroup {
	return []HelpGroup{
		{"Global", []key.Binding{k.Run, k.NextPane, k.PrevPane, k.Zoom, k.Help, k.Quit, k.History, k.Cluster,
			k.Functions, k.Explain, k.Findings, k.Messages, k.Batch, compareKey, testsKey, healthKey, galleryKey, debugKey, debugSyncKey, k.Theme}},
		{"Script & server", []key.Binding{k.Open, k.Save, k.ExternalEdit, k.Strategy, k.Protocol, k.ReadOnly,
			k.Stop, k.CacheCheck, k.CacheLoad, k.CacheFlush}},
	}
}
