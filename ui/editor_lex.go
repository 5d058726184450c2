package ui

import (
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
)

// The editor highlights Lua with a small line tokenizer instead of running
// chroma's lexer over the whole script on every keystroke: chroma's Lua
// lexer is a set of regexps over the full text, so one edit would re-lex
// 10,000 lines. This tokenizer follows the same rules, in the same order,
// and emits the same chroma token types (the tests compare the two on
// real scripts), so the colours still come from the chroma style. It
// works one line at a time from a small state, which is what makes the
// per-line cache in editor_highlight.go possible.
//
// Deliberate differences from chroma, all on invalid or unfinished code:
// an unterminated --[[ comment or [[ string runs to the end of the script
// (as in Lua, and as the user sees while typing it) where chroma falls
// back to a one-line comment or a "[" punctuation; an unterminated short
// string ends at the end of its line (Lua's rule) where chroma runs on.

// edTok is the editor's token kind; edTokChroma maps it to chroma's type.
type edTok uint8

const (
	edTokText edTok = iota
	edTokError
	edTokPreproc
	edTokCommentMulti
	edTokCommentSingle
	edTokHex
	edTokFloat
	edTokInteger
	edTokLongString
	edTokPunct
	edTokOperator
	edTokOperatorWord
	edTokKeyword
	edTokKeywordDecl
	edTokKeywordConst
	edTokName
	edTokNameClass
	edTokNameFunction
	edTokNameLabel
	edTokStringSingle
	edTokStringDouble
	edTokStringEscape
	// edTokEscape is not a Lua token: it is a control byte shown as \xNN.
	edTokEscape
	edTokCount
)

// edTokChroma is the chroma token type of each edTok, so colours come from
// the theme's chroma style.
var edTokChroma = [edTokCount]chroma.TokenType{
	edTokText:          chroma.Text,
	edTokError:         chroma.Error,
	edTokPreproc:       chroma.CommentPreproc,
	edTokCommentMulti:  chroma.CommentMultiline,
	edTokCommentSingle: chroma.CommentSingle,
	edTokHex:           chroma.LiteralNumberHex,
	edTokFloat:         chroma.LiteralNumberFloat,
	edTokInteger:       chroma.LiteralNumberInteger,
	edTokLongString:    chroma.LiteralString,
	edTokPunct:         chroma.Punctuation,
	edTokOperator:      chroma.Operator,
	edTokOperatorWord:  chroma.OperatorWord,
	edTokKeyword:       chroma.KeywordReserved,
	edTokKeywordDecl:   chroma.KeywordDeclaration,
	edTokKeywordConst:  chroma.KeywordConstant,
	edTokName:          chroma.Name,
	edTokNameClass:     chroma.NameClass,
	edTokNameFunction:  chroma.NameFunction,
	edTokNameLabel:     chroma.NameLabel,
	edTokStringSingle:  chroma.LiteralStringSingle,
	edTokStringDouble:  chroma.LiteralStringDouble,
	edTokStringEscape:  chroma.LiteralStringEscape,
	edTokEscape:        chroma.Text,
}

// edSpan is one token of a line: it runs from the previous span's end (or
// 0) to end, in bytes. Eight bytes a token keeps 10,000 cached lines small.
type edSpan struct {
	end uint32
	tok edTok
}

// Lexer states at a line boundary: everything the next line needs to know.
const (
	edStRoot        uint8 = iota // start of the script: a #! shebang may follow
	edStBase                     // ordinary code
	edStLongComment              // inside --[==[ … of level
	edStLongString               // inside [==[ … of level
	edStSingle                   // inside '…' continued by a backslash-newline
	edStDouble                   // inside "…" continued by a backslash-newline
	edStFuncname                 // after `function`, before its name
	edStLabel                    // inside ::label::
	edStGoto                     // after `goto`, before the label
)

// edZSkip in a string state's level says the line above ended in \z, so
// this line's leading whitespace belongs to that escape.
const edZSkip = 1

// edLexState is the lexer state at the start (or end) of a line. It is
// comparable: the highlighter stops re-lexing when a line's end state is
// what it was before the edit.
type edLexState struct {
	kind  uint8
	ret   uint8 // for a long comment: the state it returns to when closed
	level int32 // number of '=' in a long bracket
}

