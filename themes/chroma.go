package themes

import (
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// luascope's own chroma styles. The editor draws tokens on the
// terminal's background (and on CursorLine for the cursor's line), never
// on a style's own background, so a stock style is only as legible as
// its colours are on those: monokai's comments are 4.3:1 on black and
// 3.1:1 on the cursor line, vim's #000080 comments 1.3:1. Each style
// here keeps its model's colours and changes only those that missed the
// theme's contrast (themes.Theme.MinContrast, tested for every entry).
//
// They are built on first use (ChromaStyle), not at init: only the
// editor draws with them, and `luascope run` must not pay for them. For
// the same reason luascope does not import chroma's styles package,
// whose init parses all of its 70-odd XML styles (5-7 ms, 40k
// allocations) for the three luascope uses (see stockStyles).
var (
	chromaStyles     map[string]*chroma.Style
	chromaStylesOnce sync.Once
)

// Names of luascope's chroma styles, as Theme.Chroma and
// Theme.ChromaLight hold them.
const (
	chromaMono   = "bw"
	chromaDark   = "luascope-monokai"
	chromaLight  = "luascope-github"
	chromaHCDark = "luascope-high-contrast-dark"
	chromaHCLite = "luascope-high-contrast-light"
)

// buildChromaStyles fills chromaStyles; chromaStylesOnce runs it.
func buildChromaStyles() {
	chromaStyles = map[string]*chroma.Style{}
	// mono's: chroma's bw as it is (emphasis only, no colour).
	add(chromaMono, stockStyles["bw"])
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
	s, err := chroma.MustNewStyle(base, stockStyles[base]).Builder().AddAll(e).Build()
	if err != nil {
		panic(name + ": " + err.Error())
	}
	s.Name = name
	chromaStyles[name] = s
}

// ChromaStyle is the chroma style ChromaFor names, one of luascope's own
// (every theme names one: TestChromaStylesExist). No user setting names
// a chroma style (the config names a theme), so an unknown name can only
// be a mistake in a Theme literal: it gets luascope-monokai, as chroma
// gives its fallback for a name it does not know.
func (t Theme) ChromaStyle(darkBackground bool) *chroma.Style {
	chromaStylesOnce.Do(buildChromaStyles)
	if s, ok := chromaStyles[t.ChromaFor(darkBackground)]; ok {
		return s
	}
	return chromaStyles[chromaDark]
}

// stockStyles are the chroma styles luascope's own derive from, copied
// from chroma v2.27.0's styles/*.xml (MIT licence, entry for entry;
// TestStockStylesMatchChroma compares them with chroma's registry) so
// that chroma's styles package, and its init, stay out of the binary.
var stockStyles = map[string]chroma.StyleEntries{
	"monokai": {
		chroma.Error:               "#960050 bg:#1e0010",
		chroma.Background:          "bg:#272822",
		chroma.Keyword:             "#66d9ef",
		chroma.KeywordNamespace:    "#f92672",
		chroma.Name:                "#f8f8f2",
		chroma.NameAttribute:       "#a6e22e",
		chroma.NameClass:           "#a6e22e",
		chroma.NameConstant:        "#66d9ef",
		chroma.NameDecorator:       "#a6e22e",
		chroma.NameException:       "#a6e22e",
		chroma.NameFunction:        "#a6e22e",
		chroma.NameOther:           "#a6e22e",
		chroma.NameTag:             "#f92672",
		chroma.Literal:             "#ae81ff",
		chroma.LiteralDate:         "#e6db74",
		chroma.LiteralString:       "#e6db74",
		chroma.LiteralStringEscape: "#ae81ff",
		chroma.LiteralNumber:       "#ae81ff",
		chroma.Operator:            "#f92672",
		chroma.Punctuation:         "#f8f8f2",
		chroma.Comment:             "#75715e",
		chroma.GenericDeleted:      "#f92672",
		chroma.GenericEmph:         "italic",
		chroma.GenericInserted:     "#a6e22e",
		chroma.GenericStrong:       "bold",
		chroma.GenericSubheading:   "#75715e",
		chroma.Text:                "#f8f8f2",
	},
	"github": {
		chroma.Error:                "#f6f8fa bg:#82071e",
		chroma.Background:           "bg:#f7f7f7",
		chroma.Keyword:              "#cf222e",
		chroma.KeywordType:          "#cf222e",
		chroma.NameAttribute:        "#1f2328",
		chroma.NameBuiltin:          "#6639ba",
		chroma.NameBuiltinPseudo:    "#6a737d",
		chroma.NameClass:            "#1f2328",
		chroma.NameConstant:         "#0550ae",
		chroma.NameDecorator:        "#0550ae",
		chroma.NameEntity:           "#6639ba",
		chroma.NameFunction:         "#6639ba",
		chroma.NameLabel:            "bold #990000",
		chroma.NameNamespace:        "#24292e",
		chroma.NameOther:            "#1f2328",
		chroma.NameTag:              "#0550ae",
		chroma.NameVariable:         "#953800",
		chroma.NameVariableClass:    "#953800",
		chroma.NameVariableGlobal:   "#953800",
		chroma.NameVariableInstance: "#953800",
		chroma.LiteralString:        "#0a3069",
		chroma.LiteralStringRegex:   "#0a3069",
		chroma.LiteralStringSymbol:  "#032f62",
		chroma.LiteralNumber:        "#0550ae",
		chroma.Operator:             "#0550ae",
		chroma.Comment:              "#57606a",
		chroma.CommentMultiline:     "#57606a",
		chroma.CommentSingle:        "#57606a",
		chroma.CommentSpecial:       "#57606a",
		chroma.CommentPreproc:       "#57606a",
		chroma.GenericDeleted:       "#82071e bg:#ffebe9",
		chroma.GenericEmph:          "#1f2328",
		chroma.GenericInserted:      "#116329 bg:#dafbe1",
		chroma.GenericOutput:        "#1f2328",
		chroma.GenericUnderline:     "underline",
		chroma.Punctuation:          "#1f2328",
		chroma.TextWhitespace:       "#ffffff",
	},
	"bw": {
		chroma.Error:                 "border:#ff0000",
		chroma.Background:            "bg:#ffffff",
		chroma.Keyword:               "bold",
		chroma.KeywordPseudo:         "nobold",
		chroma.KeywordType:           "nobold",
		chroma.NameClass:             "bold",
		chroma.NameEntity:            "bold",
		chroma.NameException:         "bold",
		chroma.NameNamespace:         "bold",
		chroma.NameTag:               "bold",
		chroma.LiteralString:         "italic",
		chroma.LiteralStringEscape:   "bold",
		chroma.LiteralStringInterpol: "bold",
		chroma.OperatorWord:          "bold",
		chroma.Comment:               "italic",
		chroma.CommentPreproc:        "noitalic",
		chroma.GenericEmph:           "italic",
		chroma.GenericHeading:        "bold",
		chroma.GenericPrompt:         "bold",
		chroma.GenericStrong:         "bold",
		chroma.GenericSubheading:     "bold",
	},
}
