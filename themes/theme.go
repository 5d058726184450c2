package themes

import (
	"errors"
	"fmt"
	"strings"
)

// Color is an adaptive colour: the UI picks Light or Dark by the
// terminal's background. Values are "#RRGGBB" strings (lipgloss accepts
// them); "" means the terminal's default, which is what mono uses.
type Color struct {
	Light string
	Dark  string
}

// IsZero reports a colour that leaves the terminal's default in place,
// so the UI can skip setting it (mono, or an unset field).
func (c Color) IsZero() bool { return c.Light == "" && c.Dark == "" }

// Theme is one palette plus the chroma styles that match it. Fields are
// foreground colours unless their comment says background: the UI must
// not guess, because the contrast tests assume these roles.
type Theme struct {
	Name string
	// Chroma is the chroma style for Lua highlighting on a dark
	// background (and on any background for a fixed light or dark theme).
	Chroma string
	// ChromaLight is the chroma style for a light terminal background;
	// "" means Chroma. Only adaptive themes (auto, high-contrast) differ,
	// because one style cannot read well on both backgrounds.
	ChromaLight string
	// Mono themes use no colour at all: every Color is empty and the UI
	// shows emphasis by bold, reverse and underline only.
	Mono bool

	Text, Muted, Accent Color
	// Border frames an unfocused pane; BorderFocus the focused one.
	Border, BorderFocus Color
	Error, Warning, OK  Color
	// Selection and CursorLine are backgrounds behind Text.
	Selection, CursorLine Color
	// Gutter is the line-number column.
	Gutter Color
	// StatusBg (background) and StatusFg (foreground) are the status bar.
	StatusBg, StatusFg Color
	// Badge* are backgrounds of short labels in the title bar (a
	// production connection, a sandbox server, a read-only run); their
	// text is BadgeText.
	BadgeProd, BadgeSandbox, BadgeRO Color
	BadgeText                        Color // foreground on every Badge*
	// Type* colour the reply type badges in the result tree.
	TypeInteger, TypeBulk, TypeStatus, TypeError, TypeNil, TypeAggregate, TypeOther Color
}

// ChromaFor picks the chroma style for the terminal's background, so an
// adaptive theme highlights code as legibly as it draws everything else.
func (t Theme) ChromaFor(darkBackground bool) string {
	if !darkBackground && t.ChromaLight != "" {
		return t.ChromaLight
	}
	return t.Chroma
}

// ErrUnknownTheme is wrapped by Get's error so that callers (the config
// loader, the --theme flag) can tell a typo from other failures.
var ErrUnknownTheme = errors.New("unknown theme")

// Names lists every theme, the default first, in the order a theme
// picker should offer them.
func Names() []string {
	out := make([]string, len(all))
	for i, t := range all {
		out[i] = t.Name
	}
	return out
}

// Get returns the named theme (case and surrounding spaces ignored). The
// error lists the valid names so a typo in the config or a flag is
// corrected in one go.
func Get(name string) (Theme, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, t := range all {
		if t.Name == n {
			return t, nil
		}
	}
	return Theme{}, fmt.Errorf("%w %q (themes: %s)", ErrUnknownTheme, name, strings.Join(Names(), ", "))
}

// Default is the theme used when none is configured: auto, which follows
// the terminal's light or dark background.
func Default() Theme { return auto }

// NoColorEnv is the variable of https://no-color.org: when it is set and
// not empty, no colour is used whatever theme was asked for.
const NoColorEnv = "NO_COLOR"

// FromEnv resolves the theme to use: mono when NO_COLOR is set and not
// empty, else the named theme, else (empty or unknown name) Default.
// Unknown names fall back rather than fail because the config loader
// has already reported them; getenv is a parameter so tests need not
// touch the process environment.
func FromEnv(name string, getenv func(string) string) Theme {
	if getenv != nil && getenv(NoColorEnv) != "" {
		return mono
	}
	if t, err := Get(name); err == nil {
		return t
	}
	return Default()
}