// edLexLine tokenizes one line (without its newline) starting in state st.
// It appends to out (reusing its storage) and returns the spans and the
// state at the end of the line.
func edLexLine(line string, st edLexState, out []edSpan) ([]edSpan, edLexState) {
	lx := edLexer{s: line, out: out[:0]}
	i := 0
	if st.kind == edStRoot {
		st.kind = edStBase
		if len(line) >= 2 && line[0] == '#' && line[1] == '!' {
			lx.emit(len(line), edTokPreproc)
			return lx.out, st
		}
	}
	n := len(line)
	for i < n {
		switch st.kind {
		case edStLongComment, edStLongString:
			tok := edTokCommentMulti
			if st.kind == edStLongString {
				tok = edTokLongString
			}
			if end := edCloseLong(line, i, int(st.level)); end >= 0 {
				lx.emit(end, tok)
				i = end
				st = edLexState{kind: st.ret}
			} else {
				lx.emit(n, tok)
				i = n
			}
		case edStSingle, edStDouble:
			i, st = lx.str(i, st)
		case edStFuncname:
			i, st = lx.funcname(i, st)
		case edStLabel, edStGoto:
			i, st = lx.label(i, st)
		default:
			i, st = lx.base(i, st)
		}
	}
	return lx.out, st
}

// edLexer accumulates the spans of one line.
type edLexer struct {
	s   string
	out []edSpan
}

// emit ends a token of kind tok at byte end, merging with the previous
// span when the kind is the same (chroma splits strings at escapes and
// quotes; the colour does not change, so neither need the spans).
func (lx *edLexer) emit(end int, tok edTok) {
	if k := len(lx.out); k > 0 && lx.out[k-1].tok == tok {
		lx.out[k-1].end = uint32(end)
		return
	}
	lx.out = append(lx.out, edSpan{end: uint32(end), tok: tok})
}

// ws is chroma's "ws" state, shared by every state: long comments, line
// comments and whitespace. It reports whether it consumed anything.
func (lx *edLexer) ws(i int, st *edLexState) (int, bool) {
	s := lx.s
	if i+1 < len(s) && s[i] == '-' && s[i+1] == '-' {
		if lvl, open := edOpenLong(s, i+2); open > 0 {
			if end := edCloseLong(s, open, lvl); end >= 0 {
				lx.emit(end, edTokCommentMulti)
				return end, true
			}
			lx.emit(len(s), edTokCommentMulti)
			*st = edLexState{kind: edStLongComment, ret: st.kind, level: int32(lvl)}
			return len(s), true
		}
		lx.emit(len(s), edTokCommentSingle)
		return len(s), true
	}
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !edIsSpace(r) {
			break
		}
		j += size
	}
	if j > i {
		lx.emit(j, edTokText)
		return j, true
	}
	return i, false
}

// base is chroma's "base" state: the rules in chroma's order.
func (lx *edLexer) base(i int, st edLexState) (int, edLexState) {
	s := lx.s
	if j, ok := lx.ws(i, &st); ok {
		return j, st
	}
	c := s[i]
	// Numbers: hex, float, exponent-only float, integer.
	if c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') {
		j := edSkip(s, i+2, edIsHex)
		if j < len(s) && s[j] == '.' {
			j = edSkip(s, j+1, edIsHex)
		}
		j = edExponent(s, j, 'p', 'P')
		lx.emit(j, edTokHex)
		return j, st
	}
	if edIsDigit(c) || (c == '.' && i+1 < len(s) && edIsDigit(s[i+1])) {
		d := edSkip(s, i, edIsDigit)
		if d < len(s) && s[d] == '.' {
			j := edSkip(s, d+1, edIsDigit)
			if j > d+1 || d > i { // \d*\.\d+ or \d+\.\d*
				j = edExponent(s, j, 'e', 'E')
				lx.emit(j, edTokFloat)
				return j, st
			}
		}
		if d > i {
			if j := edExponent(s, d, 'e', 'E'); j > d {
				lx.emit(j, edTokFloat)
				return j, st
			}
			lx.emit(d, edTokInteger)
			return d, st
		}
	}
	// Long string [==[ … ]==].
	if c == '[' {
		if lvl, open := edOpenLong(s, i); open > 0 {
			if end := edCloseLong(s, open, lvl); end >= 0 {
				lx.emit(end, edTokLongString)
				return end, st
			}
			lx.emit(len(s), edTokLongString)
			return len(s), edLexState{kind: edStLongString, ret: edStBase, level: int32(lvl)}
		}
	}
	if c == ':' && i+1 < len(s) && s[i+1] == ':' {
		lx.emit(i+2, edTokPunct)
		return i + 2, edLexState{kind: edStLabel}
	}
	if c == '.' && i+2 < len(s) && s[i+1] == '.' && s[i+2] == '.' {
		lx.emit(i+3, edTokPunct)
		return i + 3, st
	}
	if edIsOperator(c) {
		j := edSkip(s, i, edIsOperator)
		lx.emit(j, edTokOperator)
		return j, st
	}
	if c == '.' && i+1 < len(s) && s[i+1] == '.' {
		lx.emit(i+2, edTokOperator)
		return i + 2, st
	}
	switch c {
	case '[', ']', '{', '}', '(', ')', '.', ',', ':', ';':
		lx.emit(i+1, edTokPunct)
		return i + 1, st
	case '\'':
		lx.emit(i+1, edTokStringSingle)
		return i + 1, edLexState{kind: edStSingle}
	case '"':
		lx.emit(i+1, edTokStringDouble)
		return i + 1, edLexState{kind: edStDouble}
	}
	if edIsIdentStart(c) {
		j := edWordEnd(s, i)
		switch s[i:j] {
		case "and", "or", "not":
			lx.emit(j, edTokOperatorWord)
		case "break", "do", "else", "elseif", "end", "for", "if", "in", "repeat", "return", "then", "until", "while":
			lx.emit(j, edTokKeyword)
		case "goto":
			lx.emit(j, edTokKeyword)
			return j, edLexState{kind: edStGoto}
		case "local":
			lx.emit(j, edTokKeywordDecl)
		case "true", "false", "nil":
			lx.emit(j, edTokKeywordConst)
		case "function":
			lx.emit(j, edTokKeyword)
			return j, edLexState{kind: edStFuncname}
		default:
			// [A-Za-z_]\w*(\.[A-Za-z_]\w*)? — chroma takes one dotted part.
			if j+1 < len(s) && s[j] == '.' && edIsIdentStart(s[j+1]) {
				j = edWordEnd(s, j+1)
			}
			lx.emit(j, edTokName)
		}
		return j, st
	}
	return lx.errorRune(i), st
}

