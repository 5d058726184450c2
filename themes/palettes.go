package themes

// palette is one half of a theme: the colours for one kind of background.
// Themes are built from palettes so that auto is exactly light + dark and
// cannot drift from them.
type palette struct {
	text, muted, accent                                        string
	border, borderFocus                                        string
	errorC, warning, ok                                        string
	selection, cursorLine, gutter                              string
	statusBg, statusFg                                         string
	badgeProd, badgeSandbox, badgeRO, badgeText                string
	tInteger, tBulk, tStatus, tError, tNil, tAggregate, tOther string
}

// darkPalette reads on a dark background (tested against black).
var darkPalette = palette{
	text: "#E4E4E4", muted: "#A8A8A8", accent: "#AF87FF",
	border: "#585858", borderFocus: "#AF87FF",
	errorC: "#FF7373", warning: "#FFD75F", ok: "#5FD787",
	selection: "#303058", cursorLine: "#262626", gutter: "#767676",
	statusBg: "#303030", statusFg: "#E4E4E4",
	badgeProd: "#FF5F5F", badgeSandbox: "#5FD787", badgeRO: "#FFD75F", badgeText: "#000000",
	tInteger: "#5FAFFF", tBulk: "#87D787", tStatus: "#87D7D7", tError: "#FF7373",
	tNil: "#A8A8A8", tAggregate: "#D7AFFF", tOther: "#FFAF5F",
}

// lightPalette reads on a light background (tested against white).
var lightPalette = palette{
	text: "#1C1C1C", muted: "#646464", accent: "#5F3FBF",
	border: "#B2B2B2", borderFocus: "#5F3FBF",
	errorC: "#C00000", warning: "#8A5A00", ok: "#187432",
	selection: "#E0E9FF", cursorLine: "#EEEEEE", gutter: "#707070",
	statusBg: "#E4E4E4", statusFg: "#1C1C1C",
	badgeProd: "#FF8787", badgeSandbox: "#87E0A8", badgeRO: "#FFD75F", badgeText: "#000000",
	tInteger: "#0550AE", tBulk: "#187432", tStatus: "#0A6E6E", tError: "#C00000",
	tNil: "#646464", tAggregate: "#7649CB", tOther: "#9A4A00",
}

// hcDarkPalette is high contrast on black: every foreground ≥ 7:1 (WCAG AAA).
var hcDarkPalette = palette{
	text: "#FFFFFF", muted: "#C6C6C6", accent: "#00FFFF",
	border: "#C6C6C6", borderFocus: "#FFFF00",
	errorC: "#FFAFAF", warning: "#FFFF00", ok: "#00FF87",
	selection: "#0000AF", cursorLine: "#303030", gutter: "#C6C6C6",
	statusBg: "#FFFFFF", statusFg: "#000000",
	badgeProd: "#FF8787", badgeSandbox: "#00FF87", badgeRO: "#FFFF00", badgeText: "#000000",
	tInteger: "#87D7FF", tBulk: "#87FF87", tStatus: "#00FFFF", tError: "#FFAFAF",
	tNil: "#C6C6C6", tAggregate: "#FFAFFF", tOther: "#FFD787",
}

// hcLightPalette is high contrast on white: every foreground ≥ 7:1.
var hcLightPalette = palette{
	text: "#000000", muted: "#3A3A3A", accent: "#0000AF",
	border: "#3A3A3A", borderFocus: "#0000AF",
	errorC: "#9A0000", warning: "#5F3F00", ok: "#005700",
	selection: "#FFFF87", cursorLine: "#EBEBEB", gutter: "#3A3A3A",
	statusBg: "#000000", statusFg: "#FFFFFF",
	badgeProd: "#FF8787", badgeSandbox: "#87FF87", badgeRO: "#FFFF00", badgeText: "#000000",
	tInteger: "#0000AF", tBulk: "#005700", tStatus: "#005454", tError: "#9A0000",
	tNil: "#3A3A3A", tAggregate: "#5F005F", tOther: "#5F3F00",
}

// build makes a theme whose Light halves come from l and Dark halves from d.
func build(name, chroma, chromaLight string, l, d palette) Theme {
	c := func(light, dark string) Color { return Color{Light: light, Dark: dark} }
	return Theme{
		Name: name, Chroma: chroma, ChromaLight: chromaLight,
		Text: c(l.text, d.text), Muted: c(l.muted, d.muted), Accent: c(l.accent, d.accent),
		Border: c(l.border, d.border), BorderFocus: c(l.borderFocus, d.borderFocus),
		Error: c(l.errorC, d.errorC), Warning: c(l.warning, d.warning), OK: c(l.ok, d.ok),
		Selection: c(l.selection, d.selection), CursorLine: c(l.cursorLine, d.cursorLine),
		Gutter:   c(l.gutter, d.gutter),
		StatusBg: c(l.statusBg, d.statusBg), StatusFg: c(l.statusFg, d.statusFg),
		BadgeProd: c(l.badgeProd, d.badgeProd), BadgeSandbox: c(l.badgeSandbox, d.badgeSandbox),
		BadgeRO: c(l.badgeRO, d.badgeRO), BadgeText: c(l.badgeText, d.badgeText),
		TypeInteger: c(l.tInteger, d.tInteger), TypeBulk: c(l.tBulk, d.tBulk),
		TypeStatus: c(l.tStatus, d.tStatus), TypeError: c(l.tError, d.tError),
		TypeNil: c(l.tNil, d.tNil), TypeAggregate: c(l.tAggregate, d.tAggregate),
		TypeOther: c(l.tOther, d.tOther),
	}
}

// The themes. A fixed theme (dark, light) uses its palette on both halves:
// the user chose it, whatever the terminal reports.
var (
	auto         = build("auto", chromaDark, chromaLight, lightPalette, darkPalette)
	dark         = build("dark", chromaDark, "", darkPalette, darkPalette)
	light        = build("light", chromaLight, "", lightPalette, lightPalette)
	highContrast = build("high-contrast", chromaHCDark, chromaHCLite, hcLightPalette, hcDarkPalette)
	mono         = Theme{Name: "mono", Chroma: "bw", Mono: true}

	// all is Names' order: the default first.
	all = []Theme{auto, dark, light, highContrast, mono}
)
