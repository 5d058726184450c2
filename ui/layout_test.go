package ui

import (
	"strings"
	"testing"
)

// picture draws a layout as ASCII: each pane's box filled with its first
// letter, so a layout change shows up as a readable diff.
func picture(w, h int, l layoutResult) string {
	grid := make([][]byte, h)
	for y := range grid {
		grid[y] = []byte(strings.Repeat(".", w))
	}
	fill := func(r rect, c byte) {
		for y := r.Y; y < r.Y+r.H && y < h; y++ {
			for x := r.X; x < r.X+r.W && x < w; x++ {
				grid[y][x] = c
			}
		}
	}
	if l.tabs {
		fill(l.tabBar, '=')
	}
	for id, r := range l.panes {
		fill(r, "SFRTEHCU"[id])
	}
	fill(l.status, '_')
	fill(l.help, '?')
	var b strings.Builder
	for _, row := range grid {
		b.Write(row)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestLayoutWide(t *testing.T) {
	// 120×35 scaled down in the picture by sampling every 10th column / 3rd row.
	l := layout(120, 36, layoutState{helpLines: 1})
	if l.tooSmall || l.tabs || len(l.panes) != 5 {
		t.Fatalf("wide layout: %+v", l)
	}
	// Panes tile the body with no gap or overlap.
	covered := map[[2]int]int{}
	for _, r := range l.panes {
		for y := r.Y; y < r.Y+r.H; y++ {
			for x := r.X; x < r.X+r.W; x++ {
				covered[[2]int{x, y}]++
			}
		}
	}
	for y := 0; y < 34; y++ {
		for x := 0; x < 120; x++ {
			if covered[[2]int{x, y}] != 1 {
				t.Fatalf("cell %d,%d covered %d times\n%s", x, y, covered[[2]int{x, y}], picture(120, 36, l))
			}
		}
	}
}

func TestLayoutNarrowPicture(t *testing.T) {
	got := picture(40, 12, layout(40, 12, layoutState{focus: paneResult, helpLines: 1}))
	want := strings.Join([]string{
		"========================================",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
		"________________________________________",
		"????????????????????????????????????????",
	}, "\n") + "\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLayoutZoomAndTooSmall(t *testing.T) {
	l := layout(200, 50, layoutState{focus: paneTrace, zoom: true, helpLines: 1})
	if len(l.panes) != 1 || l.panes[paneTrace] != (rect{0, 0, 200, 48}) {
		t.Errorf("zoom: %+v", l.panes)
	}
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {39, 30}, {100, 11}} {
		if !layout(sz[0], sz[1], layoutState{}).tooSmall {
			t.Errorf("%v should be too small", sz)
		}
	}
	if l := layout(80, 24, layoutState{helpLines: 1}); l.tooSmall || !l.tabs {
		t.Errorf("80×24 must be usable, as tabs: %+v", l)
	}
}
