package ui

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/themes"
)

// themeVariant is one theme as a terminal draws it: the colour profile
// and whether the terminal reports a dark background, which picks an
// adaptive theme's half and its chroma style.
type themeVariant struct {
	name    string
	theme   themes.Theme
	dark    bool
	profile termenv.Profile
}

// themeVariants are every theme on every background it draws differently
// on, in true colour, plus NO_COLOR: the theme themes.FromEnv gives for
// it (mono) on the ANSI profile luascope's noColorProfile keeps for it,
// so reverse, bold and underline survive.
func themeVariants(t testing.TB) []themeVariant {
	get := func(name string) themes.Theme {
		th, err := themes.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	noColor := themes.FromEnv("high-contrast", func(k string) string {
		if k == themes.NoColorEnv {
			return "1"
		}
		return ""
	})
	return []themeVariant{
		{"auto-dark", get("auto"), true, termenv.TrueColor},
		{"auto-light", get("auto"), false, termenv.TrueColor},
		{"dark", get("dark"), true, termenv.TrueColor},
		{"light", get("light"), false, termenv.TrueColor},
		{"high-contrast-dark", get("high-contrast"), true, termenv.TrueColor},
		{"high-contrast-light", get("high-contrast"), false, termenv.TrueColor},
		{"no-color", noColor, true, termenv.ANSI},
	}
}

// useVariant points lipgloss at v's profile and background until the
// test ends. Styles are built from them once, in New, so the model must
// be made after this call.
func useVariant(t testing.TB, v themeVariant) {
	wasDark := lipgloss.HasDarkBackground()
	lipgloss.SetColorProfile(v.profile)
	lipgloss.SetHasDarkBackground(v.dark)
	t.Cleanup(func() {
		lipgloss.SetColorProfile(termenv.Ascii)
		lipgloss.SetHasDarkBackground(wasDark)
	})
}

// themedModel is offlineModel in theme th.
func themedModel(th themes.Theme) Model {
	return New(Options{
		Target: redisx.Target{Network: "tcp", Addr: "127.0.0.1:6379", Protocol: 2},
		Source: demoSrc, Filename: "limit.lua", Keys: []string{"rate:demo"}, Args: []string{"5", "60"},
		Theme: th, Label: "sandbox",
	})
}

// themeStates are the main screen with everything a theme colours: a
// reply of every type in the tree, a trace, an error with its panel and
// status line.
var themeStates = []struct {
	name string
	make func(th themes.Theme) Model
}{
	{"result", func(th themes.Theme) Model {
		m := themedModel(th)
		sha := redisx.SHA1(demoSrc)
		st := fixedSteps(sha)
		reply := resp.Value{Kind: resp.Array, Elems: []resp.Value{
			{Kind: resp.Integer, Int: 7},
			{Kind: resp.Bulk, Str: []byte("hello")},
			{Kind: resp.Status, Str: []byte("OK")},
			{Kind: resp.Nil, NilWire: '$'},
			{Kind: resp.Error, Str: []byte("ERR nested")},
			{Kind: resp.Double, Float: 1.5, Str: []byte("1.5")},
			{Kind: resp.Array, Elems: []resp.Value{{Kind: resp.Bulk, Str: []byte("inner")}}},
		}}
		st[2].Reply = &reply
		m = feedRun(m, st, &reply, nil)
		m.setFocus(paneResult)
		return m
	}},
	{"error", func(th themes.Theme) Model {
		m := themedModel(th)
		sha := redisx.SHA1(demoSrc)
		msg := "ERR user_script:2: Script attempted to access nonexistent global variable 'nosuch' script: " + sha + ", on @user_script:2."
		c := classify.Classify(msg)
		v := resp.Value{Kind: resp.Error, Str: []byte(msg)}
		st := []redisx.Step{{Seq: 1, Command: []string{"EVALSHA", sha, "1", "rate:demo", "5", "60"}, Node: "127.0.0.1:6379", Conn: "127.0.0.1:50000", Outcome: redisx.OutcomeError, Reply: &v}}
		m = feedRun(m, st, &v, &c)
		m.setFocus(paneError)
		return m
	}},
}

// TestGoldenThemes draws the main screen in every theme, in colour (the
// other goldens are plain text), at 80×24 and 120×40, and checks the
// contrast of every glyph drawn: the goldens show what each theme looks
// like, the check that no pane composes colours the themes' own tests
// did not check.
func TestGoldenThemes(t *testing.T) {
	for _, v := range themeVariants(t) {
		for _, s := range themeStates {
			for _, sz := range [][2]int{{80, 24}, {120, 40}} {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", v.name, s.name, sz[0], sz[1]), func(t *testing.T) {
					useVariant(t, v)
					view := sized(s.make(v.theme), sz[0], sz[1]).View()
					checkFrameContrast(t, v, view)
					teatest.RequireEqualOutput(t, []byte(view))
				})
			}
		}
	}
}

