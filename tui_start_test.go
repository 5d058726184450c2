package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// pipeTerm is a paintedTerm writing into a pipe, and a func returning
// everything written once the pipe is closed.
func pipeTerm(t *testing.T) (*paintedTerm, func() string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	return &paintedTerm{File: w}, func() string { w.Close(); return <-got }
}

// Bubble Tea's start after the paint: its erase on entering the
// alternate screen is dropped, once; a later erase (ctrl+l) and the
// rest pass untouched, and a normal end leaves nothing to undo.
func TestPaintedTermDropsTheStartErase(t *testing.T) {
	pt, written := pipeTerm(t)
	pt.paint("a\nb", 10, 5)
	for _, s := range []string{ansi.HideCursor, ansi.SetModeAltScreenSaveCursor, ansi.EraseEntireScreen, ansi.CursorHomePosition} {
		_, _ = io.WriteString(pt, s)
	}
	_, _ = pt.Write([]byte(ansi.CursorHomePosition + "\ra\x1b[K\r\nb"))
	_, _ = pt.WriteString(ansi.EraseEntireScreen) // the user's ctrl+l
	_, _ = pt.WriteString(ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor)
	pt.leave()
	out := written()
	if n := strings.Count(out, ansi.EraseEntireScreen); n != 1 {
		t.Errorf("%d erases passed, want 1 (the user's): %q", n, out)
	}
	if !strings.HasPrefix(out, ansi.SetModeAltScreenSaveCursor+ansi.HideCursor+ansi.CursorHomePosition+"a"+ansi.EraseLineRight+"\r\nb") {
		t.Errorf("paint wrote %q", out)
	}
	if strings.Count(out, ansi.ResetModeAltScreenSaveCursor) != 1 {
		t.Errorf("leave left the alternate screen again after the program did: %q", out)
	}
}

// A start that fails after the paint (Bubble Tea never ran, or ended
// without restoring) must not leave the user on the alternate screen
// with no cursor.
func TestPaintedTermLeaves(t *testing.T) {
	pt, written := pipeTerm(t)
	pt.paint(strings.Repeat("wide line\n", 9)+"wide line", 4, 3)
	pt.leave()
	pt.leave()
	out := written()
	if !strings.HasSuffix(out, ansi.ResetModeAltScreenSaveCursor+ansi.ShowCursor) || strings.Count(out, ansi.ResetModeAltScreenSaveCursor) != 1 {
		t.Errorf("leave wrote %q", out)
	}
	// Cut to the size: the last 3 rows, 4 columns each.
	if strings.Contains(out, "wide line") || strings.Count(out, "wide") != 3 {
		t.Errorf("not cut to 4x3: %q", out)
	}
}

// The styles are built for guessDark's answer while the terminal is
// asked: dark unless COLORFGBG names a light background, as termenv
// judges one (grey, 8, is light by a hair).
func TestGuessDark(t *testing.T) {
	for v, want := range map[string]bool{
		"": true, "15;0": true, "0;15": false, "0;7": false, "7;0": true,
		"0;default;15": false, "12;8": false, "0;8": false, "15;4": true, "0;11": false,
		"0;231": false, "15;16": true, "0;300": true, "garbage": true, "0;": true,
	} {
		if got := guessDark(func(k string) string {
			if k == "COLORFGBG" {
				return v
			}
			return ""
		}); got != want {
			t.Errorf("COLORFGBG=%q: dark %v, want %v", v, got, want)
		}
	}
}

// growStack grows the stack through its frame: an array too large for the
// stack would be allocated on the heap instead (as an earlier growStack's
// 256 KB one was), growing nothing and costing a zeroed 256 KB.
func TestGrowStackAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(10, growStack); n != 0 {
		t.Errorf("growStack allocated %v times a run: its frame went to the heap", n)
	}
}
