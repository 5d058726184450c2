package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/themes"
)

// JumpToLineMsg asks the root to move the editor's cursor to a script line
// that an error names (KeyMap.JumpLine in the error panel). It is exported
// because it is a request between panes, routed by the root, rather than a
// result of a command.
type JumpToLineMsg struct {
	Line int // 1-based line of the script
}

// ErrPanel is the error pane: a classified error spelled out — class and
// source, the message (escaped and wrapped), the script SHA and line, what
// to do, what the class means, and how redis-py and go-redis will report
// it. It scrolls when taller than the pane.
type ErrPanel struct {
	common *Common
	err    *classify.Classification // a private copy; nil: no error
	// action is what a key of this app does about the error (the
	// classification's hint is shared with the CLI, which has no keys).
	action string
	// running is the code that holds a BUSY server (a function's library
	// as another node has it), for the detail only: the panel names it.
	running string

	width, height int
	focused       bool
	offset        int

	cache *errPanelCache
}

// NewErrPanel returns an error panel showing "No error".
func NewErrPanel(c *Common) ErrPanel {
	return ErrPanel{common: c, cache: &errPanelCache{}}
}

var _ Pane = (*ErrPanel)(nil)

// SetError shows c (nil: no error) from the top. The panel keeps a copy,
// so the caller may reuse c.
func (p *ErrPanel) SetError(c *classify.Classification) {
	p.offset = 0
	p.action, p.running = "", ""
	if c == nil {
		p.err = nil
		return
	}
	cp := *c
	p.err = &cp
}

// SetAction sets the line that says which key acts on the error shown
// ("" for none); SetError clears it.
func (p *ErrPanel) SetAction(s string) { p.action = s }

// SetRunning gives the detail (enter) the code a BUSY server runs, as
// read elsewhere; SetError clears it.
func (p *ErrPanel) SetRunning(code string) { p.running = code }

// Classification returns the error shown, nil when none.
func (p ErrPanel) Classification() *classify.Classification { return p.err }

// SetSize sets the pane's size in cells; View returns exactly that.
func (p *ErrPanel) SetSize(width, height int) {
	p.width, p.height = max(width, 0), max(height, 0)
	p.offset = clampOff(p.offset, len(p.lines()), p.height)
}

// Focus makes the pane take keys.
func (p *ErrPanel) Focus() { p.focused = true }

// Blur makes the pane ignore keys.
func (p *ErrPanel) Blur() { p.focused = false }

// Focused reports whether the pane has the focus.
func (p ErrPanel) Focused() bool { return p.focused }

// update scrolls, and on KeyMap.JumpLine returns a command producing a
// JumpToLineMsg when the error names a line.
func (p ErrPanel) update(msg tea.Msg) (ErrPanel, tea.Cmd) {
	if !p.focused || p.err == nil {
		return p, nil
	}
	k := commonKeys(p.common)
	page := max(p.height, 1)
	d := 0
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.JumpLine):
			if line := p.err.Line; line > 0 {
				return p, func() tea.Msg { return JumpToLineMsg{Line: line} }
			}
		case key.Matches(msg, detailKey):
			return p, openDetail(errorDetail(p.err, p.action, p.running))
		case key.Matches(msg, k.Up):
			d = -1
		case key.Matches(msg, k.Down):
			d = 1
		case key.Matches(msg, k.PageUp):
			d = -page
		case key.Matches(msg, k.PageDown):
			d = page
		case key.Matches(msg, k.Top):
			d = -1 << 40
		case key.Matches(msg, k.Bottom):
			d = 1 << 40
		}
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				d = -3
			case tea.MouseButtonWheelDown:
				d = 3
			}
		}
	}
	if d != 0 {
		p.offset = clampOff(p.offset+d, len(p.lines()), p.height)
	}
	return p, nil
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (p *ErrPanel) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*p, cmd = p.update(msg)
	return p, cmd
}

// ShortHelp lists the panel's bindings; "go to line" only when the error
// names a line.
func (p ErrPanel) ShortHelp() []key.Binding {
	k := commonKeys(p.common)
	return []key.Binding{
		helpIf(k.JumpLine, p.err != nil && p.err.Line > 0),
		helpIf(detailKey, p.err != nil),
		helpIf(k.Up, p.scrollable()), helpIf(k.Down, p.scrollable()),
	}
}

// FullHelp lists every binding of the panel.
func (p ErrPanel) FullHelp() [][]key.Binding {
	k := commonKeys(p.common)
	s := p.scrollable()
	return [][]key.Binding{
		{helpIf(k.JumpLine, p.err != nil && p.err.Line > 0), helpIf(detailKey, p.err != nil)},
		{helpIf(k.Up, s), helpIf(k.Down, s), helpIf(k.PageUp, s), helpIf(k.PageDown, s),
			helpIf(k.Top, s), helpIf(k.Bottom, s)},
	}
}

func (p ErrPanel) scrollable() bool {
	return p.err != nil && len(p.lines()) > p.height
}

// View draws the visible part of the error, exactly width×height.
func (p ErrPanel) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	ls := p.lines()
	off := clampOff(p.offset, len(ls), p.height)
	return blockFit(ls[off:], p.width, p.height)
}

// errPanelCache keeps the rendered lines for one (error, width, theme).
type errPanelCache struct {
	err    *classify.Classification
	action string
	w      int
	key    inkKey
	valid  bool
	lines  []string
}

type errPanelStyles struct {
	badgeBad, badgeWarn, label, text, muted, accent, msg ink
}

