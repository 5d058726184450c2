package termcolor

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"luascope/themes"
)

// TestSameSequences renders every colour of every theme, in both
// backgrounds and every profile, as foreground and background, through a
// converted colour and through the theme's own value: the escape
// sequences must be byte for byte the same.
func TestSameSequences(t *testing.T) {
	oldP, oldDark := lipgloss.ColorProfile(), lipgloss.HasDarkBackground()
	defer func() {
		lipgloss.SetColorProfile(oldP)
		lipgloss.SetHasDarkBackground(oldDark)
	}()
	values := map[string]bool{"#000000": true, "#ffffff": true, "#808080": true, "#5f87af": true, "#123456": true, "9": true, "200": true, "not-a-colour": true}
	for _, name := range themes.Names() {
		th, err := themes.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		v := reflect.ValueOf(th)
		for i := 0; i < v.NumField(); i++ {
			if c, ok := v.Field(i).Interface().(themes.Color); ok {
				values[c.Light], values[c.Dark] = true, true
			}
		}
	}
	delete(values, "")
	n := 0
	for _, p := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		lipgloss.SetColorProfile(p)
		for _, dark := range []bool{true, false} {
			lipgloss.SetHasDarkBackground(dark)
			for v := range values {
				want := lipgloss.NewStyle().Foreground(lipgloss.Color(v)).Background(lipgloss.Color(v)).Render("x")
				if got := lipgloss.NewStyle().Foreground(Hex(v)).Background(Hex(v)).Render("x"); got != want {
					t.Errorf("profile %v, %q: %q, want %q", p, v, got, want)
				}
				c := themes.Color{Light: v, Dark: "#010203"}
				want = lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: c.Light, Dark: c.Dark}).Render("x")
				if got := lipgloss.NewStyle().Foreground(Of(c)).Render("x"); got != want {
					t.Errorf("profile %v dark %v, %+v: %q, want %q", p, dark, c, got, want)
				}
				n++
			}
		}
	}
	if got := lipgloss.NewStyle().Foreground(Of(themes.Color{})).Render("x"); got != "x" {
		t.Errorf("zero colour: %q", got)
	}
	t.Logf("%d colour values compared", n)
}

// BenchmarkRenderANSI256 is one styled render on a 256-colour terminal,
// with the theme's colour as lipgloss gets it before and after.
func BenchmarkRenderANSI256(b *testing.B) {
	old := lipgloss.ColorProfile()
	defer lipgloss.SetColorProfile(old)
	lipgloss.SetColorProfile(termenv.ANSI256)
	for _, bc := range []struct {
		name string
		c    lipgloss.TerminalColor
	}{{"hex", lipgloss.Color("#5f87af")}, {"converted", Hex("#5f87af")}} {
		b.Run(bc.name, func(b *testing.B) {
			st := lipgloss.NewStyle().Foreground(bc.c).Bold(true)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = st.Render("x")
			}
		})
	}
}
