//go:build crashtest

package ui

import (
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
)

// crashInView makes the next frame panic.
var crashInView atomic.Bool

// Binaries built with -tags crashtest panic on purpose, so the end-to-end
// tests (e2e_rescue_test.go) can check what a real bug leaves behind:
// alt+1 panics in Update, alt+2 in a command, alt+3 in View.
func init() {
	crashTest = func(msg tea.Msg) tea.Cmd {
		k, ok := msg.(tea.KeyMsg)
		if !ok {
			return nil
		}
		switch k.String() {
		case "alt+1":
			panic("crash test: Update")
		case "alt+2":
			return func() tea.Msg { panic("crash test: command") }
		case "alt+3":
			crashInView.Store(true)
		}
		return nil
	}
	crashTestView = func() {
		if crashInView.Load() {
			panic("crash test: View")
		}
	}
}