func newErrPanelStyles(th themes.Theme) errPanelStyles {
	// Reversed: the terminal's own background colour on the class colour,
	// which reads on light and dark terminals alike (and in mono).
	badge := func(c themes.Color) ink {
		return inkOf(lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(color(c)))
	}
	return errPanelStyles{
		badgeBad:  badge(th.Error),
		badgeWarn: badge(th.Warning),
		label:     inkOf(fgStyle(th.Muted)),
		text:      inkOf(fgStyle(th.Text)),
		muted:     inkOf(fgStyle(th.Muted)),
		accent:    inkOf(fgStyle(th.Accent).Bold(true)),
		msg:       inkOf(fgStyle(th.Error)),
	}
}

// errClassIsDetour tells classes that are a normal detour (a client
// handles them by itself or they pass) from real failures, for the badge
// colour.
func errClassIsDetour(c classify.Class) bool {
	switch c {
	case classify.NoScript, classify.Moved, classify.Ask, classify.TryAgain, classify.Loading,
		classify.Busy, classify.ClusterDown, classify.MasterDown:
		return true
	}
	return false
}

// lines returns the panel's content lines for the current width.
func (p ErrPanel) lines() []string {
	w := max(p.width, 1)
	c := p.cache
	if c == nil {
		c = &errPanelCache{}
	}
	th := commonTheme(p.common)
	k := inkKeyOf(th)
	if c.valid && c.err == p.err && c.action == p.action && c.w == w && c.key == k {
		return c.lines
	}
	c.err, c.action, c.w, c.key, c.valid = p.err, p.action, w, k, true
	c.lines = renderErrPanel(c.lines[:0], p.err, p.action, newErrPanelStyles(th), commonKeys(p.common), w)
	return c.lines
}

// errLabelW is the width of the label column ("redis-py  ").
const errLabelW = 10

// renderErrPanel lays the classification out as labelled fields, values
// wrapped to the width. Panes narrower than 30 cells put each label on
// its own line.
func renderErrPanel(out []string, e *classify.Classification, action string, sty errPanelStyles, keys *KeyMap, w int) []string {
	if e == nil {
		return append(out, sty.muted.on(cellCut("No error", w)))
	}
	// class badge and source
	class := printableText(string(e.Class))
	if class == "" {
		class = string(classify.Unknown)
	}
	badge := sty.badgeBad
	if errClassIsDetour(e.Class) {
		badge = sty.badgeWarn
	}
	head := badge.on(" " + class + " ")
	if e.Source != "" {
		head += " " + sty.label.on("source ") + sty.text.on(printableText(string(e.Source)))
	}
	out = append(out, cellCut(head, w))

	// field adds a labelled value; value must already be printable.
	field := func(label, value string, vk ink) {
		if value == "" {
			return
		}
		text := value
		if w < 30 {
			out = append(out, sty.label.on(cellCut(label, w)))
			for _, l := range errWrap(text, w-2) {
				out = append(out, "  "+vk.on(l))
			}
			return
		}
		for i, l := range errWrap(text, w-errLabelW) {
			lab := blanks(errLabelW)
			if i == 0 {
				lab = sty.label.on(label) + blanks(errLabelW-ansi.StringWidth(label))
			}
			out = append(out, lab+vk.on(l))
		}
	}
	if e.Line > 0 {
		line := strconv.Itoa(e.Line)
		jump := firstKey(keys.JumpLine, "enter")
		if keys.JumpLine.Enabled() {
			field("line", line+" · "+jump+": go to line "+line, sty.accent)
		} else {
			field("line", line, sty.accent)
		}
	}
	// What to do comes before the server's text: in a short pane (80×24,
	// or the wide layout's bottom right) the hint must be on screen.
	field("hint", printableParas(e.Hint), sty.text)
	field("keys", printableText(action), sty.accent)
	field("message", resp.Escape([]byte(e.Message)), sty.msg) // the server's text: every byte escaped, as the CLI prints it
	shaLabel, shaValue := errSHAField(e)
	field(shaLabel, shaValue, sty.text)
	field("about", printableParas(e.Class.Explain()), sty.muted)
	field("redis-py", printableParas(e.Clients.RedisPy), sty.text)
	field("go-redis", printableParas(e.Clients.GoRedis), sty.text)
	field("docs", strings.Join(e.Class.Docs(), " "), sty.muted)
	return out
}

// errSHAField is the label and the printable value of the error's SHA.
// A BUSY reply refuses the script you ran because another client's holds
// the server: the SHA luascope fills in is yours, and a bare "sha" next to
// "Running: script" read as the running script's, which the server does
// not tell while it runs.
func errSHAField(e *classify.Classification) (label, value string) {
	if e.SHA == "" || e.Class != classify.Busy {
		return "sha", printableText(e.SHA)
	}
	return "your sha", printableText(e.SHA) + " (your script, refused; not the one running)"
}

// printableParas is printableText for luascope's own sentences, which may
// quote the server: paragraphs stay paragraphs, anything else is escaped.
func printableParas(s string) string {
	paras := strings.Split(s, "\n")
	for i := range paras {
		paras[i] = printableText(paras[i])
	}
	return strings.Join(paras, "\n")
}

// errWrap wraps already-printable text to w cells: at spaces where it
// can, inside a word that is longer than a line.
func errWrap(s string, w int) []string {
	if w < 1 {
		w = 1
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		wrapped := ansi.Wrap(para, w, "")
		out = append(out, strings.Split(wrapped, "\n")...)
	}
	return out
}
