package editor

import (
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"luascope/themes"
	"luascope/themes/termcolor"
)

// ansiSeq is a style as the escape sequences that open and close it. The
// editor draws thousands of small runs per frame; a lipgloss Render for
// each would be the slow path lipgloss #81 warns about, so each style is
// rendered once per theme and its sequences are reused. With a no-colour
// profile both are empty.
type ansiSeq struct{ open, close string }

// ansiSeqOf is st's sequences, made directly (directSeq) where they can
// be, else by rendering st around a NUL byte and splitting there.
func ansiSeqOf(st lipgloss.Style) ansiSeq { return seqBy(st, directSeq) }

// tokenSeq is ansiSeqOf for the editor's own styles, colours and
// emphasis only (emphasisSeq).
func tokenSeq(st lipgloss.Style) ansiSeq { return seqBy(st, emphasisSeq) }

// seqBy is st's sequences made by direct, or by lipgloss's Render where
// direct cannot make them (or renderSeqs asks for Render only).
func seqBy(st lipgloss.Style, direct func(lipgloss.Style) (ansiSeq, bool)) ansiSeq {
	if !renderSeqs {
		if s, ok := direct(st); ok {
			return s
		}
	}
	return renderedSeq(st)
}

// StyleSeq is what st writes before and after one (non-space) character,
// made without lipgloss's Render where it can be (directSeq): for the
// panes' inks, built per theme, which are the same kind of styles.
func StyleSeq(st lipgloss.Style) (open, close string) {
	s := ansiSeqOf(st)
	return s.open, s.close
}

// renderSeqs makes ansiSeqOf use lipgloss's Render only: TestDirectSeq
// builds every style both ways.
var renderSeqs bool

// renderedSeq is ansiSeqOf by lipgloss's own Render, around a NUL.
func renderedSeq(st lipgloss.Style) ansiSeq { return splitAtNUL(st.Render("\x00")) }

// splitAtNUL is a style drawn around a NUL, split there.
func splitAtNUL(s string) ansiSeq {
	i := strings.IndexByte(s, 0)
	if i < 0 {
		return ansiSeq{}
	}
	return ansiSeq{open: s[:i], close: s[i+1:]}
}

// Overlays drawn over a token's colour, from least to most important.
const (
	ovNone     = iota
	ovLine     // the cursor's line
	ovSel      // selected text
	ovMatch    // a search match
	ovCurMatch // the search match the cursor is on
	ovCursor   // the cursor cell, reverse video
	ovCount
)

// Styles is everything the editor draws with, built once per theme by
// NewStyles: the sequences are rendered up front because View draws
// thousands of small runs per frame.
type Styles struct {
	theme themes.Theme
	gen   uint64 // changes with the theme; part of the row cache key

	tok [tokCount][ovCount]ansiSeq
	// fill is the empty rest of a row: nothing, or the cursor line's
	// background.
	fill [ovCount]ansiSeq

	gutter, gutterCur, gutterErr, marker ansiSeq
	warnMark                             ansiSeq
	status, notice, prompt               ansiSeq

	promptStyle, inputStyle lipgloss.Style
}

// NewStyles maps the theme's chroma style onto the editor's tokens and
// the theme's colours onto the overlays and the gutter. It may ask the
// terminal for its background colour (for the chroma style), so it is
// called before the program starts or on a theme switch, never in View.
//
// The result is kept per theme, colour profile and background: building
// it costs ~2 ms of lipgloss rendering, which the terminal UI does ahead,
// while it connects (see tui.go), and a theme switch back costs nothing.
func NewStyles(t themes.Theme) *Styles {
	k := stylesKey{t, lipgloss.ColorProfile(), lipgloss.HasDarkBackground()}
	v, ok := builtStyles.Load(k)
	if !ok {
		v, _ = builtStyles.LoadOrStore(k, &builtEntry{})
	}
	e := v.(*builtEntry)
	// A caller that comes while another builds the same styles waits for
	// that build rather than doing it twice: the terminal UI builds them
	// on one goroutine while New, on another, gets to the editor.
	e.once.Do(func() { e.s = buildStyles(t, k.dark) })
	// A copy: the render cache stamps its own generation on it.
	s := *e.s
	return &s
}

// builtStyles is NewStyles' cache: stylesKey → *builtEntry.
var builtStyles sync.Map

// builtEntry is one key's styles, built once and never modified.
type builtEntry struct {
	once sync.Once
	s    *Styles
}

// stylesKey is what a Styles depends on besides nothing else: the theme,
// the colour profile its sequences are rendered for, and whether the
// background is dark (the chroma style of an adaptive theme).
type stylesKey struct {
	theme   themes.Theme
	profile termenv.Profile
	dark    bool
}

