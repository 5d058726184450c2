// Package themes holds luascope's colour palettes: pure data, no
// terminal code, so the UI builds its styles once from a Theme and tests
// can check every theme (completeness, contrast, chroma style names)
// without a terminal.
//
// Themes: auto (the default: light or dark palette chosen by the
// terminal's background), dark, light, high-contrast and mono (no colour
// at all). FromEnv honours NO_COLOR (https://no-color.org).
package themes
