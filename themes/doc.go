// Package themes holds luascope's colour palettes and the chroma styles
// that go with them: pure data, no terminal code, so the UI builds its
// styles once from a Theme and tests can check every theme
// (completeness, contrast, chroma styles) without a terminal.
//
// Contrast is WCAG 2's (Contrast): every colour a theme draws text in
// reaches Theme.MinContrast (7:1 for high-contrast, 4.5:1 otherwise) on
// what it is drawn on; the terminal's own background is assumed black
// or white (DarkBackground, LightBackground).
//
// Themes: auto (the default: light or dark palette chosen by the
// terminal's background), dark, light, high-contrast and mono (no colour
// at all). FromEnv honours NO_COLOR (https://no-color.org).
package themes
