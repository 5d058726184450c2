package ui

import (
	"sync"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"luascope/themes"
)

// sharedStyles holds one kind of pane styles, built once per theme, colour
// profile and background and shared by every model and pane: styles are
// never modified once built (a theme switch takes other ones). Building
// them is lipgloss rendering into inks, ~0.1-0.3 ms a kind, which the
// terminal UI's start does ahead on another goroutine (PrepareTheme)
// rather than in New and the first View, and which the preview's model
// and the program's model, a theme switched back, or a test's second
// model need not do again. A caller that comes while another goroutine
// builds the same styles waits for that build.
type sharedStyles[T any] struct {
	build func(themes.Theme) T
	built sync.Map // styleKey → *sharedEntry[T]
}

// styleKey is what styles depend on: the theme, the colour profile their
// inks are rendered for, and whether the background is dark (adaptive
// colours).
type styleKey struct {
	theme   themes.Theme
	profile termenv.Profile
	dark    bool
}

type sharedEntry[T any] struct {
	once sync.Once
	v    T
}

// get returns th's styles for the current profile and background.
func (c *sharedStyles[T]) get(th themes.Theme) *T {
	k := styleKey{th, lipgloss.ColorProfile(), lipgloss.HasDarkBackground()}
	v, ok := c.built.Load(k)
	if !ok {
		v, _ = c.built.LoadOrStore(k, &sharedEntry[T]{})
	}
	e := v.(*sharedEntry[T])
	e.once.Do(func() { e.v = c.build(th) })
	return &e.v
}

// The panes' shared styles (see each build function).
var (
	appStylesOf     = &sharedStyles[appStyles]{build: buildAppStyles}
	formStylesOf    = &sharedStyles[formStyles]{build: buildFormStyles}
	histStylesOf    = &sharedStyles[histStyles]{build: buildHistStyles}
	clusterStylesOf = &sharedStyles[clusterStyles]{build: buildClusterStyles}
	fnStylesOf      = &sharedStyles[fnStyles]{build: buildFnStyles}
	treeStylesOf    = &sharedStyles[treeStyles]{build: newTreeStyles}
	traceStylesOf   = &sharedStyles[traceStyles]{build: buildTraceStyles}
)
