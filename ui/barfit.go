package ui

import "github.com/charmbracelet/x/ansi"

// barItem is one piece of a one-line bar (the status bar, the help bar),
// already rendered, with how much it matters. When the bar is too narrow
// the least important piece gives way first: its short form, then
// nothing. This replaces cutting the joined line at the right edge, which
// dropped whatever came last however much it mattered ("F1 help", the
// running spinner).
type barItem struct {
	full  string // the item as drawn when there is room
	short string // a narrower form, "" when the item can only be dropped
	prio  int    // higher stays longer
}

// Priorities of the bars' items, from what must always be seen to what
// is only decoration.
const (
	prioDecor = iota // target details, strategy, cache state, pane keys
	prioInfo         // the target's address, the run key
	prioMsg          // the status message (fills what is left)
	prioMode         // EXPLAIN, FCALL: what ctrl+r will do
	prioMust         // the running spinner, the connection badge, F1, quit
)

// fitBar chooses each item's form so that the chosen forms, joined by
// separators sepW cells wide, fit w cells: the least important item is
// shortened, then dropped, the rightmost of equal importance first. It
// returns the chosen forms in order, dropped items left out. Items of
// priority keep or more are never dropped (only shortened): when even
// they do not fit, the caller cuts the line.
func fitBar(items []barItem, sepW, w, keep int) []string {
	form := make([]string, len(items))
	for i, it := range items {
		form[i] = it.full
	}
	width := func() int {
		n, cw := 0, 0
		for _, f := range form {
			if f == "" {
				continue
			}
			if n > 0 {
				cw += sepW
			}
			cw += ansi.StringWidth(f)
			n++
		}
		return cw
	}
	for width() > w {
		// The least important item still drawn, rightmost among equals.
		pick := -1
		for i, it := range items {
			if form[i] == "" || (it.prio >= keep && (it.short == "" || form[i] == it.short)) {
				continue
			}
			if pick < 0 || it.prio <= items[pick].prio {
				pick = i
			}
		}
		if pick < 0 {
			break
		}
		if it := items[pick]; it.short != "" && form[pick] != it.short {
			form[pick] = it.short
		} else {
			form[pick] = ""
		}
	}
	out := form[:0]
	for _, f := range form {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}
