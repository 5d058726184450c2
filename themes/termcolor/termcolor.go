// Package termcolor gives a theme's colours to lipgloss already in the
// terms of the terminal's colour profile.
//
// lipgloss converts a "#RRGGBB" colour for a 256- or 16-colour terminal
// every time it renders a style: termenv finds the nearest palette entry
// by HSLuv distance (math.Pow over the palette), per colour, per Render.
// On a 256-colour terminal (tmux, screen, most SSH sessions) that was a
// fifth of the terminal UI's first frame; the result depends only on the
// colour and the profile, so it is computed once here and handed to
// lipgloss as the palette index, which termenv reads back to the very
// same colour and sequence.
package termcolor

import (
	"strconv"
	"sync"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"luascope/themes"
)

// Of is c as a lipgloss colour for the current colour profile: no colour
// for a zero c, else an adaptive colour (lipgloss still picks Light or
// Dark by the background when it renders) whose two values are converted
// for the profile. Styles made with it are for the profile in force when
// they were made: the UI builds its styles after setting the profile, and
// again on a theme switch.
func Of(c themes.Color) lipgloss.TerminalColor {
	if c.IsZero() {
		return lipgloss.NoColor{}
	}
	p := lipgloss.ColorProfile()
	return lipgloss.AdaptiveColor{Light: convert(p, c.Light), Dark: convert(p, c.Dark)}
}

// Hex is one colour value ("#RRGGBB" or a palette index), converted like
// Of's.
func Hex(s string) lipgloss.Color {
	return lipgloss.Color(convert(lipgloss.ColorProfile(), s))
}

type key struct {
	p termenv.Profile
	s string
}

// converted is convert's memo: key → string. Themes have a few dozen
// colours, so it stays small.
var converted sync.Map

// convert is s as profile p draws it, written so that termenv parses it
// back to the same colour: a palette index for the 256- and 16-colour
// profiles, s itself where nothing is converted (true colour, no colour,
// a value termenv does not read).
func convert(p termenv.Profile, s string) string {
	if s == "" || p == termenv.TrueColor || p == termenv.Ascii {
		return s
	}
	k := key{p, s}
	if v, ok := converted.Load(k); ok {
		return v.(string)
	}
	out := s
	switch c := p.Color(s).(type) {
	case termenv.ANSIColor:
		// termenv reads "0".."15" as these.
		out = strconv.Itoa(int(c))
	case termenv.ANSI256Color:
		// Below 16 the index would read back as a 16-colour one, whose
		// sequence differs: keep s then (a hex never converts there).
		if c >= 16 {
			out = strconv.Itoa(int(c))
		}
	}
	converted.Store(k, out)
	return out
}