// buildStyles renders every style NewStyles returns.
func buildStyles(t themes.Theme, dark bool) *Styles {
	s := &Styles{theme: t}
	cs := t.ChromaStyle(dark)
	for k := tok(0); k < tokCount; k++ {
		base := tokenStyle(t, cs, k)
		s.tok[k][ovNone] = tokenSeq(base)
		s.tok[k][ovLine] = tokenSeq(base.Background(color(t.CursorLine)))
		s.tok[k][ovCursor] = tokenSeq(base.Reverse(true))
		if t.Mono {
			// Selection is reverse video too: underline tells the cursor.
			s.tok[k][ovCursor] = tokenSeq(base.Reverse(true).Underline(true))
			s.tok[k][ovSel] = tokenSeq(base.Reverse(true))
			s.tok[k][ovMatch] = tokenSeq(base.Underline(true).Bold(true))
			s.tok[k][ovCurMatch] = tokenSeq(base.Reverse(true).Underline(true))
		} else {
			// Selected code is drawn in Text, whose contrast on
			// Selection is tested, keeping the token's emphasis: a
			// token colour is only tested on the backgrounds code sits on.
			s.tok[k][ovSel] = tokenSeq(base.Foreground(color(t.Text)).Background(color(t.Selection)))
			// Reversed so the match is a block of the accent colour with
			// the terminal's own background as the text: legible on any.
			s.tok[k][ovMatch] = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Warning)).Reverse(true))
			s.tok[k][ovCurMatch] = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Accent)).Reverse(true).Bold(true))
		}
	}
	s.fill[ovLine] = tokenSeq(lipgloss.NewStyle().Background(color(t.CursorLine)))
	s.gutter = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Gutter)))
	s.gutterCur = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Text)).Bold(true))
	s.gutterErr = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true))
	s.marker = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true))
	s.warnMark = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Warning)).Bold(true))
	s.status = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true))
	s.notice = tokenSeq(lipgloss.NewStyle().Foreground(color(t.Muted)))
	s.promptStyle = lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true)
	s.prompt = tokenSeq(s.promptStyle)
	s.inputStyle = lipgloss.NewStyle().Foreground(color(t.Text))
	return s
}

