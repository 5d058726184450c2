package editor

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

// tok is the editor's token kind; tokChroma maps it to chroma's type.
type tok uint8

const (
	tokText tok = iota
	tokError
	tokPreproc
	tokCommentMulti
	tokCommentSingle
	tokHex
	tokFloat
	tokInteger
	tokLongString
	tokPunct
	tokOperator
	tokOperatorWord
	tokKeyword
	tokKeywordDecl
	tokKeywordConst
	tokName
	tokNameClass
	tokNameFunction
	tokNameLabel
	tokStringSingle
	tokStringDouble
	tokStringEscape
	// tokEscape is not a Lua token: it is a control byte shown as \xNN.
	tokEscape
	tokCount
)

// tokChroma is the chroma token type of each tok, so colours come from
// the theme's chroma style.
var tokChroma = [tokCount]chroma.TokenType{
	tokText:          chroma.Text,
	tokError:         chroma.Error,
	tokPreproc:       chroma.CommentPreproc,
	tokCommentMulti:  chroma.CommentMultiline,
	tokCommentSingle: chroma.CommentSingle,
	tokHex:           chroma.LiteralNumberHex,
	tokFloat:         chroma.LiteralNumberFloat,
	tokInteger:       chroma.LiteralNumberInteger,
	tokLongString:    chroma.LiteralString,
	tokPunct:         chroma.Punctuation,
	tokOperator:      chroma.Operator,
	tokOperatorWord:  chroma.OperatorWord,
	tokKeyword:       chroma.KeywordReserved,
	tokKeywordDecl:   chroma.KeywordDeclaration,
	tokKeywordConst:  chroma.KeywordConstant,
	tokName:          chroma.Name,
	tokNameClass:     chroma.NameClass,
	tokNameFunction:  chroma.NameFunction,
	tokNameLabel:     chroma.NameLabel,
	tokStringSingle:  chroma.LiteralStringSingle,
	tokStringDouble:  chroma.LiteralStringDouble,
	tokStringEscape:  chroma.LiteralStringEscape,
	tokEscape:        chroma.Text,
}

// span is one token of a line: it runs from the previous span's end (or
// 0) to end, in bytes. Eight bytes a token keeps 10,000 cached lines small.
type span struct {
	end uint32
	tok tok
}

// Lexer states at a line boundary: everything the next line needs to know.
const (
	stRoot        uint8 = iota // start of the script: a #! shebang may follow
	stBase                     // ordinary code
	stLongComment              // inside --[==[ … of level
	stLongString               // inside [==[ … of level
	stSingle                   // inside '…' continued by a backslash-newline
	stDouble                   // inside "…" continued by a backslash-newline
	stFuncname                 // after `function`, before its name
	stLabel                    // inside ::label::
	stGoto                     // after `goto`, before the label
)

// zSkip in a string state's level says the line above ended in \z, so
// this line's leading whitespace belongs to that escape.
const zSkip = 1

// lexState is the lexer state at the start (or end) of a line. It is
// comparable: the highlighter stops re-lexing when a line's end state is
// what it was before the edit.
type lexState struct {
	kind  uint8
	ret   uint8 // for a long comment: the state it returns to when closed
	level int32 // number of '=' in a long bracket
}

// lexLine tokenizes one line (without its newline) starting in state st.
// It appends to out (reusing its storage) and returns the spans and the
// state at the end of the line.
func lexLine(line string, st lexState, out []span) ([]span, lexState) {
	lx := lexer{s: line, out: out[:0]}
	i := 0
	if st.kind == stRoot {
		st.kind = stBase
		if len(line) >= 2 && line[0] == '#' && line[1] == '!' {
			lx.emit(len(line), tokPreproc)
			return lx.out, st
		}
	}
	n := len(line)
	for i < n {
		switch st.kind {
		case stLongComment, stLongString:
			tok := tokCommentMulti
			if st.kind == stLongString {
				tok = tokLongString
			}
			if end := closeLong(line, i, int(st.level)); end >= 0 {
				lx.emit(end, tok)
				i = end
				st = lexState{kind: st.ret}
			} else {
				lx.emit(n, tok)
				i = n
			}
		case stSingle, stDouble:
			i, st = lx.str(i, st)
		case stFuncname:
			i, st = lx.funcname(i, st)
		case stLabel, stGoto:
			i, st = lx.label(i, st)
		default:
			i, st = lx.base(i, st)
		}
	}
	return lx.out, st
}

// lexer accumulates the spans of one line.
type lexer struct {
	s   string
	out []span
}

// emit ends a token of kind tok at byte end, merging with the previous
// span when the kind is the same (chroma splits strings at escapes and
// quotes; the colour does not change, so neither need the spans).
func (lx *lexer) emit(end int, tok tok) {
	if k := len(lx.out); k > 0 && lx.out[k-1].tok == tok {
		lx.out[k-1].end = uint32(end)
		return
	}
	lx.out = append(lx.out, span{end: uint32(end), tok: tok})
}

