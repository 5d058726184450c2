// Package ui is luascope's terminal UI: a Bubble Tea root model and one
// model per pane (editor, form, result tree, trace, error panel, history,
// cluster). It knows no Redis protocol: it draws what redisx returns and
// runs every Redis or file call as a tea.Cmd.
package ui