// tokenStyle is a token's colour and emphasis from the chroma style
// (background ignored: the pane's background is the terminal's, and the
// theme's chroma styles are chosen for contrast on it). Mono
// themes use emphasis only.
func tokenStyle(t themes.Theme, cs *chroma.Style, k tok) lipgloss.Style {
	st := lipgloss.NewStyle()
	if k == tokEscape {
		// Escaped control bytes are not code: muted, so they read as
		// "something invisible is here" rather than as text.
		if t.Mono {
			return st.Faint(true)
		}
		return st.Foreground(color(t.Muted))
	}
	if t.Mono {
		switch k {
		case tokKeyword, tokKeywordDecl, tokKeywordConst, tokOperatorWord:
			return st.Bold(true)
		case tokCommentMulti, tokCommentSingle, tokPreproc:
			return st.Italic(true)
		case tokError:
			return st.Underline(true)
		}
		return st
	}
	e := cs.Get(tokChroma[k])
	if e.Colour.IsSet() {
		st = st.Foreground(termcolor.Hex(e.Colour.String()))
	} else {
		// A style that leaves a token to the terminal's colour (github's
		// names) gets the theme's text colour, whose contrast is tested,
		// rather than whatever the terminal's is.
		st = st.Foreground(color(t.Text))
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

// directSeq is what lipgloss's Render writes around one non-space
// character, made with termenv directly: the editor builds ~150 styles
// per theme, and Render's general work (splitting, tabs, wrapping,
// measuring) was most of the terminal UI's cold start in them. It covers
// the attributes and colours the editor's styles use, applied in
// lipgloss's order (v1: bold, italic, underline, reverse, blink, faint,
// foreground, background, then underline again and strikethrough);
// false for a style with anything else (padding, margins, a border, a
// width, a transform…), which renderedSeq handles. TestDirectSeq checks
// it against Render for every style of every theme, profile and
// background.
func directSeq(st lipgloss.Style) (ansiSeq, bool) {
	if !unboxed(st) {
		return ansiSeq{}, false
	}
	return emphasisSeq(st)
}

// emphasisSeq is directSeq for a style known to draw nothing around its
// text (unboxed): the editor's token and overlay styles, made of colours
// and emphasis only, which TestDirectSeq renders both ways for every
// theme, profile and background. It skips unboxed's getters, which
// copy the whole lipgloss.Style a call and were a third of the editor's
// styles.
func emphasisSeq(st lipgloss.Style) (ansiSeq, bool) {
	p := lipgloss.ColorProfile()
	bold, italic, underline, reverse := st.GetBold(), st.GetItalic(), st.GetUnderline(), st.GetReverse()
	blink, faint, strike := st.GetBlink(), st.GetFaint(), st.GetStrikethrough()
	fg, bg := st.GetForeground(), st.GetBackground()
	_, fgNone := fg.(lipgloss.NoColor)
	_, bgNone := bg.(lipgloss.NoColor)
	if !bold && !italic && !underline && !reverse && !blink && !faint && !strike && fgNone && bgNone {
		// Render returns the text as it is when no property is set; a
		// style with only unset colours is the same.
		return ansiSeq{}, true
	}
	// termenv's Style in lipgloss's order, its SGR parameters collected
	// here rather than through termenv.Style (a slice grown per property
	// and a Sprintf per colour and per Styled): the same bytes, checked by
	// TestDirectSeq.
	var buf [10]string
	seq := buf[:0]
	for _, a := range []struct {
		on  bool
		sgr string
	}{{bold, termenv.BoldSeq}, {italic, termenv.ItalicSeq}, {underline, termenv.UnderlineSeq},
		{reverse, termenv.ReverseSeq}, {blink, termenv.BlinkSeq}, {faint, termenv.FaintSeq}} {
		if a.on {
			seq = append(seq, a.sgr)
		}
	}
	for i, c := range [2]struct {
		col  lipgloss.TerminalColor
		none bool
	}{{fg, fgNone}, {bg, bgNone}} {
		if c.none {
			continue
		}
		cs, set, ok := colorSeq(p, c.col, i == 1)
		if !ok {
			return ansiSeq{}, false
		}
		if set {
			seq = append(seq, cs)
		}
	}
	if underline {
		seq = append(seq, termenv.UnderlineSeq)
	}
	if strike {
		seq = append(seq, termenv.CrossOutSeq)
	}
	joined := strings.Join(seq, ";")
	if p == termenv.Ascii || joined == "" {
		// termenv's Styled returns the text alone then.
		return ansiSeq{}, true
	}
	return ansiSeq{open: termenv.CSI + joined + "m", close: termenv.CSI + termenv.ResetSeq + "m"}, true
}

// unboxed reports whether st draws nothing around its text (no padding,
// margins, border, size, inline or transform): what directSeq can make.
// The getters one by one: lipgloss's frame-size getters work out implicit
// borders, several times a style, which was a third of directSeq.
func unboxed(st lipgloss.Style) bool {
	pt, pr, pb, pl := st.GetPadding()
	mt, mr, mb, ml := st.GetMarginTop(), st.GetMarginRight(), st.GetMarginBottom(), st.GetMarginLeft()
	if pt|pr|pb|pl|mt|mr|mb|ml != 0 || st.GetWidth() != 0 || st.GetHeight() != 0 || st.GetMaxWidth() != 0 ||
		st.GetMaxHeight() != 0 || st.GetInline() || st.GetTransform() != nil {
		return false
	}
	// A border style alone draws all four sides (lipgloss's implicit
	// borders): any border at all is left to Render.
	return !st.GetBorderTop() && !st.GetBorderRight() && !st.GetBorderBottom() && !st.GetBorderLeft() &&
		st.GetBorderStyle() == (lipgloss.Border{})
}

// colorSeq is the SGR parameter termenv writes for c on profile p, as a
// foreground or (bg) a background colour, and whether it writes one at
// all (termenv skips a colour that resolves to nil: "", an invalid name);
// ok is false for a kind of colour termColor does not know. Memoized: a
// theme has a few dozen colours, each drawn as dozens of styles.
func colorSeq(p termenv.Profile, c lipgloss.TerminalColor, bg bool) (seq string, set, ok bool) {
	switch c.(type) {
	case lipgloss.Color, lipgloss.AdaptiveColor: // the kinds termColor knows, comparable keys
	default:
		return "", false, false
	}
	dark := lipgloss.HasDarkBackground()
	k := colorSeqKey{p, c, bg, dark}
	if v, ok := colorSeqs.Load(k); ok {
		cp := v.(colorParam)
		return cp.seq, cp.set, true
	}
	tc, ok := termColor(p, c, dark)
	if !ok {
		return "", false, false
	}
	var cp colorParam
	if tc != nil {
		cp = colorParam{seq: tc.Sequence(bg), set: true}
	}
	colorSeqs.Store(k, cp)
	return cp.seq, cp.set, true
}

// colorParam is one colorSeq answer.
type colorParam struct {
	seq string
	set bool
}

// colorSeqKey is what colorSeq's answer depends on (an adaptive colour
// by the background).
type colorSeqKey struct {
	p    termenv.Profile
	c    lipgloss.TerminalColor
	bg   bool
	dark bool
}

// colorSeqs is colorSeq's memo: colorSeqKey → colorParam.
var colorSeqs sync.Map

// termColor is the termenv colour lipgloss renders c as on profile p (an
// adaptive colour by the background lipgloss knows); false for a kind of
// colour it does not know, which renderedSeq then handles.
func termColor(p termenv.Profile, c lipgloss.TerminalColor, dark bool) (termenv.Color, bool) {
	switch v := c.(type) {
	case lipgloss.Color:
		return p.Color(string(v)), true
	case lipgloss.AdaptiveColor:
		if dark {
			return p.Color(v.Dark), true
		}
		return p.Color(v.Light), true
	}
	return nil, false
}