// cell is one glyph of a frame with the attributes it is drawn with;
// fg and bg are "#RRGGBB", or "" for the terminal's own.
type cell struct {
	r                                       rune
	fg, bg                                  string
	bold, faint, italic, underline, reverse bool
}

// xterm16 is the usual value of the 16 ANSI colours (xterm's), for the
// few places a style names one by number.
var xterm16 = [16]string{"#000000", "#CD0000", "#00CD00", "#CDCD00", "#0000EE", "#CD00CD", "#00CDCD", "#E5E5E5",
	"#7F7F7F", "#FF0000", "#00FF00", "#FFFF00", "#5C5CFF", "#FF00FF", "#00FFFF", "#FFFFFF"}

// xterm256 is colour n of xterm's 256-colour palette.
func xterm256(n int) string {
	switch {
	case n < 16:
		return xterm16[n]
	case n < 232:
		n -= 16
		step := func(i int) int {
			if i == 0 {
				return 0
			}
			return 55 + 40*i
		}
		return fmt.Sprintf("#%02X%02X%02X", step(n/36), step(n/6%6), step(n%6))
	}
	g := 8 + 10*(n-232)
	return fmt.Sprintf("#%02X%02X%02X", g, g, g)
}

// frameCells splits a frame into lines of cells, following the SGR
// sequences (the only escapes the panes write; anything else fails).
func frameCells(t testing.TB, frame string) [][]cell {
	t.Helper()
	var lines [][]cell
	var line []cell
	var cur cell
	for i := 0; i < len(frame); {
		if frame[i] == '\x1b' {
			if i+1 >= len(frame) || frame[i+1] != '[' {
				t.Fatalf("escape other than CSI at byte %d: %q", i, frame[i:min(len(frame), i+12)])
			}
			j := i + 2
			for j < len(frame) && (frame[j] >= '0' && frame[j] <= '9' || frame[j] == ';') {
				j++
			}
			if j >= len(frame) || frame[j] != 'm' {
				t.Fatalf("CSI other than SGR at byte %d: %q", i, frame[i:min(len(frame), j+1)])
			}
			applySGR(t, &cur, frame[i+2:j])
			i = j + 1
			continue
		}
		r, n := utf8.DecodeRuneInString(frame[i:])
		i += n
		if r == '\n' {
			lines = append(lines, line)
			line = nil
			continue
		}
		c := cur
		c.r = r
		line = append(line, c)
	}
	return append(lines, line)
}

// applySGR changes c's attributes by the parameters of one SGR sequence.
func applySGR(t testing.TB, c *cell, params string) {
	ps := strings.Split(params, ";")
	num := func(i int) int {
		if i >= len(ps) {
			t.Fatalf("SGR %q: too few parameters", params)
		}
		n, err := strconv.Atoi(ps[i])
		if err != nil {
			t.Fatalf("SGR %q: %v", params, err)
		}
		return n
	}
	for i := 0; i < len(ps); i++ {
		if ps[i] == "" {
			*c = cell{}
			continue
		}
		switch n := num(i); {
		case n == 0:
			*c = cell{}
		case n == 1:
			c.bold = true
		case n == 2:
			c.faint = true
		case n == 3:
			c.italic = true
		case n == 4:
			c.underline = true
		case n == 7:
			c.reverse = true
		case n == 22:
			c.bold, c.faint = false, false
		case n == 23:
			c.italic = false
		case n == 24:
			c.underline = false
		case n == 27:
			c.reverse = false
		case n >= 30 && n <= 37:
			c.fg = xterm16[n-30]
		case n >= 90 && n <= 97:
			c.fg = xterm16[n-90+8]
		case n >= 40 && n <= 47:
			c.bg = xterm16[n-40]
		case n >= 100 && n <= 107:
			c.bg = xterm16[n-100+8]
		case n == 39:
			c.fg = ""
		case n == 49:
			c.bg = ""
		case n == 38 || n == 48:
			var col string
			switch num(i + 1) {
			case 5:
				col = xterm256(num(i + 2))
				i += 2
			case 2:
				col = fmt.Sprintf("#%02X%02X%02X", num(i+2), num(i+3), num(i+4))
				i += 4
			default:
				t.Fatalf("SGR %q: unknown colour form", params)
			}
			if n == 38 {
				c.fg = col
			} else {
				c.bg = col
			}
		default:
			t.Fatalf("SGR %q: parameter %d not expected from the panes", params, n)
		}
	}
}