// str is chroma's combined "stringescape" + "sqs"/"dqs" state.
func (lx *edLexer) str(i int, st edLexState) (int, edLexState) {
	s := lx.s
	quote, tok := byte('\''), edTokStringSingle
	if st.kind == edStDouble {
		quote, tok = '"', edTokStringDouble
	}
	if st.level == edZSkip {
		// The \z of the line above skips this line's indentation too.
		st.level = 0
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !edIsSpace(r) {
				break
			}
			j += size
		}
		if j > i {
			lx.emit(j, edTokStringEscape)
			i = j
		}
		if j >= len(s) {
			return j, edLexState{kind: st.kind, level: edZSkip}
		}
	}
	for i < len(s) {
		switch s[i] {
		case quote:
			lx.emit(i+1, tok)
			return i + 1, edLexState{kind: edStBase}
		case '\\':
			j, cont := edEscape(s, i)
			if j == i {
				i = lx.errorRune(i)
				continue
			}
			lx.emit(j, edTokStringEscape)
			if cont {
				// \ or \z at the end of the line: the string goes on.
				if s[i+1:j] != "" && s[i+1] == 'z' {
					st.level = edZSkip
				}
				return j, st
			}
			i = j
		default:
			j := i
			for j < len(s) && s[j] != quote && s[j] != '\\' {
				j++
			}
			lx.emit(j, tok)
			i = j
		}
	}
	// Lua ends an unescaped short string at the end of its line.
	return i, edLexState{kind: edStBase}
}

// funcname is chroma's "funcname" state: after `function`, a dotted or
// colon name whose last part is the function and earlier parts classes.
func (lx *edLexer) funcname(i int, st edLexState) (int, edLexState) {
	s := lx.s
	if j, ok := lx.ws(i, &st); ok {
		return j, st
	}
	c := s[i]
	switch {
	case c == '.' || c == ':':
		lx.emit(i+1, edTokPunct)
		return i + 1, st
	case edIsUnicodeIdentStart(s, i):
		j := edWordEnd(s, i)
		if k := edSkipWS(s, j); k < len(s) && (s[k] == '.' || s[k] == ':') {
			lx.emit(j, edTokNameClass)
			return j, st
		}
		lx.emit(j, edTokNameFunction)
		return j, edLexState{kind: edStBase}
	case c == '(':
		lx.emit(i+1, edTokPunct)
		return i + 1, edLexState{kind: edStBase}
	}
	return lx.errorRune(i), st
}

// label is chroma's "label" (inside ::name::) and "goto" states.
func (lx *edLexer) label(i int, st edLexState) (int, edLexState) {
	s := lx.s
	if j, ok := lx.ws(i, &st); ok {
		return j, st
	}
	if st.kind == edStLabel && i+1 < len(s) && s[i] == ':' && s[i+1] == ':' {
		lx.emit(i+2, edTokPunct)
		return i + 2, edLexState{kind: edStBase}
	}
	if edIsUnicodeIdentStart(s, i) {
		j := edWordEnd(s, i)
		lx.emit(j, edTokNameLabel)
		if st.kind == edStGoto {
			return j, edLexState{kind: edStBase}
		}
		return j, st
	}
	return lx.errorRune(i), st
}

