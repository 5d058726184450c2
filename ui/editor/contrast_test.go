package editor

import (
	"testing"

	"github.com/charmbracelet/lipgloss"

	"luascope/themes"
)

// TestTokenContrast checks every token kind the Lua lexer emits, in the
// colour the editor draws it (the theme's chroma style, Text where the
// style leaves a token to the terminal, Muted for escaped bytes), on the
// backgrounds code is drawn on: the terminal's (themes.Background: black
// for a dark terminal, white for a light one) and the cursor line.
// Selected code is drawn in Text on Selection, which themes checks. Every
// theme, both backgrounds: Theme.MinContrast (4.5:1, 7:1 high-contrast).
func TestTokenContrast(t *testing.T) {
	for _, name := range themes.Names() {
		th, err := themes.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if th.Mono {
			continue
		}
		for _, dark := range []bool{false, true} {
			half := func(c themes.Color) string {
				if dark {
					return c.Dark
				}
				return c.Light
			}
			cs := th.ChromaStyle(dark)
			for k := tok(0); k < tokCount; k++ {
				var fg string
				switch c := tokenStyle(th, cs, k).GetForeground().(type) {
				case lipgloss.Color:
					fg = string(c)
				case lipgloss.AdaptiveColor:
					fg = half(themes.Color{Light: c.Light, Dark: c.Dark})
				default:
					t.Errorf("%s (dark %v): %s has no colour of its own (%T)", name, dark, tokChroma[k], c)
					continue
				}
				for _, back := range []string{th.Background(dark), half(th.CursorLine)} {
					r, err := themes.Contrast(fg, back)
					if err != nil {
						t.Fatalf("%s: %s: %v", name, tokChroma[k], err)
					}
					if r < th.MinContrast() {
						t.Errorf("%s (dark %v): %s %s on %s = %.2f:1, want ≥ %.1f", name, dark, tokChroma[k], fg, back, r, th.MinContrast())
					}
				}
			}
		}
	}
}
