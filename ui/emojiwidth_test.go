package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"

	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// emojiScript returns the emoji clusters whose width differs between a
// grapheme measure (lipgloss: 👍🏽 is 2 cells) and a per-code-point one
// (tmux 3.3a: 4 cells), and stores one under a key that holds one too.
const emojiScript = "redis.call('SET', KEYS[1], ARGV[1])\n" +
	"return {\"👍🏽 thumbs\", \"👨\u200d👩\u200d👧 family\", \"❤\ufe0f heart\", \"🇺🇸 flag\", \"a\u200bb\", redis.call('GET', KEYS[1])}\n"

// TestEmojiClustersKeepRowsInTerminal: with those clusters in the
// editor, the form, the reply tree, the trace and History, no line of a
// frame is wider than the terminal when a terminal gives every code point
// its own cells, as tmux 3.3a does (drawn raw, 👍🏽 overflowed the row and
// the wrap corrupted the screen).
func TestEmojiClustersKeepRowsInTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := sandboxtest.StartT(t)
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 3}
	s, err := redisx.Connect(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	m := New(Options{
		Session: s, Target: tg, Theme: monoTheme(t), Label: "sandbox", Source: emojiScript,
		Keys: []string{"k:👍🏽"}, Args: []string{"👨\u200d👩\u200d👧🏳\ufe0f\u200d🌈 🇫🇷"},
	})
	m, call, res := liveRun(t, ctx, m)
	if res.Error != nil {
		t.Fatalf("run: %s", res.Error.Message)
	}
	m = update(m, historyLoadedMsg{entries: []history.Entry{HistoryEntry(s, "sandbox", call, res)}})

	tmux := runewidth.NewCondition()
	tmux.EastAsianWidth = false
	perCodePoint := func(line string) int {
		n := 0
		for _, r := range ansi.Strip(line) {
			n += tmux.RuneWidth(r)
		}
		return n
	}
	sawEscape := false
	for _, focus := range []paneID{paneEditor, paneForm, paneResult, paneTrace, paneHistory} {
		fm := m
		fm.setFocus(focus)
		for _, sz := range [][2]int{{40, 12}, {60, 20}, {80, 24}, {120, 40}, {200, 60}} {
			mm, _ := fm.update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			v := mm.View()
			sawEscape = sawEscape || strings.Contains(v, `\u{1f3fd}`)
			for i, l := range strings.Split(v, "\n") {
				if n := perCodePoint(l); n > sz[0] {
					t.Fatalf("%s focused, %d×%d: line %d is %d cells per code point:\n%q\n%s",
						paneNames[focus], sz[0], sz[1], i, n, ansi.Strip(l), v)
				}
			}
		}
	}
	if !sawEscape {
		t.Error(`no frame shows the skin tone escaped as \u{1f3fd}`)
	}
}
