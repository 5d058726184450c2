package themes

import (
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"
)

// luascope's own chroma styles. The editor draws tokens on the
// terminal's background (and on CursorLine for the cursor's line), never
// on a style's own background, so a stock style is only as legible as
// its colours are on those: monokai's comments are 4.3:1 on black and
// 3.1:1 on the cursor line, vim's #000080 comments 1.3:1. Each style
// here keeps its model's colours and changes only those that missed the
// theme's contrast (themes.Theme.MinContrast, tested for every entry).
var chromaStyles = map[string]*chroma.Style{}

// Names of luascope's chroma styles, as Theme.Chroma and
// Theme.ChromaLight hold them.
const (
	chromaDark   = "luascope-monokai"
	chromaLight  = "luascope-github"
	chromaHCDark = "luascope-high-contrast-dark"
	chromaHCLite = "luascope-high-contrast-light"
)

func init() {
	// monokai, lightened where it is below 4.5:1 on black or on the
	// dark cursor line (#262626). Its error background is dropped with
	// every background, so errors are underlined instead.
	addDerived(chromaDark, "monokai", chroma.StyleEntries{
		chroma.Background:        "bg:#000000",
		chroma.Error:             "underline #C5739F",
		chroma.Comment:           "#918D7E",
		chroma.GenericSubheading: "#918D7E",
		chroma.Operator:          "#FA4787",
		chroma.KeywordNamespace:  "#FA4787",
		chroma.NameTag:           "#FA4787",
		chroma.GenericDeleted:    "#FA4787",
	})
	// github, darkened where it is below 4.5:1 on white or on the light
	// cursor line (#EEEEEE); its error is light text on a red background,
	// which without the background would be invisible.
	addDerived(chromaLight, "github", chroma.StyleEntries{
		chroma.Background:        "bg:#FFFFFF",
		chroma.Error:             "underline #82071E",
		chroma.NameBuiltinPseudo: "#5E6670",
		chroma.TextWhitespace:    "#1F2328",
	})
	// high-contrast: vim's hues, every one at least 7:1 on black and on
	// the cursor line (#303030).
	add(chromaHCDark, chroma.StyleEntries{
		chroma.Background:          "#FFFFFF bg:#000000",
		chroma.Error:               "bold underline #FFAFAF",
		chroma.Keyword:             "bold #FFFF5F",
		chroma.KeywordDeclaration:  "bold #5FFF5F",
		chroma.KeywordType:         "#5FFF5F",
		chroma.KeywordNamespace:    "#FFAFFF",
		chroma.NameBuiltin:         "#FFAFFF",
		chroma.NameClass:           "#5FFFFF",
		chroma.NameVariable:        "#5FFFFF",
		chroma.NameException:       "bold #D7D7FF",
		chroma.NameLabel:           "bold #FFFFFF",
		chroma.LiteralString:       "#FFAFAF",
		chroma.LiteralStringEscape: "bold #FFD7AF",
		chroma.LiteralNumber:       "#FFAFFF",
		chroma.Operator:            "#AFD7FF",
		chroma.OperatorWord:        "bold #FFFF5F",
		chroma.Comment:             "italic #C6C6FF",
		chroma.CommentSpecial:      "bold #FFAFAF",
		chroma.GenericDeleted:      "#FFAFAF",
		chroma.GenericInserted:     "#5FFF5F",
		chroma.GenericHeading:      "bold #FFFFFF",
		chroma.GenericSubheading:   "bold #FFAFFF",
		chroma.GenericOutput:       "#C6C6C6",
		chroma.GenericPrompt:       "bold #FFFFFF",
		chroma.GenericError:        "#FFAFAF",
		chroma.GenericTraceback:    "#AFD7FF",
		chroma.GenericEmph:         "italic",
		chroma.GenericStrong:       "bold",
		chroma.GenericUnderline:    "underline",
	})
	// high-contrast on white: the same roles in dark inks, every one at
	// least 7:1 on white and on the cursor line (#EBEBEB); comments keep
	// vim's navy.
	add(chromaHCLite, chroma.StyleEntries{
		chroma.Background:          "#000000 bg:#FFFFFF",
		chroma.Error:               "bold underline #9A0000",
		chroma.Keyword:             "bold #5F3F00",
		chroma.KeywordDeclaration:  "bold #005700",
		chroma.KeywordType:         "#005700",
		chroma.KeywordNamespace:    "#870087",
		chroma.NameBuiltin:         "#870087",
		chroma.NameClass:           "#005454",
		chroma.NameVariable:        "#005454",
		chroma.NameException:       "bold #3A3A6A",
		chroma.NameLabel:           "bold #000000",
		chroma.LiteralString:       "#9A0000",
		chroma.LiteralStringEscape: "bold #5F005F",
		chroma.LiteralNumber:       "#870087",
		chroma.Operator:            "#1B516C",
		chroma.OperatorWord:        "bold #5F3F00",
		chroma.Comment:             "italic #000080",
		chroma.CommentSpecial:      "bold #9A0000",
		chroma.GenericDeleted:      "#9A0000",
		chroma.GenericInserted:     "#005700",
		chroma.GenericHeading:      "bold #000080",
		chroma.GenericSubheading:   "bold #5F005F",
		chroma.GenericOutput:       "#3A3A3A",
		chroma.GenericPrompt:       "bold #000080",
		chroma.GenericError:        "#9A0000",
		chroma.GenericTraceback:    "#1B516C",
		chroma.GenericEmph:         "italic",
		chroma.GenericStrong:       "bold",
		chroma.GenericUnderline:    "underline",
	})
}

// add builds a style from scratch; a typo in an entry fails every test.
func add(name string, e chroma.StyleEntries) {
	chromaStyles[name] = chroma.MustNewStyle(name, e)
}

// addDerived builds a style from a stock one plus overrides.
func addDerived(name, base string, e chroma.StyleEntries) {
	s, err := styles.Get(base).Builder().AddAll(e).Build()
	if err != nil {
		panic(name + ": " + err.Error())
	}
	s.Name = name
	chromaStyles[name] = s
}

// ChromaStyle is the chroma style ChromaFor names: one of luascope's own
// or, for any other name, chroma's registered style of that name
// (chroma's fallback if there is none).
func (t Theme) ChromaStyle(darkBackground bool) *chroma.Style {
	name := t.ChromaFor(darkBackground)
	if s, ok := chromaStyles[name]; ok {
		return s
	}
	return styles.Get(name)
}
