package editor

import (
	"github.com/charmbracelet/lipgloss"

	"luascope/themes"
)

// color resolves an adaptive theme colour for lipgloss; an unset colour
// is no colour, so that a theme can leave the terminal's own in place.
func color(c themes.Color) lipgloss.TerminalColor {
	if c.Light == "" && c.Dark == "" {
		return lipgloss.NoColor{}
	}
	return lipgloss.AdaptiveColor{Light: c.Light, Dark: c.Dark}
}
