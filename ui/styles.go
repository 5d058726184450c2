package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/themes"
)

// appStyles are the root's own styles (borders, bars, badges), built once
// per theme: lipgloss.NewStyle in a View loop is slow (lipgloss #81).
type appStyles struct {
	status, statusMsg    lipgloss.Style
	statusErr            lipgloss.Style
	badgeProd, badgeSand lipgloss.Style
	badgeRO, badgeLabel  lipgloss.Style
	tab, tabActive       lipgloss.Style
	muted, accent, warn  lipgloss.Style
	errText, ok          lipgloss.Style
	dialog, dialogTitle  lipgloss.Style
	helpKey, helpDesc    lipgloss.Style
	helpSection          lipgloss.Style
	placeholder          lipgloss.Style
	borderChars          lipgloss.Border
	mono                 bool
	// boxInk is border and title as sequences, [0] unfocused, [1]
	// focused: box draws every pane's frame on every frame, and a
	// lipgloss Render per edge was most of a cold first frame's boxes.
	boxInk [2]struct{ border, title ink }
	// The status and help bars' inks, for the same reason: every frame
	// draws both, a dozen pieces each, all one-line text.
	statusInk, statusMsgInk, helpKeyInk, helpDescInk ink
}

// newAppStyles is the root model's styles for t (shared: sharedStyles).
func newAppStyles(t themes.Theme) *appStyles { return appStylesOf.get(t) }

// buildAppStyles builds what newAppStyles shares.
func buildAppStyles(t themes.Theme) appStyles {
	b := lipgloss.RoundedBorder()
	s := appStyles{
		borderChars: b,
		mono:        t.Mono,
		status:      lipgloss.NewStyle().Foreground(color(t.StatusFg)).Background(color(t.StatusBg)),
		statusMsg:   lipgloss.NewStyle().Foreground(color(t.StatusFg)).Background(color(t.StatusBg)).Bold(true),
		// The error message and the label badges are blocks of Error and
		// Accent with the terminal's background as their text (reverse
		// video), so they keep the contrast those colours have on the
		// terminal's background: on StatusBg, which high-contrast inverts,
		// no colour would read.
		statusErr:   lipgloss.NewStyle().Foreground(color(t.Error)).Reverse(true).Bold(true),
		badgeProd:   lipgloss.NewStyle().Foreground(color(t.BadgeText)).Background(color(t.BadgeProd)).Bold(true).Padding(0, 1),
		badgeSand:   lipgloss.NewStyle().Foreground(color(t.BadgeText)).Background(color(t.BadgeSandbox)).Bold(true).Padding(0, 1),
		badgeRO:     lipgloss.NewStyle().Foreground(color(t.BadgeText)).Background(color(t.BadgeRO)).Bold(true).Padding(0, 1),
		badgeLabel:  lipgloss.NewStyle().Foreground(color(t.Accent)).Reverse(true).Bold(true).Padding(0, 1),
		tab:         lipgloss.NewStyle().Foreground(color(t.Muted)).Padding(0, 1),
		tabActive:   lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true).Underline(true).Padding(0, 1),
		muted:       lipgloss.NewStyle().Foreground(color(t.Muted)),
		accent:      lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true),
		warn:        lipgloss.NewStyle().Foreground(color(t.Warning)).Bold(true),
		errText:     lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true),
		ok:          lipgloss.NewStyle().Foreground(color(t.OK)),
		dialog:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(color(t.BorderFocus)).Padding(0, 1),
		dialogTitle: lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true),
		helpKey:     lipgloss.NewStyle().Foreground(color(t.Accent)),
		helpDesc:    lipgloss.NewStyle().Foreground(color(t.Muted)),
		helpSection: lipgloss.NewStyle().Bold(true).Underline(true),
		placeholder: placeholderStyle(t),
	}
	// The pane frames: only ever drawn as inks.
	s.boxInk[0].border = inkOf(lipgloss.NewStyle().Foreground(color(t.Border)))
	s.boxInk[0].title = inkOf(lipgloss.NewStyle().Foreground(color(t.Muted)))
	s.boxInk[1].border = inkOf(lipgloss.NewStyle().Foreground(color(t.BorderFocus)).Bold(true))
	s.boxInk[1].title = inkOf(lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true))
	s.helpKeyInk, s.helpDescInk = inkOf(s.helpKey), inkOf(s.helpDesc)
	if t.Mono {
		// Without colour, badges and focus must still be visible.
		s.badgeProd = lipgloss.NewStyle().Reverse(true).Bold(true).Padding(0, 1)
		s.badgeSand = lipgloss.NewStyle().Reverse(true).Padding(0, 1)
		s.badgeRO = lipgloss.NewStyle().Reverse(true).Padding(0, 1)
		s.badgeLabel = lipgloss.NewStyle().Reverse(true).Padding(0, 1)
		s.tabActive = lipgloss.NewStyle().Reverse(true).Padding(0, 1)
		s.status = lipgloss.NewStyle().Reverse(true)
		s.statusMsg = lipgloss.NewStyle().Reverse(true).Bold(true)
		s.statusErr = lipgloss.NewStyle().Reverse(true).Bold(true)
	}
	s.statusInk, s.statusMsgInk = inkOf(s.status), inkOf(s.statusMsg)
	return s
}

// placeholderStyle is a text input's placeholder in theme t. bubbles'
// default is ANSI colour 240, about 3:1 on black and a colour even under
// NO_COLOR; Muted reads as "not typed yet" and keeps the theme's contrast.
func placeholderStyle(t themes.Theme) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(color(t.Muted)).Faint(t.Mono)
}

// box draws content (already exactly innerW×innerH) inside a rounded
// border with the title set into the top edge, like "╭─ Script ───╮".
// A focused box is bold and its title marked, visible even without colour.
func (s appStyles) box(title, content string, w, h int, focused bool) string {
	if w < 2 || h < 2 {
		return ""
	}
	bi := s.boxInk[0]
	if focused {
		bi = s.boxInk[1]
	}
	bs, ts := bi.border, bi.title
	b := s.borderChars
	innerW := w - 2
	t := " " + title + " "
	if focused {
		t = "▶" + title + " "
	}
	if ansi.StringWidth(t) > innerW-1 {
		t = ansi.Truncate(t, max(0, innerW-2), "…")
	}
	fill := innerW - 1 - ansi.StringWidth(t)
	var out strings.Builder
	out.WriteString(bs.on(b.TopLeft+b.Top) + ts.on(t) + bs.on(strings.Repeat(b.Top, max(0, fill))+b.TopRight))
	lines := strings.Split(content, "\n")
	blankW := strings.Repeat(" ", innerW)
	left, right := bs.on(b.Left), bs.on(b.Right)
	for i := 0; i < h-2; i++ {
		out.WriteByte('\n')
		// Panes draw exactly innerW columns (their tests check it), so
		// lines are not measured again here: that was a third of a frame.
		line := blankW
		if i < len(lines) {
			line = lines[i]
		}
		out.WriteString(left + line + right)
	}
	out.WriteByte('\n')
	out.WriteString(bs.on(b.BottomLeft + strings.Repeat(b.Bottom, innerW) + b.BottomRight))
	return out.String()
}