// checkFrameContrast checks every glyph of a coloured frame on what it is
// drawn on, against the theme's MinContrast. The terminal's own colours
// are assumed as in themes.Background: a dark terminal is white on black,
// a light one black on white. Box-drawing lines are left out except in
// high-contrast: the unfocused border is meant to recede (themes checks
// the focused one). A mono frame must hold no colour at all.
func checkFrameContrast(t *testing.T, v themeVariant, frame string) {
	t.Helper()
	th := v.theme
	defBg := th.Background(v.dark)
	defFg := themes.LightBackground
	if defBg == themes.LightBackground {
		defFg = themes.DarkBackground
	}
	seen := map[string]bool{}
	for y, line := range frameCells(t, frame) {
		for x, c := range line {
			if th.Mono {
				if c.fg != "" || c.bg != "" {
					t.Fatalf("mono: colour at %d,%d (%q): %+v", x, y, c.r, c)
				}
				continue
			}
			if c.r == ' ' || (c.r >= 0x2500 && c.r <= 0x257F && th.MinContrast() < 7) {
				continue
			}
			fg, bg := cmp.Or(c.fg, defFg), cmp.Or(c.bg, defBg)
			if c.reverse {
				fg, bg = bg, fg
			}
			r, err := themes.Contrast(fg, bg)
			if err != nil {
				t.Fatal(err)
			}
			if k := fg + bg; r < th.MinContrast() && !seen[k] {
				seen[k] = true
				t.Errorf("%s: %q at %d,%d: %s on %s = %.2f:1, want ≥ %.1f; line: %s",
					v.name, c.r, x, y, fg, bg, r, th.MinContrast(), cellText(line))
			}
		}
	}
}

// cellText is a line's glyphs, for messages.
func cellText(line []cell) string {
	var b strings.Builder
	for _, c := range line {
		b.WriteRune(c.r)
	}
	return strings.TrimRight(b.String(), " ")
}

// TestNoColorKeepsCues: under NO_COLOR (the mono theme on the ANSI
// profile, as luascope runs it) nothing is coloured, yet the editor's
// cursor (reverse and underline) and selection (reverse), the focused
// pane (bold border, ▶ before its title) and the tree's selected row
// (reverse when focused, underline when not) are all still drawn.
func TestNoColorKeepsCues(t *testing.T) {
	vs := themeVariants(t)
	v := vs[len(vs)-1]
	if !v.theme.Mono || v.profile != termenv.ANSI {
		t.Fatalf("the NO_COLOR variant is %+v", v)
	}
	useVariant(t, v)
	frame := func(m Model) [][]cell {
		t.Helper()
		view := m.View()
		checkFrameContrast(t, v, view)
		return frameCells(t, view)
	}
	// lineWith is the first line holding text, and where the text starts.
	lineWith := func(lines [][]cell, text string) ([]cell, int) {
		for _, l := range lines {
			if i := strings.Index(cellText(l), text); i >= 0 {
				return l, len([]rune(cellText(l)[:i]))
			}
		}
		t.Fatalf("no line holds %q", text)
		return nil, 0
	}
	count := func(lines [][]cell, ok func(cell) bool) int {
		n := 0
		for _, l := range lines {
			for _, c := range l {
				if ok(c) {
					n++
				}
			}
		}
		return n
	}

	// The editor focused: its border bold, its title marked, the cursor
	// a reverse underlined cell.
	m := sized(themedModel(v.theme), 120, 40)
	if m.focus != paneEditor {
		t.Fatalf("focus %s, want the editor", m.focus)
	}
	lines := frame(m)
	top, x := lineWith(lines, "▶Script")
	if !top[x].bold || !top[0].bold {
		t.Errorf("focused pane's title or border not bold: %+v %+v", top[0], top[x])
	}
	if n := count(lines, func(c cell) bool { return c.reverse && c.underline }); n != 1 {
		t.Errorf("%d cursor cells (reverse and underline), want 1", n)
	}
	other, x := lineWith(lines, " Result ")
	if other[x].bold {
		t.Errorf("an unfocused pane's title is bold")
	}

	// Select all: the script's text in reverse video.
	mm, _ := m.Update(tea.KeyMsg{Type: tea.KeyCtrlA})
	m = mm.(Model)
	lines = frame(m)
	l, x := lineWith(lines, "rate limiter")
	for i, c := range l[x : x+len("rate limiter")] {
		if !c.reverse {
			t.Errorf("selected %q (column %d) not in reverse video", c.r, x+i)
		}
	}

	// A reply in the tree: its selected row reverse when the tree has
	// the focus, underlined when it has not.
	st := fixedSteps(redisx.SHA1(demoSrc))
	m = feedRun(sized(themedModel(v.theme), 120, 40), st, st[2].Reply, nil)
	m.setFocus(paneResult)
	l, x = lineWith(frame(m), "▾ array[2]")
	if !l[x].reverse || !l[x+2].reverse {
		t.Errorf("the focused tree's selected row is not reverse: %+v", l[x])
	}
	m.setFocus(paneTrace)
	l, x = lineWith(frame(m), "▾ array[2]")
	if !l[x+2].underline || l[x+2].reverse {
		t.Errorf("the blurred tree's selected row is not underlined: %+v", l[x+2])
	}
}

