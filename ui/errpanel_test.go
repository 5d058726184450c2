package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx/classify"
)

func errPanelTestNew(c *classify.Classification, w, h int) ErrPanel {
	p := NewErrPanel(&Common{Keys: DefaultKeyMap()})
	p.SetSize(w, h)
	p.Focus()
	p.SetError(c)
	return p
}

func TestErrPanelShowsEveryField(t *testing.T) {
	c := classify.Classify("ERR user_script:3: Script attempted to access nonexistent global variable 'x' script: 871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a, on @user_script:3.")
	if c.Line != 3 || c.SHA == "" {
		t.Fatalf("classifier changed: %+v", c)
	}
	p := errPanelTestNew(&c, 120, 40)
	view := p.View()
	for _, want := range []string{
		" " + string(c.Class) + " ",
		"source " + string(c.Source),
		"message   ERR user_script:3: Script attempted",
		"sha       871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a",
		"line      3 · enter: go to line 3",
		"hint      " + strings.Fields(c.Hint)[0],
		"about     " + strings.Fields(c.Class.Explain())[0],
		"redis-py  " + strings.Fields(c.Clients.RedisPy)[0],
		"go-redis  " + strings.Fields(c.Clients.GoRedis)[0],
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	treeTestCheckSize(t, "errpanel", view, 120, 40)
	c.Message = "changed" // the panel keeps its own copy
	if strings.Contains(p.View(), "changed") {
		t.Error("panel aliases the caller's classification")
	}
}

func TestErrPanelJumpLine(t *testing.T) {
	c := classify.Classification{Class: classify.Runtime, Source: classify.SourceScript, Message: "boom", Line: 12}
	p := errPanelTestNew(&c, 80, 10)
	if !p.ShortHelp()[0].Enabled() {
		t.Fatal("JumpLine disabled although the error names a line")
	}
	_, cmd := p.update(treeTestPress(p.common.Keys.JumpLine))
	if cmd == nil {
		t.Fatal("no command")
	}
	if msg, ok := cmd().(JumpToLineMsg); !ok || msg.Line != 12 {
		t.Fatalf("message %#v", msg)
	}
	c.Line = 0
	p.SetError(&c)
	if p.ShortHelp()[0].Enabled() {
		t.Error("JumpLine enabled without a line")
	}
	if _, cmd := p.update(treeTestPress(p.common.Keys.JumpLine)); cmd != nil {
		t.Error("JumpLine without a line returned a command")
	}
	if strings.Contains(p.View(), "go to line") {
		t.Errorf("line hint without a line:\n%s", p.View())
	}
}

func TestErrPanelWrapsAndScrolls(t *testing.T) {
	words := strings.Repeat("lorem ipsum dolor sit amet ", 20)
	c := classify.Classification{Class: classify.Script, Source: classify.SourceScript,
		Message: "ERR " + words + "\x1b[2J" + strings.Repeat("x", 90), Hint: "do the thing"}
	for _, w := range []int{20, 40, 77} {
		p := errPanelTestNew(&c, w, 200)
		view := p.View()
		treeTestCheckSize(t, "wrap", view, w, 200)
		if strings.ContainsRune(view, '\x1b') {
			t.Fatalf("ESC reached the view")
		}
		flat := strings.Join(strings.Fields(view), " ")
		if !strings.Contains(flat, "lorem ipsum dolor sit amet lorem") || !strings.Contains(view, `\x1b[2J`) {
			t.Errorf("width %d: message lost in wrapping:\n%s", w, view)
		}
		if n := strings.Count(view, "lorem"); n != 20 {
			t.Errorf("width %d: %d of 20 words shown", w, n)
		}
	}
	// a short pane scrolls
	p := errPanelTestNew(&c, 40, 4)
	top := p.View()
	if !p.ShortHelp()[1].Enabled() {
		t.Error("scroll keys disabled in an overflowing pane")
	}
	p, _ = p.update(treeTestPress(p.common.Keys.Bottom))
	bottom := p.View()
	if top == bottom || !strings.Contains(bottom, "conversion") {
		t.Errorf("bottom:\n%s", bottom)
	}
	p, _ = p.update(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	p, _ = p.update(treeTestPress(p.common.Keys.Top))
	if p.View() != top {
		t.Error("Top does not return to the start")
	}
}

func TestErrPanelEmptyAndSizes(t *testing.T) {
	p := errPanelTestNew(nil, 30, 3)
	if view := p.View(); !strings.HasPrefix(view, "No error") {
		t.Errorf("empty:\n%s", view)
	}
	c := classify.Classify("NOSCRIPT No matching script. Please use EVAL.")
	for _, s := range [][2]int{{0, 0}, {1, 1}, {0, 5}, {5, 0}, {3, 2}, {10, 3}, {29, 6}, {80, 24}} {
		for _, e := range []*classify.Classification{nil, &c} {
			p := errPanelTestNew(e, s[0], s[1])
			p, _ = p.update(treeTestPress(p.common.Keys.PageDown))
			treeTestCheckSize(t, "errpanel", p.View(), s[0], s[1])
		}
	}
}
