package ui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"luascope/themes"
	"luascope/ui/editor"
)

// Common travels to every pane's constructor: the things all panes share
// (theme, key map), so that a theme switch or a rebinding reaches them
// all the same way (gh-dash's ProgramContext, soft-serve's common.Common).
type Common struct {
	Theme themes.Theme
	Keys  *KeyMap
}

// color resolves an adaptive theme colour for lipgloss.
func color(c themes.Color) lipgloss.TerminalColor {
	if c.Light == "" && c.Dark == "" {
		return lipgloss.NoColor{}
	}
	return lipgloss.AdaptiveColor{Light: c.Light, Dark: c.Dark}
}

// Pane is the shape every pane shares (soft-serve's component): besides
// its own concrete Update, it can be sized, focused and asked for help.
type Pane interface {
	SetSize(width, height int)
	Focus()
	Blur()
	Focused() bool
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// The editor lives in its own package but is a pane like the others.
var _ Pane = (*editor.Model)(nil)
