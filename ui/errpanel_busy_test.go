package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// TestBusyErrorPanelSHAIsYours: after a run answered BUSY, the Error pane
// and its detail label the SHA as the user's own script, so that it is
// not read as the SHA of the script that holds the server ("Running:
// script" beside it).
func TestBusyErrorPanelSHAIsYours(t *testing.T) {
	srv := sandboxtest.StartT(t, "busy-reply-threshold 100")
	sandboxtest.HoldBusy(t, srv, "EVAL", sandboxtest.SpinLua(20*time.Second), 0)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	const src = "return 'mine'"
	m := New(Options{Session: s, Target: tg, Theme: monoTheme(t), Source: src})
	m, cmd := guardKey(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	m = runCmds(t, m, cmd, 4)
	if e := m.errp.Classification(); e == nil || e.Class != "busy" || e.SHA != redisx.SHA1(src) {
		t.Fatalf("after a BUSY run: %+v", e)
	}
	m = sized(m, 120, 40)
	m.setFocus(paneError)
	m.resize()
	panel := strings.Join(strings.Fields(strings.Join(m.errp.lines(), " ")), " ")
	t.Log(panel)
	sha := redisx.SHA1(src)
	if !strings.Contains(panel, "your sha "+sha+" (your script, refused; not the one running)") || strings.Count(panel, sha) != 1 {
		t.Errorf("the Error panel's SHA is not labelled as the user's:\n%s", panel)
	}
	if !strings.Contains(panel, "Running: script") {
		t.Errorf("the running script is not named separately:\n%s", panel)
	}
	if d := errorDetail(m.errp.Classification(), m.errp.action, m.errp.running).Text(); !strings.Contains(d, "your sha") {
		t.Errorf("the error detail's SHA is not labelled as the user's:\n%s", d)
	}
}
