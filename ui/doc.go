// Package ui is luascope's terminal UI: a Bubble Tea root model that
// routes (a key to the top overlay, else the global bindings, else the
// focused pane; each result message to the handler of its concern) and
// one component per pane (the editor, in ui/editor; form, result tree,
// trace, error panel, history, cluster, functions). Modal things (help,
// dialogs, prompts, the debugger, the examples gallery, a batch report)
// are layers on one stack (overlay.go) that decides both which gets a
// key and the drawing order. It knows no Redis protocol: it draws what
// redisx returns, and every Redis or file call runs in a tea.Cmd, never
// in Update or View.
package ui
