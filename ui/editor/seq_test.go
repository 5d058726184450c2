package editor

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"luascope/themes"
)

// TestDirectSeq builds every theme's editor styles on every colour
// profile and both backgrounds with directSeq and with lipgloss's Render
// only: the sequences must be byte for byte the same. Plus the attribute
// combinations one by one and together, and styles directSeq must leave
// to Render.
func TestDirectSeq(t *testing.T) {
	oldP, oldDark := lipgloss.ColorProfile(), lipgloss.HasDarkBackground()
	defer func() {
		lipgloss.SetColorProfile(oldP)
		lipgloss.SetHasDarkBackground(oldDark)
		renderSeqs = false
	}()
	n := 0
	for _, p := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		lipgloss.SetColorProfile(p)
		for _, dark := range []bool{true, false} {
			lipgloss.SetHasDarkBackground(dark)
			for _, name := range themes.Names() {
				th, err := themes.Get(name)
				if err != nil {
					t.Fatal(err)
				}
				renderSeqs = false
				direct := buildStyles(th, dark)
				renderSeqs = true
				rendered := buildStyles(th, dark)
				renderSeqs = false
				direct.promptStyle, rendered.promptStyle = lipgloss.Style{}, lipgloss.Style{}
				direct.inputStyle, rendered.inputStyle = lipgloss.Style{}, lipgloss.Style{}
				if !reflect.DeepEqual(direct, rendered) {
					t.Errorf("profile %v, dark %v, theme %s: direct styles differ from rendered:\n%+v\n%+v", p, dark, name, direct, rendered)
				}
				n++
			}
			c := lipgloss.AdaptiveColor{Light: "#5f87af", Dark: "#ffaf00"}
			styles := []lipgloss.Style{
				lipgloss.NewStyle(),
				lipgloss.NewStyle().Foreground(lipgloss.NoColor{}),
				lipgloss.NewStyle().Bold(true), lipgloss.NewStyle().Italic(true), lipgloss.NewStyle().Underline(true),
				lipgloss.NewStyle().Reverse(true), lipgloss.NewStyle().Blink(true), lipgloss.NewStyle().Faint(true),
				lipgloss.NewStyle().Strikethrough(true),
				lipgloss.NewStyle().Foreground(c), lipgloss.NewStyle().Background(c),
				lipgloss.NewStyle().Foreground(lipgloss.Color("9")).Background(lipgloss.Color("200")),
				lipgloss.NewStyle().Bold(true).Italic(true).Underline(true).Reverse(true).Blink(true).Faint(true).Strikethrough(true).Foreground(c).Background(lipgloss.Color("#010203")),
				// Colours termenv resolves to nothing (skipped), or to an
				// empty parameter (an invalid hex: kept).
				lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("")),
				lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Background(lipgloss.Color("")),
				lipgloss.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "", Dark: "#00ff00"}),
				lipgloss.NewStyle().Underline(true).Foreground(lipgloss.Color("red")),
				lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#zzzzzz")),
			}
			for _, st := range styles {
				got, ok := directSeq(st)
				if want := renderedSeq(st); !ok || got != want {
					t.Errorf("profile %v, dark %v: directSeq %q (%v), Render %q", p, dark, got, ok, want)
				}
			}
			for _, st := range []lipgloss.Style{lipgloss.NewStyle().Padding(0, 1), lipgloss.NewStyle().Width(3), lipgloss.NewStyle().Border(lipgloss.NormalBorder())} {
				if _, ok := directSeq(st); ok {
					t.Errorf("directSeq took a style with layout: %v", st)
				}
			}
		}
	}
	t.Logf("%d theme/profile/background combinations", n)
}