// ws is chroma's "ws" state, shared by every state: long comments, line
// comments and whitespace. It reports whether it consumed anything.
func (lx *lexer) ws(i int, st *lexState) (int, bool) {
	s := lx.s
	if i+1 < len(s) && s[i] == '-' && s[i+1] == '-' {
		if lvl, open := openLong(s, i+2); open > 0 {
			if end := closeLong(s, open, lvl); end >= 0 {
				lx.emit(end, tokCommentMulti)
				return end, true
			}
			lx.emit(len(s), tokCommentMulti)
			*st = lexState{kind: stLongComment, ret: st.kind, level: int32(lvl)}
			return len(s), true
		}
		lx.emit(len(s), tokCommentSingle)
		return len(s), true
	}
	j := spaceEnd(s, i)
	if j > i {
		lx.emit(j, tokText)
		return j, true
	}
	return i, false
}

// base is chroma's "base" state: the rules in chroma's order.
func (lx *lexer) base(i int, st lexState) (int, lexState) {
	s := lx.s
	if j, ok := lx.ws(i, &st); ok {
		return j, st
	}
	c := s[i]
	// Numbers: hex, float, exponent-only float, integer.
	if c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') {
		j := skip(s, i+2, isHex)
		if j < len(s) && s[j] == '.' {
			j = skip(s, j+1, isHex)
		}
		j = exponent(s, j, 'p', 'P')
		lx.emit(j, tokHex)
		return j, st
	}
	if isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])) {
		d := skip(s, i, isDigit)
		if d < len(s) && s[d] == '.' {
			j := skip(s, d+1, isDigit)
			if j > d+1 || d > i { // \d*\.\d+ or \d+\.\d*
				j = exponent(s, j, 'e', 'E')
				lx.emit(j, tokFloat)
				return j, st
			}
		}
		if d > i {
			if j := exponent(s, d, 'e', 'E'); j > d {
				lx.emit(j, tokFloat)
				return j, st
			}
			lx.emit(d, tokInteger)
			return d, st
		}
	}
	// Long string [==[ … ]==].
	if c == '[' {
		if lvl, open := openLong(s, i); open > 0 {
			if end := closeLong(s, open, lvl); end >= 0 {
				lx.emit(end, tokLongString)
				return end, st
			}
			lx.emit(len(s), tokLongString)
			return len(s), lexState{kind: stLongString, ret: stBase, level: int32(lvl)}
		}
	}
	if c == ':' && i+1 < len(s) && s[i+1] == ':' {
		lx.emit(i+2, tokPunct)
		return i + 2, lexState{kind: stLabel}
	}
	if c == '.' && i+2 < len(s) && s[i+1] == '.' && s[i+2] == '.' {
		lx.emit(i+3, tokPunct)
		return i + 3, st
	}
	if isOperator(c) {
		j := skip(s, i, isOperator)
		lx.emit(j, tokOperator)
		return j, st
	}
	if c == '.' && i+1 < len(s) && s[i+1] == '.' {
		lx.emit(i+2, tokOperator)
		return i + 2, st
	}
	switch c {
	case '[', ']', '{', '}', '(', ')', '.', ',', ':', ';':
		lx.emit(i+1, tokPunct)
		return i + 1, st
	case '\'':
		lx.emit(i+1, tokStringSingle)
		return i + 1, lexState{kind: stSingle}
	case '"':
		lx.emit(i+1, tokStringDouble)
		return i + 1, lexState{kind: stDouble}
	}
	if isIdentStart(c) {
		j := wordEnd(s, i)
		switch s[i:j] {
		case "and", "or", "not":
			lx.emit(j, tokOperatorWord)
		case "break", "do", "else", "elseif", "end", "for", "if", "in", "repeat", "return", "then", "until", "while":
			lx.emit(j, tokKeyword)
		case "goto":
			lx.emit(j, tokKeyword)
			return j, lexState{kind: stGoto}
		case "local":
			lx.emit(j, tokKeywordDecl)
		case "true", "false", "nil":
			lx.emit(j, tokKeywordConst)
		case "function":
			lx.emit(j, tokKeyword)
			return j, lexState{kind: stFuncname}
		default:
			// [A-Za-z_]\w*(\.[A-Za-z_]\w*)? — chroma takes one dotted part.
			if j+1 < len(s) && s[j] == '.' && isIdentStart(s[j+1]) {
				j = wordEnd(s, j+1)
			}
			lx.emit(j, tokName)
		}
		return j, st
	}
	return lx.errorRune(i), st
}

