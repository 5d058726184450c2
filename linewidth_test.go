package main

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"luascope/themes"
	"luascope/ui"
)

// TestLineWidth: the first paint's width measure agrees with
// ansi.StringWidth on every rune of its fast path, alone and among
// escape sequences, on random mixes with runes outside it, and on every
// line of real frames in every theme.
func TestLineWidth(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := ui.FrameWidth(s), ansi.StringWidth(s); got != want {
			t.Fatalf("FrameWidth(%q) = %d, ansi.StringWidth = %d", s, got, want)
		}
	}
	for r := rune(0); r < 0x3000; r++ {
		check(string(r))
		check("\x1b[1;38;5;123m" + string(r) + "x\x1b[0m")
	}
	for _, s := range []string{"", "\x1b[", "\x1b[1", "\x1b[1 ;5m", "\x1b[ q", "\x1b[?25h", "\x1b[<0;1;2M", "\x1b[38:2:1:2:3m", "\x1b[1\x7fm", "\x1b[1\x01m", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\x1bM", "a\tb", "é\u0301", "日本", "\u200b", "👍🏽"} {
		check(s)
	}
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"a", " ", "─", "│", "•", "…", "é", "日", "\u0301", "\x1b[0m", "\x1b[38;2;1;2;3m", "\x1b[2K", "\t", "\x00", "👍", "→"}
	for range 20000 {
		var b strings.Builder
		for range rng.Intn(12) {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		check(b.String())
	}
	src := "-- é → ─ 日本\nlocal x = redis.call('get', KEYS[1]) -- • …\nreturn x\n"
	defer lipgloss.SetColorProfile(lipgloss.ColorProfile())
	lines := 0
	for _, p := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.Ascii} {
		lipgloss.SetColorProfile(p)
		for _, name := range themes.Names() {
			th, err := themes.Get(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, size := range [][2]int{{120, 40}, {80, 24}, {57, 17}} {
				m := ui.New(ui.Options{Source: src, Filename: "s.lua", Keys: []string{"k:{1}", "日本"}, Args: []string{"é"}, Theme: th, Width: size[0], Height: size[1]})
				for _, line := range strings.Split(m.View(), "\n") {
					check(line)
					if strings.Contains(line, "\x1b[") {
						lines++
					}
				}
			}
		}
	}
	if lines == 0 {
		t.Fatal("no frame line had an escape sequence: the frames were not drawn in colour")
	}
}
