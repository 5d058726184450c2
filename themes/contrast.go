package themes

import (
	"errors"
	"math"
	"strconv"
)

// The backgrounds contrast is guaranteed against. Panes leave their
// background to the terminal, whose colour luascope cannot know: a dark
// terminal is taken as black and a light one as white (what
// lipgloss.HasDarkBackground tells apart). Backgrounds a theme sets
// itself (CursorLine, Selection, StatusBg, the badges) are checked as
// they are.
const (
	DarkBackground  = "#000000"
	LightBackground = "#FFFFFF"
)

// MinContrast is the WCAG 2 contrast ratio every foreground colour of t
// reaches on the backgrounds it is drawn on: 7:1 (AAA) for
// high-contrast, 4.5:1 (AA) for the others. Mono sets no colour, so the
// terminal's own pair applies (0 here).
func (t Theme) MinContrast() float64 {
	switch {
	case t.Mono:
		return 0
	case t.Name == "high-contrast":
		return 7
	}
	return 4.5
}

// Background is the terminal background t's colours are chosen for when
// the terminal reports a dark (or light) one: a fixed theme (dark,
// light) assumes its own whatever the terminal says, because the user
// chose it; an adaptive one follows the terminal.
func (t Theme) Background(darkTerminal bool) string {
	switch t.Name {
	case "dark":
		darkTerminal = true
	case "light":
		darkTerminal = false
	}
	if darkTerminal {
		return DarkBackground
	}
	return LightBackground
}

// Contrast is WCAG 2's contrast ratio of two "#RRGGBB" colours, from 1
// (the same luminance) to 21 (black on white).
func Contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05), nil
}

// luminance is WCAG 2's relative luminance of "#RRGGBB".
func luminance(hex string) (float64, error) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, errors.New(`colour ` + strconv.Quote(hex) + `: want "#RRGGBB"`)
	}
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return 0, errors.New(`colour ` + strconv.Quote(hex) + `: want "#RRGGBB"`)
	}
	var l float64
	for i, w := range [3]float64{0.2126, 0.7152, 0.0722} {
		c := float64(v>>(16-8*uint(i))&0xFF) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l, nil
}