// errorRune marks one rune as an error, as chroma does when no rule matches.
func (lx *edLexer) errorRune(i int) int {
	_, size := utf8.DecodeRuneInString(lx.s[i:])
	lx.emit(i+size, edTokError)
	return i + size
}

// edOpenLong recognises an opening long bracket [==[ at i and returns its
// level and the index after it (0 when there is none).
func edOpenLong(s string, i int) (level, after int) {
	if i >= len(s) || s[i] != '[' {
		return 0, 0
	}
	j := i + 1
	for j < len(s) && s[j] == '=' {
		j++
	}
	if j < len(s) && s[j] == '[' {
		return j - i - 1, j + 1
	}
	return 0, 0
}

// edCloseLong finds the closing ]==] of level from i and returns the index
// after it, or -1.
func edCloseLong(s string, i, level int) int {
	for ; i < len(s); i++ {
		if s[i] != ']' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] == '=' {
			j++
		}
		if j-i-1 == level && j < len(s) && s[j] == ']' {
			return j + 1
		}
	}
	return -1
}

// edEscape matches chroma's string escape at s[i] == '\\' and returns the
// index after it (i when it is not a valid escape) and whether it carries
// the string over the end of the line.
func edEscape(s string, i int) (int, bool) {
	if i+1 >= len(s) {
		return len(s), true // backslash-newline
	}
	switch c := s[i+1]; {
	case c == 'a' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't' || c == 'v' ||
		c == '\\' || c == '"' || c == '\'':
		return i + 2, false
	case c == '\r':
		// [\r\n]{1,2}: a CRLF line ending after the backslash.
		return i + 2, i+2 >= len(s)
	case c == 'z':
		j := i + 2
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !edIsSpace(r) {
				break
			}
			j += size
		}
		return j, j >= len(s)
	case c == 'x':
		if i+3 < len(s) && edIsHex(s[i+2]) && edIsHex(s[i+3]) {
			return i + 4, false
		}
	case edIsDigit(c):
		j := i + 1
		for j < len(s) && j < i+4 && edIsDigit(s[j]) {
			j++
		}
		return j, false
	case c == 'u':
		if i+2 < len(s) && s[i+2] == '{' {
			j := edSkip(s, i+3, edIsHex)
			if j > i+3 && j < len(s) && s[j] == '}' {
				return j + 1, false
			}
		}
	}
	return i, false
}

// edExponent consumes an optional exponent ([eE] or [pP], sign, digits) at
// j; like the regexp's optional group it takes all of it or nothing.
func edExponent(s string, j int, lower, upper byte) int {
	if j < len(s) && (s[j] == lower || s[j] == upper) {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if e := edSkip(s, k, edIsDigit); e > k {
			return e
		}
	}
	return j
}

// edSkipWS is the lookahead chroma uses to tell a class name (a.b, a:b)
// from the function name: it skips whitespace and `--` comments, then the
// caller checks for '.' or ':'. A `--` comment runs to the end of the line
// here even when it is a long one, because that is what chroma's pattern
// does (its back-reference to the long bracket's level never matches).
// Chroma also looks past the end of the line, which a line lexer cannot;
// only `function a` followed by `.b` on the next line tells.
func edSkipWS(s string, j int) int {
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if edIsSpace(r) {
			j += size
			continue
		}
		if j+1 < len(s) && s[j] == '-' && s[j+1] == '-' {
			return len(s)
		}
		break
	}
	return j
}

// edWordEnd returns the end of the \w* run at i (Unicode letters and
// digits count, as in chroma's .NET-style regexps).
func edWordEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !edIsIdentStart(c) && !edIsDigit(c) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Pc, r) {
			return i
		}
		i += size
	}
	return i
}

// edIsUnicodeIdentStart is how chroma's [^\W\d] matches in practice
// (its regexp engine lets digits through): any word character. Only
// invalid code (`function 1x`) tells the difference.
func edIsUnicodeIdentStart(s string, i int) bool {
	return edWordEnd(s, i) > i
}

func edSkip(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

func edIsSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || (r > 0x7f && unicode.IsSpace(r))
}

func edIsDigit(c byte) bool      { return c >= '0' && c <= '9' }
func edIsHex(c byte) bool        { return edIsDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func edIsIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }

func edIsOperator(c byte) bool {
	switch c {
	case '=', '<', '>', '|', '~', '&', '+', '-', '*', '/', '%', '#', '^':
		return true
	}
	return false
}
