package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"luascope/themes"
	"luascope/themes/termcolor"
	"luascope/ui/editor"
)

// Common travels to every pane's constructor: the things all panes share
// (theme, key map), so that a theme switch or a rebinding reaches them
// all the same way (gh-dash's ProgramContext, soft-serve's common.Common).
type Common struct {
	Theme themes.Theme
	Keys  *KeyMap
}

// color resolves an adaptive theme colour for lipgloss, converted once
// for the colour profile (termcolor: lipgloss would convert it on every
// Render).
func color(c themes.Color) lipgloss.TerminalColor {
	return termcolor.Of(c)
}

// Pane is the shape every pane shares (soft-serve's component): it is
// updated, sized, focused and asked for help the same way, so the root
// routes to whichever pane has the focus without knowing which it is.
// Update changes the pane in place and returns it; a pane's concrete
// update (returning its own type) is for tests and the pane itself.
type Pane interface {
	Update(msg tea.Msg) (Pane, tea.Cmd)
	SetSize(width, height int)
	Focus()
	Blur()
	Focused() bool
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// editorPane is the editor as a Pane. editor.Model keeps bubbles' shape
// (its Update returns an editor.Model) and cannot name ui.Pane, so the
// root holds it in this wrapper; its other methods are the Model's own.
type editorPane struct{ editor.Model }

// Update updates the editor in place, in the Pane interface's shape.
func (e *editorPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	e.Model, cmd = e.Model.Update(msg)
	return e, cmd
}

var _ Pane = (*editorPane)(nil)