// TestThemeContrastEverywhere checks the contrast of every glyph, as in
// TestGoldenThemes, on the screens the goldens do not show: the help, a
// find in the editor over a selection on the cursor's line, a typed
// confirmation, a prompt and the history with its filter.
func TestThemeContrastEverywhere(t *testing.T) {
	press := func(m Model, msgs ...tea.Msg) Model {
		for _, msg := range msgs {
			mm, _ := m.Update(msg)
			m = mm.(Model)
		}
		return m
	}
	states := map[string]func(th themes.Theme) Model{
		"help": func(th themes.Theme) Model {
			m := themedModel(th)
			m.overlays.push(&helpScreen{})
			return m
		},
		"select-find": func(th themes.Theme) Model {
			m := press(themedModel(th), tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyShiftRight},
				tea.KeyMsg{Type: tea.KeyShiftRight}, tea.KeyMsg{Type: tea.KeyShiftDown})
			return press(m, tea.KeyMsg{Type: tea.KeyCtrlF}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("calls")})
		},
		"typed": func(th themes.Theme) Model {
			m := themedModel(th)
			m.overlays.push(newTyped("Flush the database?", "Every key goes.", "FLUSHALL", nil))
			return m
		},
		"prompt": func(th themes.Theme) Model {
			m := themedModel(th)
			m.overlays.push(newPathPrompt("Open", "limit.lua", func(string) tea.Cmd { return nil }))
			return m
		},
		"history": func(th themes.Theme) Model {
			m := themedModel(th)
			m.hist.SetEntries([]history.Entry{
				{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Target: "redis://127.0.0.1:6379", SHA: redisx.SHA1(demoSrc), Source: demoSrc, Strategy: "evalsha-load", Reply: "array[2]", Micros: 270},
				{Time: time.Date(2026, 1, 2, 3, 5, 5, 0, time.UTC), Target: "redis://127.0.0.1:6379", SHA: redisx.SHA1(demoSrc), Source: demoSrc, Strategy: "evalsha-load", ErrorClass: "runtime", Error: "ERR boom", Micros: 90},
			})
			m.setFocus(paneHistory)
			return m
		},
	}
	for _, v := range themeVariants(t) {
		for name, mk := range states {
			for _, sz := range [][2]int{{80, 24}, {120, 40}} {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", v.name, name, sz[0], sz[1]), func(t *testing.T) {
					useVariant(t, v)
					checkFrameContrast(t, v, sized(mk(v.theme), sz[0], sz[1]).View())
				})
			}
		}
	}
}

// TestNoColorThemeKeyKeepsMono: F12 under NO_COLOR would switch to a
// colour theme that the ANSI profile draws in colour; it keeps mono and
// says why.
func TestNoColorThemeKeyKeepsMono(t *testing.T) {
	m := New(Options{
		Target: redisx.Target{Network: "tcp", Addr: "127.0.0.1:6379", Protocol: 2},
		Source: demoSrc, Theme: monoTheme(t), NoColor: true,
	})
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyF12})
	if m.c.Theme.Name != monoTheme(t).Name || !strings.Contains(m.status, "NO_COLOR") {
		t.Fatalf("theme %q, status %q", m.c.Theme.Name, m.status)
	}
	m.opts.NoColor = false
	m, _ = guardKey(m, tea.KeyMsg{Type: tea.KeyF12})
	if m.c.Theme.Name == monoTheme(t).Name {
		t.Fatalf("without NO_COLOR F12 should change the theme, still %q", m.c.Theme.Name)
	}
}