// str is chroma's combined "stringescape" + "sqs"/"dqs" state.
func (lx *lexer) str(i int, st lexState) (int, lexState) {
	s := lx.s
	quote, tok := byte('\''), tokStringSingle
	if st.kind == stDouble {
		quote, tok = '"', tokStringDouble
	}
	if st.level == zSkip {
		// The \z of the line above skips this line's indentation too.
		st.level = 0
		j := spaceEnd(s, i)
		if j > i {
			lx.emit(j, tokStringEscape)
			i = j
		}
		if j >= len(s) {
			return j, lexState{kind: st.kind, level: zSkip}
		}
	}
	for i < len(s) {
		switch s[i] {
		case quote:
			lx.emit(i+1, tok)
			return i + 1, lexState{kind: stBase}
		case '\\':
			j, cont := escape(s, i)
			if j == i {
				i = lx.errorRune(i)
				continue
			}
			lx.emit(j, tokStringEscape)
			if cont {
				// \ or \z at the end of the line: the string goes on.
				if s[i+1:j] != "" && s[i+1] == 'z' {
					st.level = zSkip
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
	return i, lexState{kind: stBase}
}

// funcname is chroma's "funcname" state: after `function`, a dotted or
// colon name whose last part is the function and earlier parts classes.
func (lx *lexer) funcname(i int, st lexState) (int, lexState) {
	s := lx.s
	if j, ok := lx.ws(i, &st); ok {
		return j, st
	}
	c := s[i]
	switch {
	case c == '.' || c == ':':
		lx.emit(i+1, tokPunct)
		return i + 1, st
	case isUnicodeIdentStart(s, i):
		j := wordEnd(s, i)
		if k := skipWS(s, j); k < len(s) && (s[k] == '.' || s[k] == ':') {
			lx.emit(j, tokNameClass)
			return j, st
		}
		lx.emit(j, tokNameFunction)
		return j, lexState{kind: stBase}
	case c == '(':
		lx.emit(i+1, tokPunct)
		return i + 1, lexState{kind: stBase}
	}
	return lx.errorRune(i), st
}

// label is chroma's "label" (inside ::name::) and "goto" states.
func (lx *lexer) label(i int, st lexState) (int, lexState) {
	s := lx.s
	if j, ok := lx.ws(i, &st); ok {
		return j, st
	}
	if st.kind == stLabel && i+1 < len(s) && s[i] == ':' && s[i+1] == ':' {
		lx.emit(i+2, tokPunct)
		return i + 2, lexState{kind: stBase}
	}
	if isUnicodeIdentStart(s, i) {
		j := wordEnd(s, i)
		lx.emit(j, tokNameLabel)
		if st.kind == stGoto {
			return j, lexState{kind: stBase}
		}
		return j, st
	}
	return lx.errorRune(i), st
}

// errorRune marks one rune as an error, as chroma does when no rule matches.
func (lx *lexer) errorRune(i int) int {
	_, size := utf8.DecodeRuneInString(lx.s[i:])
	lx.emit(i+size, tokError)
	return i + size
}

// openLong recognises an opening long bracket [==[ at i and returns its
// level and the index after it (0 when there is none).
func openLong(s string, i int) (level, after int) {
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

// closeLong finds the closing ]==] of level from i and returns the index
// after it, or -1.
func closeLong(s string, i, level int) int {
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

// escape matches chroma's string escape at s[i] == '\\' and returns the
// index after it (i when it is not a valid escape) and whether it carries
// the string over the end of the line.
func escape(s string, i int) (int, bool) {
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
		j := spaceEnd(s, i+2)
		return j, j >= len(s)
	case c == 'x':
		if i+3 < len(s) && isHex(s[i+2]) && isHex(s[i+3]) {
			return i + 4, false
		}
	case isDigit(c):
		j := i + 1
		for j < len(s) && j < i+4 && isDigit(s[j]) {
			j++
		}
		return j, false
	case c == 'u':
		if i+2 < len(s) && s[i+2] == '{' {
			j := skip(s, i+3, isHex)
			if j > i+3 && j < len(s) && s[j] == '}' {
				return j + 1, false
			}
		}
	}
	return i, false
}

// exponent consumes an optional exponent ([eE] or [pP], sign, digits) at
// j; like the regexp's optional group it takes all of it or nothing.
func exponent(s string, j int, lower, upper byte) int {
	if j < len(s) && (s[j] == lower || s[j] == upper) {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if e := skip(s, k, isDigit); e > k {
			return e
		}
	}
	return j
}

// skipWS is the lookahead chroma uses to tell a class name (a.b, a:b)
// from the function name: it skips whitespace and `--` comments, then the
// caller checks for '.' or ':'. A `--` comment runs to the end of the line
// here even when it is a long one, because that is what chroma's pattern
// does (its back-reference to the long bracket's level never matches).
// Chroma also looks past the end of the line, which a line lexer cannot;
// only `function a` followed by `.b` on the next line tells.
func skipWS(s string, j int) int {
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if isSpace(r) {
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

// wordEnd returns the end of the \w* run at i (Unicode letters and
// digits count, as in chroma's .NET-style regexps).
func wordEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isIdentStart(c) && !isDigit(c) {
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

// isUnicodeIdentStart is how chroma's [^\W\d] matches in practice
// (its regexp engine lets digits through): any word character. Only
// invalid code (`function 1x`) tells the difference.
func isUnicodeIdentStart(s string, i int) bool {
	return wordEnd(s, i) > i
}

func skip(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || (r > 0x7f && unicode.IsSpace(r))
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isHex(c byte) bool        { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }

func isOperator(c byte) bool {
	switch c {
	case '=', '<', '>', '|', '~', '&', '+', '-', '*', '/', '%', '#', '^':
		return true
	}
	return false
}

// spaceEnd is the index after the run of white space starting at i.
func spaceEnd(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSpace(r) {
			break
		}
		i += size
	}
	return i
}
