package ui

// Drawing helpers shared by the result tree, the trace and the error panel.
// They live in a tree_*.go file only because of how the ui package's files
// are divided between engineers; nothing here is specific to the tree.

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/resp"
	"luascope/themes"
	"luascope/ui/editor"
)

// ink is a lipgloss style reduced to the escape sequences it writes before
// and after a piece of single-line text. Styles are built once per theme
// with lipgloss and turned into inks, so a frame only concatenates strings:
// no lipgloss.NewStyle or Render per row (lipgloss issue #81).
type ink struct{ pre, post string }

// inkOf is what s writes around a piece of text (editor.StyleSeq: what
// lipgloss renders around a sentinel, mostly without Render).
func inkOf(s lipgloss.Style) ink {
	pre, post := editor.StyleSeq(s)
	return ink{pre: pre, post: post}
}

// on paints plain single-line text s.
func (k ink) on(s string) string {
	if s == "" || (k.pre == "" && k.post == "") {
		return s
	}
	return k.pre + s + k.post
}

// put appends s painted with k to b.
func (k ink) put(b *strings.Builder, s string) {
	if s == "" {
		return
	}
	b.WriteString(k.pre)
	b.WriteString(s)
	b.WriteString(k.post)
}

// inkKey identifies the palette a pane's inks were built from, so a theme
// switch (Common.Theme replaced) rebuilds them on the next frame and only
// then. It holds the fields these panes read rather than the whole Theme,
// which keeps it comparable whatever fields Theme grows.
type inkKey struct {
	name   string
	mono   bool
	colors [17]themes.Color
}

func inkKeyOf(th themes.Theme) inkKey {
	return inkKey{name: th.Name, mono: th.Mono, colors: [17]themes.Color{
		th.Text, th.Muted, th.Accent, th.Error, th.Warning, th.OK, th.Selection, th.CursorLine,
		th.TypeInteger, th.TypeBulk, th.TypeStatus, th.TypeError, th.TypeNil, th.TypeAggregate,
		th.TypeOther, th.StatusBg, th.StatusFg,
	}}
}

// fgStyle is a style with the theme colour c as foreground.
func fgStyle(c themes.Color) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(color(c))
}

// cellFit cuts plain (style-free) text to at most w cells, ending in "…"
// when it had to cut, then pads it with spaces to exactly w cells.
func cellFit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// cellCut cuts text (styled or not) to at most w cells, with "…" when cut.
func cellCut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// blockFit turns lines into a block of exactly w×h cells: missing lines
// are blank, extra lines dropped, each line cut or padded. Lines may be
// styled. A pane's View is always its exact size, so the root can join
// panes without measuring them; 0 in either dimension gives "".
func blockFit(lines []string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	var b strings.Builder
	blank := strings.Repeat(" ", w)
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i >= len(lines) {
			b.WriteString(blank)
			continue
		}
		l := lines[i]
		n := ansi.StringWidth(l)
		if n > w {
			l = ansi.Truncate(l, w, "…")
			n = ansi.StringWidth(l)
		}
		b.WriteString(l)
		if n < w {
			b.WriteString(blank[:w-n])
		}
	}
	return b.String()
}

// escapeFit escapes server bytes with resp.Escape and fits the result in
// w cells. When all of b does not fit it returns the longest prefix that
// fits in w-1 cells followed by "…", never splitting an escape sequence
// such as \x1b, and cut is true. Only a prefix of b proportional to w is
// escaped, so a 100 MB bulk string costs as little as a short one.
func escapeFit(b []byte, w int) (s string, cut bool) {
	if w <= 0 {
		return "", len(b) > 0
	}
	p := b
	if limit := 4*w + 16; len(p) > limit {
		p = p[:limit]
		for len(p) > 0 && !utf8.RuneStart(b[len(p)]) {
			p = p[:len(p)-1]
		}
	}
	esc := resp.Escape(p)
	whole := len(p) == len(b)
	width, cutAt := 0, 0
	for i := 0; i < len(esc); {
		var n, cw int
		if esc[i] == '\\' && i+1 < len(esc) {
			switch esc[i+1] {
			case 'x':
				n = 4
			case 'u':
				if j := strings.IndexByte(esc[i:], '}'); j > 0 {
					n = j + 1
				} else {
					n = 2
				}
			default:
				n = 2
			}
			n = min(n, len(esc)-i)
			cw = n
		} else {
			cl, cwid := ansi.FirstGraphemeCluster(esc[i:], ansi.GraphemeWidth)
			n, cw = len(cl), cwid
			if j := strings.IndexByte(cl, '\\'); j > 0 { // never glue an escape to a cluster
				n, cw = j, ansi.StringWidth(cl[:j])
			}
			if n == 0 {
				n, cw = 1, 1
			}
		}
		if width+cw <= w-1 {
			cutAt = i + n
		}
		width += cw
		if width > w {
			return esc[:cutAt] + "…", true
		}
		i += n
	}
	if whole {
		return esc, false
	}
	return esc[:cutAt] + "…", true
}

// printableText is resp.Printable, the one rule for drawing text that
// may carry server or user bytes.
func printableText(s string) string { return resp.Printable(s) }

// humanDur prints a round-trip duration the way people read them:
// 76µs, 1.3ms, 2.41s.
func humanDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "0µs"
	case d < time.Millisecond:
		return strconv.FormatInt(d.Microseconds(), 10) + "µs"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}

// decWidth is the number of decimal digits of n ≥ 0.
func decWidth(n int) int {
	w := 1
	for n >= 10 {
		n /= 10
		w++
	}
	return w
}

// keepVisible returns the first visible line that keeps line cur on screen
// in a window of h lines over total lines, moving off as little as needed.
func keepVisible(cur, off, total, h int) int {
	if h <= 0 {
		return 0
	}
	if cur < off {
		off = cur
	}
	if cur >= off+h {
		off = cur - h + 1
	}
	return clampOff(off, total, h)
}

// clampOff keeps a scroll offset inside [0, total-h].
func clampOff(off, total, h int) int {
	if off > total-h {
		off = total - h
	}
	if off < 0 {
		off = 0
	}
	return off
}

// fallbackKeys serves panes built with a nil Common or one without keys
// (tests, previews), so they never dereference nil. Built on first use:
// at init it was most of the package's init time, for every command.
var fallbackKeys = sync.OnceValue(DefaultKeyMap)

// commonKeys is c's key map, or the defaults.
func commonKeys(c *Common) *KeyMap {
	if c != nil && c.Keys != nil {
		return c.Keys
	}
	return fallbackKeys()
}

// commonTheme is c's theme, or the zero theme (terminal colours).
func commonTheme(c *Common) themes.Theme {
	if c != nil {
		return c.Theme
	}
	return themes.Theme{}
}

// helpIf returns a copy of b enabled only when on, so a pane's help shows
// what applies now without disabling the shared binding for other panes.
func helpIf(b key.Binding, on bool) key.Binding {
	b.SetEnabled(on && b.Enabled())
	return b
}

// firstKey is the first key of b for "press X" hints, or def.
func firstKey(b key.Binding, def string) string {
	if ks := b.Keys(); len(ks) > 0 && ks[0] != "" {
		return ks[0]
	}
	return def
}
