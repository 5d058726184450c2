package editor

import (
	"github.com/charmbracelet/lipgloss"

	"luascope/themes"
	"luascope/themes/termcolor"
)

// color resolves an adaptive theme colour for lipgloss; an unset colour
// is no colour, so that a theme can leave the terminal's own in place;
// converted once for the colour profile (termcolor).
func color(c themes.Color) lipgloss.TerminalColor {
	return termcolor.Of(c)
}
