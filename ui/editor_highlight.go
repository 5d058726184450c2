package ui

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/charmbracelet/lipgloss"

	"luascope/themes"
)

// edAnsi is a style as the escape sequences that open and close it. The
// editor draws thousands of small runs per frame; a lipgloss Render for
// each would be the slow path lipgloss #81 warns about, so each style is
// rendered once per theme and its sequences are reused. With a no-colour
// profile both are empty.
type edAnsi struct{ open, close string }

// edAnsiOf renders st around a NUL byte and splits the result there.
func edAnsiOf(st lipgloss.Style) edAnsi {
	s := st.Render("\x00")
	i := strings.IndexByte(s, 0)
	if i < 0 {
		return edAnsi{}
	}
	return edAnsi{open: s[:i], close: s[i+1:]}
}

// Overlays drawn over a token's colour, from least to most important.
const (
	edOvNone     = iota
	edOvLine     // the cursor's line
	edOvSel      // selected text
	edOvMatch    // a search match
	edOvCurMatch // the search match the cursor is on
	edOvCursor   // the cursor cell, reverse video
	edOvCount
)

// edStyles is everything the editor draws with, built once per theme.
type edStyles struct {
	theme themes.Theme
	gen   uint64 // changes with the theme; part of the row cache key

	tok [edTokCount][edOvCount]edAnsi
	// fill is the empty rest of a row: nothing, or the cursor line's
	// background.
	fill [edOvCount]edAnsi

	gutter, gutterCur, gutterErr, marker edAnsi
	warnMark                             edAnsi
	status, notice, prompt               edAnsi

	promptStyle, inputStyle lipgloss.Style
}

// newEdStyles maps the theme's chroma style onto the editor's tokens and
// the theme's colours onto the overlays and the gutter.
func newEdStyles(t themes.Theme, gen uint64) *edStyles {
	s := &edStyles{theme: t, gen: gen}
	cs := styles.Get(t.ChromaFor(lipgloss.HasDarkBackground()))
	for k := edTok(0); k < edTokCount; k++ {
		base := edTokenStyle(t, cs, k)
		s.tok[k][edOvNone] = edAnsiOf(base)
		s.tok[k][edOvLine] = edAnsiOf(base.Background(color(t.CursorLine)))
		s.tok[k][edOvCursor] = edAnsiOf(base.Reverse(true))
		if t.Mono {
			// Selection is reverse video too: underline tells the cursor.
			s.tok[k][edOvCursor] = edAnsiOf(base.Reverse(true).Underline(true))
			s.tok[k][edOvSel] = edAnsiOf(base.Reverse(true))
			s.tok[k][edOvMatch] = edAnsiOf(base.Underline(true).Bold(true))
			s.tok[k][edOvCurMatch] = edAnsiOf(base.Reverse(true).Underline(true))
		} else {
			s.tok[k][edOvSel] = edAnsiOf(base.Background(color(t.Selection)))
			// Reversed so the match is a block of the accent colour with
			// the terminal's own background as the text: legible on any.
			s.tok[k][edOvMatch] = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Warning)).Reverse(true))
			s.tok[k][edOvCurMatch] = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Accent)).Reverse(true).Bold(true))
		}
	}
	s.fill[edOvLine] = edAnsiOf(lipgloss.NewStyle().Background(color(t.CursorLine)))
	s.gutter = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Gutter)))
	s.gutterCur = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Text)).Bold(true))
	s.gutterErr = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true))
	s.marker = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true))
	s.warnMark = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Warning)).Bold(true))
	s.status = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true))
	s.notice = edAnsiOf(lipgloss.NewStyle().Foreground(color(t.Muted)))
	s.promptStyle = lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true)
	s.prompt = edAnsiOf(s.promptStyle)
	s.inputStyle = lipgloss.NewStyle().Foreground(color(t.Text))
	return s
}

// edTokenStyle is a token's colour and emphasis from the chroma style
// (background ignored: the pane's background is the terminal's). Mono
// themes use emphasis only.
func edTokenStyle(t themes.Theme, cs *chroma.Style, k edTok) lipgloss.Style {
	st := lipgloss.NewStyle()
	if k == edTokEscape {
		// Escaped control bytes are not code: muted, so they read as
		// "something invisible is here" rather than as text.
		if t.Mono {
			return st.Faint(true)
		}
		return st.Foreground(color(t.Muted))
	}
	if t.Mono {
		switch k {
		case edTokKeyword, edTokKeywordDecl, edTokKeywordConst, edTokOperatorWord:
			return st.Bold(true)
		case edTokCommentMulti, edTokCommentSingle, edTokPreproc:
			return st.Italic(true)
		case edTokError:
			return st.Underline(true)
		}
		return st
	}
	e := cs.Get(edTokChroma[k])
	if e.Colour.IsSet() {
		st = st.Foreground(lipgloss.Color(e.Colour.String()))
	}
	if e.Bold == chroma.Yes {
		st = st.Bold(true)
	}
	if e.Italic == chroma.Yes {
		st = st.Italic(true)
	}
	if e.Underline == chroma.Yes {
		st = st.Underline(true)
	}
	return st
}
