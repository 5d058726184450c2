package ui

// paneID names a pane; the root keeps the focused one.
type paneID int

// The panes, in tab order.
const (
	paneEditor paneID = iota
	paneForm
	paneResult
	paneTrace
	paneError
	paneHistory
	paneCluster
	paneFunctions
	paneCount
)

var paneNames = [...]string{"Script", "KEYS/ARGV", "Result", "Trace", "Error", "History", "Cluster", "Functions"}

func (p paneID) String() string { return paneNames[p] }

// rect is a pane's outer box (border included) on the screen.
type rect struct{ X, Y, W, H int }

// layoutState is what the layout depends on besides the terminal size.
type layoutState struct {
	focus     paneID
	zoom      bool
	aux       paneID // what the wide layout shows in the trace's place: trace, history or cluster
	helpLines int    // lines the help bar takes at the bottom
}

// Minimum terminal size; below it the app says so instead of drawing.
const (
	minWidth  = 40
	minHeight = 12
	// From this size all panes fit side by side.
	wideWidth  = 120
	wideHeight = 35
)

// layoutResult is where everything goes: the panes shown and the chrome.
type layoutResult struct {
	tooSmall bool
	tabs     bool // narrow mode: one pane at a time with a tab bar
	tabBar   rect
	panes    map[paneID]rect
	status   rect
	help     rect
}

// layout is a pure function of the terminal size and the state (lazygit's
// GetWindowDimensions), so it can be tested with small pictures.
//
// Wide (≥120×35):          Narrow (or zoomed):
//
//	┌script──────┐┌result┐   [Script] KEYS/ARGV  Result …
//	│            ││      │   ┌script─────────────────┐
//	├form────────┤├trace─┤   │                       │
//	│            │├error─┤   └───────────────────────┘
//	└────────────┘└──────┘   status / help
//	status / help
func layout(w, h int, st layoutState) layoutResult {
	res := layoutResult{panes: map[paneID]rect{}}
	if w < minWidth || h < minHeight {
		res.tooSmall = true
		return res
	}
	helpH := st.helpLines
	if helpH < 0 {
		helpH = 0
	}
	res.status = rect{0, h - 1 - helpH, w, 1}
	res.help = rect{0, h - helpH, w, helpH}
	bodyH := h - 1 - helpH
	focus := st.focus
	aux := st.aux
	if aux != paneHistory && aux != paneCluster && aux != paneFunctions {
		aux = paneTrace
	}
	if st.zoom {
		res.panes[focus] = rect{0, 0, w, bodyH}
		return res
	}
	if w < wideWidth || h < wideHeight {
		res.tabs = true
		res.tabBar = rect{0, 0, w, 1}
		res.panes[focus] = rect{0, 1, w, bodyH - 1}
		return res
	}
	leftW := w * 55 / 100
	rightW := w - leftW
	formH := max(7, bodyH*30/100)
	editorH := bodyH - formH
	res.panes[paneEditor] = rect{0, 0, leftW, editorH}
	res.panes[paneForm] = rect{0, editorH, leftW, formH}
	resultH := bodyH * 45 / 100
	if aux != paneTrace {
		// History, cluster and functions are lists and tables: give them room.
		resultH = bodyH * 30 / 100
	}
	errorH := max(8, bodyH*22/100)
	traceH := bodyH - resultH - errorH
	res.panes[paneResult] = rect{leftW, 0, rightW, resultH}
	res.panes[aux] = rect{leftW, resultH, rightW, traceH}
	res.panes[paneError] = rect{leftW, resultH + traceH, rightW, errorH}
	return res
}
