package lint

import (
	"errors"
	"strconv"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// token is one lexical token with where it starts and ends (1-based
// lines, 1-based byte columns, as gopher-lua's scanner counts them).
type token struct {
	typ       int
	str       string
	line, col int
	endLine   int
	endCol    int
	varPos    bool // a Name in a variable position (not after . or :, not a table key)
}

// tokenize scans src with gopher-lua's scanner. It stops at the first
// lexical error, which it returns.
func tokenize(src string) (toks []token, err error) {
	defer func() {
		if p := recover(); p != nil { // a scanner bug must not take luascope down
			err = errors.New("scanner failed")
		}
	}()
	sc := parse.NewScanner(strings.NewReader(src), "user_script")
	lx := &parse.Lexer{}
	for {
		t, err := sc.Scan(lx)
		if err != nil {
			return toks, err
		}
		if t.Type == parse.EOF || t.Type <= 0 {
			return toks, nil
		}
		lx.PrevTokenType = t.Type
		toks = append(toks, token{typ: t.Type, str: t.Str, line: t.Pos.Line, col: t.Pos.Column,
			endLine: sc.Pos.Line, endCol: sc.Pos.Column})
	}
}

// markVarPositions sets varPos on the Name tokens that can be variables:
// not a field or method name (after . or :), not a table constructor key
// ({name = …}). Only those are matched to identifiers for columns.
func markVarPositions(toks []token) {
	var brackets []int
	for i := range toks {
		t := &toks[i]
		switch t.typ {
		case '(', '[', '{':
			brackets = append(brackets, t.typ)
		case ')', ']', '}':
			if len(brackets) > 0 {
				brackets = brackets[:len(brackets)-1]
			}
		case parse.TIdent:
			prev, next := prevTok(toks, i), nextTok(toks, i)
			if prev == '.' || prev == ':' {
				continue
			}
			inTable := len(brackets) > 0 && brackets[len(brackets)-1] == '{'
			if inTable && next == '=' && (prev == '{' || prev == ',' || prev == ';') {
				continue
			}
			t.varPos = true
		}
	}
}

func prevTok(toks []token, i int) int {
	if i == 0 {
		return 0
	}
	return toks[i-1].typ
}

func nextTok(toks []token, i int) int {
	if i+1 >= len(toks) {
		return 0
	}
	return toks[i+1].typ
}

// syntaxFinding turns gopher-lua's parse error into a finding on the line
// Lua 5.1 reports, with Lua's wording where it can be derived.
func (l *linter) syntaxFinding(err error) {
	hint := "Redis compiles with Lua 5.1 and names the line itself; its wording may differ from luascope's (gopher-lua's parser)"
	var pe *parse.Error
	if !errors.As(err, &pe) {
		l.add(l.eofLine, 0, Error, CodeSyntax, "syntax error: "+strings.TrimSpace(err.Error()), hint)
		return
	}
	line, col := pe.Pos.Line, pe.Pos.Column
	atEOF := line == parse.EOF || line <= 0
	near := "'" + pe.Token + "'"
	msg := ""
	switch pe.Message {
	case "unterminated string":
		if atEOF {
			line, col, msg = l.eofLine, 0, "unfinished string near '<eof>'"
		} else {
			// The string ran into a line break: Lua reports the line it starts on.
			line--
			col = l.findStringStart(line, pe.Token)
			msg = "unfinished string near " + quote(l.rawFrom(line, col))
		}
	case "unterminated multiline string":
		line, col, msg = l.eofLine, 0, "unfinished long string near '<eof>'"
	case "invalid multiline comment":
		line, col, msg = l.eofLine, 0, "unfinished long comment near '<eof>'"
		if !atEOF {
			line, col = pe.Pos.Line, 0
		}
	case "invalid multiline string":
		msg = "invalid long string delimiter near " + near
		if atEOF { // "[=" at the very end: the scanner reports no line
			line, col = l.eofLine, 0
		}
	case "illegal hexadecimal number":
		msg = "malformed number near " + near
	case "Invalid '~' token", "Invalid token":
		msg = "unexpected symbol near " + quote(pe.Token)
		col = col - len(pe.Token) + 1
	case "ambiguous syntax (function call x new statement)":
		msg = pe.Message + " near '('"
	default:
		if atEOF {
			line, col, msg = l.eofLine, 0, l.eofMessage()
			break
		}
		t := l.tokenEndingAt(line, col)
		if t != nil {
			col = t.col
			line = t.endLine
			near = "'" + t.str + "'"
			if t.typ == parse.TString {
				near = quote(l.rawFrom(t.line, t.col))
			}
		} else {
			col = 0
		}
		msg = l.midMessage(t, near)
	}
	if col < 0 {
		col = 0
	}
	l.add(line, col, Error, CodeSyntax, msg, hint)
}

// tokenEndingAt finds the scanned token whose last character is at
// line:col (gopher-lua reports the end of the offending token).
func (l *linter) tokenEndingAt(line, col int) *token {
	for i := range l.toks {
		if l.toks[i].endLine == line && l.toks[i].endCol == col {
			return &l.toks[i]
		}
	}
	return nil
}

// midMessage words an error in the middle of the script like Lua 5.1 does
// for the common cases: a statement after return, an end with nothing to
// close.
func (l *linter) midMessage(t *token, near string) string {
	if t == nil {
		return "syntax error near " + near
	}
	idx := 0
	for i := range l.toks {
		if &l.toks[i] == t {
			idx = i
		}
	}
	stack, _, _ := openBlocks(l.toks[:idx])
	afterLast := idx > 0 && (l.toks[idx-1].typ == parse.TBreak || lastStatIsReturn(l.toks[:idx]))
	prev := 0
	if idx > 0 {
		prev = l.toks[idx-1].typ
	}
	var top openBlock
	if len(stack) > 0 {
		top = stack[len(stack)-1]
	}
	switch {
	case t.typ == parse.TNumber && prev == parse.TNumber && l.toks[idx-1].endLine == t.line && l.toks[idx-1].endCol+1 == t.col:
		// gopher-lua splits 3..4 into two numbers; Lua sees one malformed number.
		return "malformed number near '" + l.toks[idx-1].str + t.str + "'"
	case len(stack) == 0 && (t.typ == parse.TEnd || t.typ == parse.TUntil || afterLast):
		return "'<eof>' expected near " + near
	case len(stack) > 0 && afterLast:
		return closeMessage(top, t.line, near)
	case idx >= 2 && prev == parse.TIdent && l.toks[idx-2].typ == ':':
		return "function arguments expected near " + near
	case (top.what == "{" || top.what == "(") && idx > 0 && !expectsExpression[prev] && !opensList[prev]:
		// {a = 1 b = 2}, f(a b), {1, 2 <new statement>: a complete item
		// followed by something that is not a separator or the closer.
		return closeMessage(top, t.line, near)
	case expectsExpression[prev]:
		return "unexpected symbol near " + near
	}
	return "syntax error near " + near
}

// opensList: after these an item of a list or constructor is expected.
var opensList = map[int]bool{'(': true, '{': true, '[': true, ',': true, ';': true}

// expectsExpression: after these tokens Lua parses an expression, and a
// token that cannot start one is an "unexpected symbol".
var expectsExpression = map[int]bool{'+': true, '-': true, '*': true, '/': true, '%': true, '^': true, '#': true,
	'=': true, ',': true, parse.T2Comma: true, parse.TAnd: true, parse.TOr: true, parse.TNot: true, parse.TEqeq: true,
	parse.TNeq: true, '<': true, '>': true, parse.TLte: true, parse.TGte: true, parse.TIn: true, parse.TReturn: true}

// lastStatIsReturn reports whether the tokens end inside a return
// statement on the same line (return, or return followed by a simple
// value), the usual "statement after return" mistake.
func lastStatIsReturn(toks []token) bool {
	for i := len(toks) - 1; i >= 0 && i >= len(toks)-3; i-- {
		switch toks[i].typ {
		case parse.TReturn:
			return true
		case parse.TIdent, parse.TNumber, parse.TString, parse.TNil, parse.TTrue, parse.TFalse, ';':
			continue
		}
		return false
	}
	return false
}

// openBlock is a construct that is still waiting for its closing token.
type openBlock struct {
	what string
	line int
}

// openBlocks replays the block structure of toks: what is still open,
// and how many if/elseif wait for then and while/for for do.
func openBlocks(toks []token) (stack []openBlock, pendingThen, pendingDo int) {
	for _, t := range toks {
		switch t.typ {
		case parse.TFunction, parse.TRepeat, parse.TIf:
			stack = append(stack, openBlock{t.str, t.line})
			if t.typ == parse.TIf {
				pendingThen++
			}
		case parse.TElseIf:
			pendingThen++
		case parse.TThen:
			if pendingThen > 0 {
				pendingThen--
			}
		case parse.TWhile, parse.TFor:
			stack = append(stack, openBlock{t.str, t.line})
			pendingDo++
		case parse.TDo:
			if pendingDo > 0 {
				pendingDo--
			} else {
				stack = append(stack, openBlock{"do", t.line})
			}
		case '(', '{', '[':
			stack = append(stack, openBlock{t.str, t.line})
		case parse.TEnd, parse.TUntil, ')', '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	return stack, pendingThen, pendingDo
}

// closeMessage is Lua's check_match wording: the line of the opener is
// named only when it differs from the current one.
func closeMessage(top openBlock, line int, near string) string {
	closer := map[string]string{"(": ")", "{": "}", "[": "]", "repeat": "until"}[top.what]
	if closer == "" {
		closer = "end"
	}
	if top.line == line || top.what == "[" {
		return "'" + closer + "' expected near " + near
	}
	return "'" + closer + "' expected (to close '" + top.what + "' at line " + strconv.Itoa(top.line) + ") near " + near
}

// eofMessage explains an error at the end of the script: most often a
// block left open, which Lua reports as "'end' expected (to close 'if' at
// line 2) near '<eof>'".
func (l *linter) eofMessage() string {
	stack, pendingThen, pendingDo := openBlocks(l.toks)
	last := 0
	if len(l.toks) > 0 {
		last = l.toks[len(l.toks)-1].typ
	}
	n := len(l.toks)
	switch {
	case last == parse.TReturn:
	case expectsExpression[last] || last == '(' || last == '{' || last == '[':
		return "unexpected symbol near '<eof>'"
	case last == '.' || last == ':' || last == parse.TLocal || last == parse.TFunction || last == parse.TGoto:
		return "<name> expected near '<eof>'"
	case last == parse.TIdent && n >= 2 && l.toks[n-2].typ == ':':
		return "function arguments expected near '<eof>'"
	}
	switch {
	case pendingThen > 0:
		return "'then' expected near '<eof>'"
	case pendingDo > 0:
		return "'do' expected near '<eof>'"
	case len(stack) == 0:
		return "unexpected symbol near '<eof>'"
	}
	return closeMessage(stack[len(stack)-1], l.eofLine, "'<eof>'")
}

// checkLua51Syntax finds what gopher-lua accepts and Lua 5.1 refuses:
// a call's "(" on the line after the called expression (Lua 5.1:
// "ambiguous syntax"; gopher-lua's own check misses most cases), goto and
// labels (Lua 5.2+).
func (l *linter) checkLua51Syntax() bool {
	toks := l.toks
	localNames := false // inside "local a, b" (no "=" yet)
	funcName := false   // between "function" and its "("
	var parens []bool   // open "(": true when it opens a parameter list
	paramsClosed := map[int]bool{}
	for i, t := range toks {
		switch t.typ {
		case parse.TLocal:
			localNames = true
			continue
		case parse.TFunction:
			funcName = true
			localNames = false
			continue
		case parse.TGoto:
			if i+1 < len(toks) {
				n := toks[i+1]
				l.add(n.line, n.col, Error, CodeSyntax, "'=' expected near '"+n.str+"' (goto is Lua 5.2+: Redis runs Lua 5.1)",
					"Lua 5.1 has no goto: use a loop with break, or a function with return")
			}
			return true
		case parse.T2Colon:
			l.add(t.line, t.col, Error, CodeSyntax, "unexpected symbol near ':' (::labels:: are Lua 5.2+: Redis runs Lua 5.1)",
				"Lua 5.1 has no labels or goto")
			return true
		case '(':
			if i > 0 && !funcName && !localNames {
				p := toks[i-1]
				callable := p.typ == parse.TIdent || p.typ == ']' || p.typ == ')' && !paramsClosed[i-1]
				if callable && p.endLine < t.line {
					l.add(t.line, t.col, Error, CodeSyntax, "ambiguous syntax (function call x new statement) near '('",
						"Lua 5.1 reads a line starting with ( as a call of the previous line; put a ; before the (")
					return true
				}
			}
			parens = append(parens, funcName)
			funcName = false
		case ')':
			if n := len(parens); n > 0 {
				paramsClosed[i] = parens[n-1]
				parens = parens[:n-1]
			}
		}
		if t.typ != parse.TIdent && t.typ != ',' && t.typ != '.' && t.typ != ':' {
			localNames = false
		}
	}
	return false
}

// findStringStart finds the column of the quote that opens an
// unterminated string on line.
func (l *linter) findStringStart(line int, content string) int {
	text := l.lineText(line)
	for _, q := range []string{`"`, `'`} {
		if i := strings.LastIndex(text, q+content); i >= 0 && content != "" {
			return i + 1
		}
	}
	if i := strings.LastIndexAny(text, `"'`); i >= 0 {
		return i + 1
	}
	return 0
}

// rawFrom returns the source text of line from the 1-based byte column.
func (l *linter) rawFrom(line, col int) string {
	text := l.lineText(line)
	if col < 1 || col > len(text) {
		return text
	}
	return text[col-1:]
}

// breakOutsideLoop reports a break that is not inside a loop. Lua 5.1
// names the token after it (the parser has read it when it notices).
func (l *linter) breakOutsideLoop(s *ast.BreakStmt) {
	line, near := s.Line(), "'<eof>'"
	if i := l.claimIndex(s.Line(), parse.TBreak, "break"); i >= 0 {
		if i+1 < len(l.toks) {
			line, near = l.toks[i+1].line, "'"+l.toks[i+1].str+"'"
		} else {
			line = l.eofLine
		}
	}
	l.add(line, 0, Error, CodeSyntax, "no loop to break near "+near, "break is only allowed inside while, repeat and for loops")
}
