package lint

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// maxDepth bounds the walk's recursion. Lua 5.1 itself refuses about 200
// nested levels ("chunk has too many syntax levels"), so a real script
// never comes near; a hostile one cannot exhaust the stack.
const maxDepth = 1000

// origin is what a value is known to be, as far as keys are concerned.
type origin int

const (
	oUnknown   origin = iota // a parameter, a call's result: nothing to say
	oNil                     // a local declared without a value
	oLiteral                 // a string or number written in the script
	oArgv                    // ARGV[n], or built from ARGV and literals
	oKey                     // KEYS[n], or built with a KEYS[n] part
	oKeysTable               // KEYS itself (or a local alias of it)
	oArgvTable               // ARGV itself
)

// variable is a local, parameter or loop variable in scope.
type variable struct {
	origin     origin
	tableNoErr bool // holds a table constructor without an err field
}

type funcState struct {
	loops  int
	vararg bool
}

type scope struct {
	vars   map[string]*variable
	parent *scope
	fn     *funcState
}

func (s *scope) child() *scope {
	return &scope{vars: map[string]*variable{}, parent: s, fn: s.fn}
}

func (s *scope) lookup(name string) *variable {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v
		}
	}
	return nil
}

func (s *scope) declare(name string, v *variable) { s.vars[name] = v }

type linter struct {
	src        string
	opt        Options
	lines      []string
	eofLine    int
	toks       []token
	claims     map[claimKey][]int // unclaimed tokens, see claim
	localFuncs map[claimKey]bool  // lines with `local function NAME`
	sb         shebang
	mode       lookupMode
	findings   []Finding
	depth      int
	tooDeep    bool
	written    map[string]bool // globals already reported as assigned: their reads are not reported again
	// caught counts the pcall/xpcall function literals being walked: an
	// error raised in them is caught as a value and cannot crash the server.
	caught int
	// The target server (Options.Server), parsed on first use.
	srvParsed, srvOK bool
	srvF             int
	srvV             version
}

func newLinter(src string, opt Options) *linter {
	l := &linter{src: src, opt: opt, written: map[string]bool{}}
	l.lines = splitLines(src)
	l.eofLine = len(l.lines)
	return l
}

// splitLines splits like Lua 5.1 counts lines: \n, \r, \r\n and \n\r each
// end one line. The last element is the (possibly empty) last line.
func splitLines(src string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\n' && c != '\r' {
			continue
		}
		lines = append(lines, src[start:i])
		if i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r') && src[i+1] != c {
			i++
		}
		start = i + 1
	}
	return append(lines, src[start:])
}

func (l *linter) lineText(line int) string {
	if line < 1 || line > len(l.lines) {
		return ""
	}
	return l.lines[line-1]
}

func (l *linter) add(line, col int, sev Severity, code, msg, hint string) {
	l.findings = append(l.findings, Finding{Line: line, Col: col, Severity: sev, Code: code, Message: msg, Hint: hint})
}

func (l *linter) run() {
	l.checkShebang()
	if l.sb.library {
		l.mode = modeLibrary
	}
	src := l.src
	if l.sb.present {
		// Redis compiles what follows the shebang line; keep the line break
		// so that line numbers stay the same, and the width for columns.
		src = strings.Repeat(" ", l.sb.length) + src[l.sb.length:]
	}
	l.toks, _ = tokenize(src)
	markVarPositions(l.toks)
	l.indexTokens()
	chunk, err := parseSafe(src)
	if err != nil {
		l.syntaxFinding(err)
	} else if !l.checkLua51Syntax() {
		top := &scope{vars: map[string]*variable{}, fn: &funcState{vararg: true}}
		l.walkStmts(chunk, top)
	}
	l.runeColumns()
}

// parseSafe runs gopher-lua's parser; a panic inside it is a syntax
// error for luascope, never a crash.
func parseSafe(src string) (chunk []ast.Stmt, err error) {
	defer func() {
		if p := recover(); p != nil {
			chunk, err = nil, fmt.Errorf("parser failed: %v", p)
		}
	}()
	chunk, err = parse.Parse(strings.NewReader(src), "user_script")
	if err == nil && chunk == nil && strings.TrimSpace(src) != "" && !onlyComments(src) {
		err = errors.New("the parser gave up")
	}
	return chunk, err
}

func onlyComments(src string) bool {
	toks, err := tokenize(src)
	return err == nil && len(toks) == 0
}

// runeColumns turns byte columns into character columns.
func (l *linter) runeColumns() {
	for i := range l.findings {
		f := &l.findings[i]
		text := l.lineText(f.Line)
		if f.Col > 1 && f.Col-1 <= len(text) {
			f.Col = utf8.RuneCountInString(text[:f.Col-1]) + 1
		}
	}
}

// claimKey groups the tokens a claim can match.
type claimKey struct {
	line, typ int
	str       string
}

// indexTokens prepares claims: for each (line, type, text) the matching
// tokens in source order, and where `local function NAME` is written.
func (l *linter) indexTokens() {
	l.claims = map[claimKey][]int{}
	l.localFuncs = map[claimKey]bool{}
	for i, t := range l.toks {
		if t.typ == parse.TIdent && !t.varPos {
			continue
		}
		k := claimKey{t.line, t.typ, t.str}
		l.claims[k] = append(l.claims[k], i)
		if t.typ == parse.TLocal && i+2 < len(l.toks) && l.toks[i+1].typ == parse.TFunction && l.toks[i+2].typ == parse.TIdent {
			l.localFuncs[claimKey{t.line, parse.TIdent, l.toks[i+2].str}] = true
		}
	}
}

// claim takes the next unclaimed token of type typ and text str on line
// and returns its byte column (0 when there is none). The walk claims in
// source order, so a name repeated on a line gets each of its columns.
func (l *linter) claim(line, typ int, str string) int {
	if i := l.claimIndex(line, typ, str); i >= 0 {
		return l.toks[i].col
	}
	return 0
}

func (l *linter) claimIndex(line, typ int, str string) int {
	k := claimKey{line, typ, str}
	q := l.claims[k]
	if len(q) == 0 {
		return -1
	}
	l.claims[k] = q[1:]
	return q[0]
}

// isLocalFunction tells `local function f` (f visible in its own body)
// from `local f = function` (it is not): the AST is the same.
func (l *linter) isLocalFunction(line int, name string) bool {
	return l.localFuncs[claimKey{line, parse.TIdent, name}]
}

func (l *linter) enter() bool {
	l.depth++
	if l.depth > maxDepth {
		if !l.tooDeep {
			l.tooDeep = true
			l.add(1, 0, Info, CodeTooDeep,
				fmt.Sprintf("the script nests deeper than %d levels: the rest was not analysed", maxDepth),
				"Lua 5.1 refuses about 200 levels (\"chunk has too many syntax levels\")")
		}
		return false
	}
	return true
}

func (l *linter) leave() { l.depth-- }

func (l *linter) walkStmts(stmts []ast.Stmt, sc *scope) {
	for _, s := range stmts {
		l.walkStmt(s, sc)
	}
}

func (l *linter) walkStmt(s ast.Stmt, sc *scope) {
	if !l.enter() {
		l.leave()
		return
	}
	defer l.leave()
	switch s := s.(type) {
	case *ast.AssignStmt:
		l.walkAssign(s, sc)
	case *ast.LocalAssignStmt:
		l.walkLocal(s, sc)
	case *ast.FuncCallStmt:
		l.walkExpr(s.Expr, sc)
	case *ast.DoBlockStmt:
		l.walkStmts(s.Stmts, sc.child())
	case *ast.WhileStmt:
		l.walkExpr(s.Condition, sc)
		sc.fn.loops++
		l.walkStmts(s.Stmts, sc.child())
		sc.fn.loops--
	case *ast.RepeatStmt:
		body := sc.child() // until sees the body's locals
		sc.fn.loops++
		l.walkStmts(s.Stmts, body)
		sc.fn.loops--
		l.walkExpr(s.Condition, body)
	case *ast.IfStmt:
		l.walkExpr(s.Condition, sc)
		l.walkStmts(s.Then, sc.child())
		l.walkStmts(s.Else, sc.child())
	case *ast.NumberForStmt:
		l.claim(s.Line(), parse.TIdent, s.Name)
		l.walkExpr(s.Init, sc)
		l.walkExpr(s.Limit, sc)
		if s.Step != nil {
			l.walkExpr(s.Step, sc)
		}
		body := sc.child()
		body.declare(s.Name, &variable{})
		sc.fn.loops++
		l.walkStmts(s.Stmts, body)
		sc.fn.loops--
	case *ast.GenericForStmt:
		for _, n := range s.Names {
			l.claim(s.Line(), parse.TIdent, n)
		}
		for _, e := range s.Exprs {
			l.walkExpr(e, sc)
		}
		body := sc.child()
		valueOrigin := oUnknown
		if len(s.Exprs) == 1 {
			if call, ok := s.Exprs[0].(*ast.FuncCallExpr); ok && len(call.Args) == 1 &&
				(l.isGlobal(call.Func, "ipairs", sc) || l.isGlobal(call.Func, "pairs", sc)) {
				switch l.classify(call.Args[0], sc) {
				case oKeysTable:
					valueOrigin = oKey
				case oArgvTable:
					valueOrigin = oArgv
				}
			}
		}
		for i, n := range s.Names {
			v := &variable{}
			if i == 1 {
				v.origin = valueOrigin
			}
			body.declare(n, v)
		}
		sc.fn.loops++
		l.walkStmts(s.Stmts, body)
		sc.fn.loops--
	case *ast.FuncDefStmt:
		l.walkFuncDef(s, sc)
	case *ast.ReturnStmt:
		for _, e := range s.Exprs {
			l.walkExpr(e, sc)
		}
	case *ast.BreakStmt:
		if sc.fn.loops == 0 {
			l.breakOutsideLoop(s)
		}
	}
}

func (l *linter) walkAssign(s *ast.AssignStmt, sc *scope) {
	for _, lhs := range s.Lhs {
		switch t := lhs.(type) {
		case *ast.IdentExpr:
			col := l.claim(t.Line(), parse.TIdent, t.Value)
			if sc.lookup(t.Value) == nil {
				l.globalWrite(t.Line(), col, t.Value, false)
			}
		case *ast.AttrGetExpr:
			col := l.walkExpr(t.Object, sc)
			l.walkKey(t.Key, sc)
			if obj, ok := t.Object.(*ast.IdentExpr); ok {
				if v := sc.lookup(obj.Value); v != nil {
					if key, ok := t.Key.(*ast.StringExpr); !ok || key.Value == "err" {
						v.tableNoErr = false
					}
				} else if readonlyTables[obj.Value] {
					l.fieldWrite(lineOf(t, s.Line()), col, obj.Value, t.Key)
				}
			}
		default:
			l.walkExpr(lhs, sc)
		}
	}
	for _, e := range s.Rhs {
		l.walkExpr(e, sc)
	}
	for i, lhs := range s.Lhs {
		id, ok := lhs.(*ast.IdentExpr)
		if !ok {
			continue
		}
		v := sc.lookup(id.Value)
		if v == nil {
			continue
		}
		o := oUnknown
		noErr := false
		if i < len(s.Rhs) {
			o = l.classify(s.Rhs[i], sc)
			noErr = l.isTableNoErr(s.Rhs[i], sc)
		}
		v.origin = merge(v.origin, o)
		v.tableNoErr = noErr
	}
}

// merge is what a variable may hold after another assignment: only an
// origin both agree on survives.
func merge(old, new origin) origin {
	if old == oNil || old == new {
		return new
	}
	return oUnknown
}

func (l *linter) walkLocal(s *ast.LocalAssignStmt, sc *scope) {
	line := s.Line()
	if len(s.Names) == 1 && len(s.Exprs) == 1 {
		if fn, ok := s.Exprs[0].(*ast.FunctionExpr); ok && l.isLocalFunction(line, s.Names[0]) {
			l.claim(line, parse.TIdent, s.Names[0])
			sc.declare(s.Names[0], &variable{})
			l.walkFunction(fn, sc, false)
			return
		}
	}
	for _, n := range s.Names {
		l.claim(line, parse.TIdent, n)
	}
	for _, e := range s.Exprs {
		l.walkExpr(e, sc)
	}
	vars := make([]*variable, len(s.Names))
	for i := range s.Names {
		v := &variable{origin: oUnknown}
		switch {
		case i < len(s.Exprs):
			v.origin = l.classify(s.Exprs[i], sc)
			v.tableNoErr = l.isTableNoErr(s.Exprs[i], sc)
		case len(s.Exprs) == 0:
			v.origin = oNil
		}
		vars[i] = v
	}
	// Declared after the values: in `local KEYS = KEYS` the right side is the global.
	for i, n := range s.Names {
		sc.declare(n, vars[i])
	}
}

func (l *linter) walkFuncDef(s *ast.FuncDefStmt, sc *scope) {
	name := s.Name
	method := name.Func == nil
	target := name.Func
	if method {
		target = name.Receiver
	}
	switch t := target.(type) {
	case *ast.IdentExpr:
		col := l.claim(lineOf(t, s.Line()), parse.TIdent, t.Value)
		if sc.lookup(t.Value) == nil {
			if method {
				l.checkGlobalRead(t.Value, lineOf(t, s.Line()), col)
				if readonlyTables[t.Value] {
					l.fieldWrite(s.Line(), col, t.Value, &ast.StringExpr{Value: name.Method})
				}
			} else {
				l.globalWrite(lineOf(t, s.Line()), col, t.Value, true)
			}
		}
	case *ast.AttrGetExpr:
		col := l.walkExpr(t.Object, sc)
		if obj, ok := t.Object.(*ast.IdentExpr); ok && sc.lookup(obj.Value) == nil && readonlyTables[obj.Value] {
			l.fieldWrite(s.Line(), col, obj.Value, t.Key)
		}
	case nil:
	default:
		l.walkExpr(t, sc)
	}
	l.walkFunction(s.Func, sc, method)
}

func (l *linter) walkFunction(f *ast.FunctionExpr, sc *scope, method bool) {
	if f == nil {
		return
	}
	fs := &funcState{}
	body := &scope{vars: map[string]*variable{}, parent: sc, fn: fs}
	if method {
		body.declare("self", &variable{})
	}
	if f.ParList != nil {
		fs.vararg = f.ParList.HasVargs
		for i, p := range f.ParList.Names {
			l.claim(f.Line(), parse.TIdent, p)
			v := &variable{}
			if l.mode == modeLibrary && !method {
				// A registered function gets (keys, args): keys plays KEYS's part.
				switch i {
				case 0:
					v.origin = oKeysTable
				case 1:
					v.origin = oArgvTable
				}
			}
			body.declare(p, v)
		}
		if f.ParList.HasVargs {
			body.declare("arg", &variable{}) // Lua 5.1's LUA_COMPAT_VARARG
		}
	}
	l.walkStmts(f.Stmts, body)
}

// lineOf is e's line, or fallback when the parser did not record one.
func lineOf(e ast.Expr, fallback int) int {
	if e != nil && e.Line() > 0 {
		return e.Line()
	}
	return fallback
}

// walkExpr checks e and returns the byte column of its first token when
// known.
func (l *linter) walkExpr(e ast.Expr, sc *scope) int {
	if e == nil {
		return 0
	}
	if !l.enter() {
		l.leave()
		return 0
	}
	defer l.leave()
	switch e := e.(type) {
	case *ast.IdentExpr:
		col := l.claim(e.Line(), parse.TIdent, e.Value)
		if sc.lookup(e.Value) == nil {
			l.checkGlobalRead(e.Value, e.Line(), col)
		}
		return col
	case *ast.AttrGetExpr:
		return l.walkIndex(e, sc)
	case *ast.FuncCallExpr:
		return l.walkCall(e, sc)
	case *ast.StringExpr:
		return l.claim(e.Line(), parse.TString, e.Value)
	case *ast.NumberExpr:
		return l.claim(e.Line(), parse.TNumber, e.Value)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if f.Key != nil {
				if _, named := f.Key.(*ast.StringExpr); !named {
					l.walkExpr(f.Key, sc)
				}
			}
			l.walkExpr(f.Value, sc)
		}
	case *ast.FunctionExpr:
		l.walkFunction(e, sc, false)
	case *ast.LogicalOpExpr:
		c := l.walkExpr(e.Lhs, sc)
		l.walkExpr(e.Rhs, sc)
		return c
	case *ast.RelationalOpExpr:
		c := l.walkExpr(e.Lhs, sc)
		l.walkExpr(e.Rhs, sc)
		return c
	case *ast.StringConcatOpExpr:
		c := l.walkExpr(e.Lhs, sc)
		l.walkExpr(e.Rhs, sc)
		return c
	case *ast.ArithmeticOpExpr:
		c := l.walkExpr(e.Lhs, sc)
		l.walkExpr(e.Rhs, sc)
		return c
	case *ast.UnaryMinusOpExpr:
		l.walkExpr(e.Expr, sc)
	case *ast.UnaryNotOpExpr:
		l.walkExpr(e.Expr, sc)
	case *ast.UnaryLenOpExpr:
		l.walkExpr(e.Expr, sc)
	case *ast.Comma3Expr:
		if !sc.fn.vararg {
			l.add(e.Line(), l.claim(e.Line(), parse.T3Comma, "..."), Error, CodeSyntax,
				"cannot use '...' outside a vararg function near '...'",
				"declare the function as function(...) to use ..., or pass the values as parameters")
		}
	}
	return 0
}

// walkKey walks the key of t[k] / t.k. A string key is not claimed: t.x
// and t["x"] give the same AST, and t.x has no string token to claim.
func (l *linter) walkKey(k ast.Expr, sc *scope) {
	if _, ok := k.(*ast.StringExpr); !ok {
		l.walkExpr(k, sc)
	}
}

// walkIndex checks t[k] and t.k: fields of Redis's library tables, _G.x,
// KEYS[n].
func (l *linter) walkIndex(e *ast.AttrGetExpr, sc *scope) int {
	obj, isIdent := e.Object.(*ast.IdentExpr)
	key, strKey := e.Key.(*ast.StringExpr)
	if !isIdent || sc.lookup(obj.Value) != nil || !strKey {
		col := l.walkExpr(e.Object, sc)
		l.walkKey(e.Key, sc)
		l.checkKeysIndex(e, sc, col)
		return col
	}
	line := lineOf(obj, lineOf(e, 0))
	col := l.claim(line, parse.TIdent, obj.Value)
	switch classifyGlobal(obj.Value, l.mode) {
	case gLib:
		if l.checkFieldVersion(obj.Value, key.Value, line, col) {
			break
		}
		if !hasField(obj.Value, key.Value, l.mode) {
			msg := fmt.Sprintf("%s.%s is nil in Redis (no such field)", obj.Value, key.Value)
			hint := "check the spelling; Redis 7.0's " + obj.Value + " has: " + libFields[obj.Value]
			if obj.Value == "redis" && key.Value == "register_function" {
				msg = "redis.register_function only exists while FUNCTION LOAD runs a library (#!lua name=…)"
				hint = "start the file with #!lua name=mylib and load it with FUNCTION LOAD"
			}
			if obj.Value == "redis" && valkeyFields[key.Value] {
				msg = fmt.Sprintf("redis.%s exists only on Valkey: it is nil on Redis", key.Value)
				hint = "for a script that runs on both, read redis.REDIS_VERSION (Valkey keeps it at 7.2.4) or test the field for nil"
			}
			l.add(line, col, Warning, CodeUnknownField, msg, hint)
		}
	case gOS:
		if key.Value == "clock" && l.checkGlobalVersion("os", line, col) {
			break
		}
		if key.Value == "clock" {
			l.add(line, col, Info, CodeGlobalRead, "os.clock needs Redis 7.2 or newer (Redis 7.0 has no os table)",
				"on 7.0, time with redis.call('TIME') instead")
		} else {
			msg := fmt.Sprintf("os.%s is not available: Redis 7.2+ keeps only os.clock, and 7.0 has no os at all", key.Value)
			if f, v, ok := l.target(); ok {
				msg = osFieldMsg(l.opt.Server, f, v, key.Value)
			}
			l.add(line, col, Error, CodeGlobalRead, msg,
				"scripts must be deterministic and sandboxed: no time of day, environment or processes (TIME is a command)")
		}
	default:
		if obj.Value == "_G" {
			// _G.x reads the global x, with the same strictness.
			l.checkGlobalRead(key.Value, line, col)
		} else {
			l.checkGlobalRead(obj.Value, line, col)
		}
	}
	l.walkKey(e.Key, sc)
	return col
}

// checkKeysIndex: KEYS[0], KEYS[1.5], KEYS[n] beyond numkeys are nil.
func (l *linter) checkKeysIndex(e *ast.AttrGetExpr, sc *scope, col int) {
	num, ok := e.Key.(*ast.NumberExpr)
	if !ok || l.classify(e.Object, sc) != oKeysTable {
		return
	}
	n, ok := parseLuaNumber(num.Value)
	if !ok {
		return
	}
	line := lineOf(e.Object, lineOf(e, 0))
	name := "KEYS"
	if id, ok := e.Object.(*ast.IdentExpr); ok {
		name = id.Value
	}
	switch {
	case n < 1 || n != math.Trunc(n):
		l.add(line, col, Warning, CodeKeysIndex,
			fmt.Sprintf("%s[%s] is always nil: KEYS is 1-based (KEYS[1] is the first key)", name, num.Value),
			"Lua tables start at 1")
	case l.opt.NumKeys >= 0 && n > float64(l.opt.NumKeys):
		l.add(line, col, Warning, CodeKeysIndex,
			fmt.Sprintf("%s[%s] is nil when the script is called with numkeys %d", name, num.Value, l.opt.NumKeys),
			"pass the key (raise numkeys), or check #KEYS before using it")
	}
}

func parseLuaNumber(s string) (float64, bool) {
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return float64(i), true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func (l *linter) walkCall(e *ast.FuncCallExpr, sc *scope) int {
	col := 0
	if e.Func != nil {
		col = l.walkExpr(e.Func, sc)
	} else {
		col = l.walkExpr(e.Receiver, sc)
	}
	argCols := make([]int, len(e.Args))
	protected := len(e.Args) > 0 && (l.isGlobal(e.Func, "pcall", sc) || l.isGlobal(e.Func, "xpcall", sc))
	for i, a := range e.Args {
		_, isFn := a.(*ast.FunctionExpr)
		if i == 0 && protected && isFn {
			l.caught++
			argCols[i] = l.walkExpr(a, sc)
			l.caught--
			continue
		}
		argCols[i] = l.walkExpr(a, sc)
	}
	switch {
	case l.isRedisCall(e, sc):
		l.checkRedisCall(e, sc, argCols)
	case l.isGlobal(e.Func, "error", sc):
		l.checkErrorCall(e, sc, col)
	default:
		// A table handed to a function may get its err field there.
		for _, a := range e.Args {
			if id, ok := a.(*ast.IdentExpr); ok {
				if v := sc.lookup(id.Value); v != nil {
					v.tableNoErr = false
				}
			}
		}
	}
	return col
}

// isGlobal reports whether e is the global name (not shadowed by a local).
func (l *linter) isGlobal(e ast.Expr, name string, sc *scope) bool {
	id, ok := e.(*ast.IdentExpr)
	return ok && id.Value == name && sc.lookup(name) == nil
}

func (l *linter) isRedisCall(e *ast.FuncCallExpr, sc *scope) bool {
	f, ok := e.Func.(*ast.AttrGetExpr)
	// server is Valkey's name for the redis table: server.call is a
	// redis.call, checked the same (on Redis the global-version and
	// valkey rules say server does not exist).
	if !ok || !(l.isGlobal(f.Object, "redis", sc) || l.isGlobal(f.Object, "server", sc)) {
		return false
	}
	k, ok := f.Key.(*ast.StringExpr)
	return ok && (k.Value == "call" || k.Value == "pcall")
}

func (l *linter) checkRedisCall(e *ast.FuncCallExpr, sc *scope, argCols []int) {
	if len(e.Args) == 0 {
		return
	}
	cmdExpr, ok := e.Args[0].(*ast.StringExpr)
	if !ok {
		return
	}
	line := lineOf(cmdExpr, e.Line())
	col := argCols[0]
	name := strings.ToLower(cmdExpr.Value)
	upper := strings.ToUpper(cmdExpr.Value)
	spec, known := commands()[name]
	missing, onTarget := l.checkCommandVersion(e, argCols, name, line, col)
	scriptable := !missing && l.checkScriptable(name, line, col)
	if !known {
		if !missing && !onTarget && !strings.ContainsAny(name, ".|") {
			msg := fmt.Sprintf("Redis 7.0 has no command %s: the call fails with \"Unknown Redis command called from script\"", quote(cmdExpr.Value))
			if f, v, ok := l.target(); ok {
				msg = missingCommandMsg(l.opt.Server, f, v, cmdExpr.Value)
			}
			l.add(line, col, Warning, CodeUnknownCommand, msg,
				"check the spelling; a module's command is fine where the module is loaded")
		}
		return
	}
	if spec.since != "" && !l.known() {
		// A known target gets command-version, or nothing, instead.
		l.add(line, col, Info, CodeUnknownCommand,
			fmt.Sprintf("%s needs Redis %s or newer (older servers: \"Unknown Redis command called from script\")", upper, spec.since),
			"check the server version (INFO server)")
	}
	switch {
	case scriptable:
		// checkScriptable said what the target does with it.
	case spec.noscript && scriptableSince[name] != [2]version{}:
		// Not an error everywhere: which server runs the script decides.
		l.add(line, col, Warning, CodeNoscriptCommand,
			fmt.Sprintf("%s may not be called from a script on Redis before 7.2 (\"This Redis command is not allowed from script\"); Redis 7.2+ and Valkey run it without blocking", upper),
			scriptableHint(name))
	case spec.noscript:
		l.add(line, col, Error, CodeNoscriptCommand,
			fmt.Sprintf("%s may not be called from a script (Redis: \"This Redis command is not allowed from script\")", upper),
			"blocking, transaction, pub/sub and script commands cannot run inside a script: use the non-blocking form (LPOP for BLPOP)")
	}
	if spec.write && l.sb.flags["no-writes"] {
		l.add(line, col, Error, CodeFlagContradiction,
			fmt.Sprintf("%s is a write command but the script declares flags=no-writes: Redis refuses it (\"Write commands are not allowed from read-only scripts\")", upper),
			"remove no-writes from the shebang, or do not write")
	}
	if spec.write && l.opt.ReadOnly {
		l.add(line, col, Error, CodeROWrite,
			fmt.Sprintf("%s is a write command and the script runs read-only (EVAL_RO): Redis refuses it (\"Write commands are not allowed from read-only scripts\")", upper),
			"run it with EVAL/EVALSHA (without --ro), on the primary")
	}
	if spec.first <= 0 {
		return
	}
	n := len(e.Args)
	last := spec.last
	if last < 0 {
		last = n + last
	}
	step := spec.step
	if step <= 0 {
		step = 1
	}
	for i := spec.first; i <= last && i < n; i += step {
		arg := e.Args[i]
		o := l.classify(arg, sc)
		if o != oLiteral && o != oArgv {
			continue
		}
		what := "(built from ARGV)"
		if s, ok := arg.(*ast.StringExpr); ok {
			what = quote(s.Value)
		} else if o == oLiteral {
			what = "(built from literals)"
		}
		l.add(lineOf(arg, line), argCols[i], Warning, CodeKeyNotFromKEYS,
			fmt.Sprintf("the %s key %s is not from KEYS: wrong in a cluster: keys must be passed in KEYS (Redis docs)", upper, what),
			"pass the key name as a key (EVAL script numkeys key …) and use KEYS[n]: Redis routes the script, checks slots and ACL key patterns by the keys it is given")
	}
}

func (l *linter) checkErrorCall(e *ast.FuncCallExpr, sc *scope, col int) {
	if len(e.Args) == 0 || !l.isTableNoErr(e.Args[0], sc) || l.caught > 0 {
		// Inside pcall(function() … end) the table is caught as a value:
		// only an uncaught one reaches the server's error path.
		return
	}
	sev := Warning
	msg := "error() with a table without an err field crashes the server (a segfault on Redis 7.0.15, 8.0.2 and Valkey 8.1.1 as Debian builds them, seen in testing); use error({err='…'}) or redis.error_reply('…')"
	if l.opt.Production || l.opt.ReadOnly {
		sev = Error
		msg += "; luascope refuses to send this script to a production or read-only connection"
	}
	l.add(lineOf(e.Func, e.Line()), col, sev, CodeErrorTableNoErr, msg,
		"error({err='ERR what went wrong'}) or return redis.error_reply('what went wrong'); a plain error('…') string is fine too")
}

// isTableNoErr reports whether e is a table constructor (or a local
// holding one) known to have no err field.
func (l *linter) isTableNoErr(e ast.Expr, sc *scope) bool {
	switch t := e.(type) {
	case *ast.TableExpr:
		for _, f := range t.Fields {
			switch k := f.Key.(type) {
			case nil, *ast.NumberExpr:
			case *ast.StringExpr:
				if k.Value == "err" {
					return false
				}
			default:
				return false // a computed key may be "err"
			}
		}
		return true
	case *ast.IdentExpr:
		v := sc.lookup(t.Value)
		return v != nil && v.tableNoErr
	}
	return false
}

// classify says what e holds, as far as keys are concerned.
func (l *linter) classify(e ast.Expr, sc *scope) origin {
	switch e := e.(type) {
	case *ast.StringExpr, *ast.NumberExpr:
		return oLiteral
	case *ast.IdentExpr:
		if v := sc.lookup(e.Value); v != nil {
			if v.origin == oNil {
				return oUnknown
			}
			return v.origin
		}
		if l.mode == modeEval {
			switch e.Value {
			case "KEYS":
				return oKeysTable
			case "ARGV":
				return oArgvTable
			}
		}
	case *ast.AttrGetExpr:
		switch l.classify(e.Object, sc) {
		case oKeysTable:
			return oKey
		case oArgvTable:
			return oArgv
		}
	case *ast.StringConcatOpExpr:
		return combine(l.classify(e.Lhs, sc), l.classify(e.Rhs, sc))
	case *ast.FuncCallExpr:
		if (l.isGlobal(e.Func, "tostring", sc) || l.isGlobal(e.Func, "tonumber", sc)) && len(e.Args) == 1 {
			return l.classify(e.Args[0], sc)
		}
		if f, ok := e.Func.(*ast.AttrGetExpr); ok && l.isGlobal(f.Object, "string", sc) && len(e.Args) > 0 {
			if k, ok := f.Key.(*ast.StringExpr); ok && k.Value == "format" {
				o := oLiteral
				for _, a := range e.Args {
					o = combine(o, l.classify(a, sc))
				}
				return o
			}
		}
	}
	return oUnknown
}

// combine is the origin of a string built from two parts: any KEYS part
// makes it a key (the script derives it from a declared key); literals and
// ARGV alone do not.
func combine(a, b origin) origin {
	switch {
	case a == oKey || b == oKey:
		return oKey
	case (a == oLiteral || a == oArgv) && (b == oLiteral || b == oArgv):
		if a == oArgv || b == oArgv {
			return oArgv
		}
		return oLiteral
	}
	return oUnknown
}

func (l *linter) globalWrite(line, col int, name string, function bool) {
	l.written[name] = true
	msg := fmt.Sprintf("assignment to the global variable '%s': Redis refuses it (\"Attempt to modify a readonly table\", Redis 7.0+)", name)
	hint := fmt.Sprintf("declare it local: local %s = …", name)
	if function {
		msg = fmt.Sprintf("function %s() … end assigns the global '%s': Redis refuses it (\"Attempt to modify a readonly table\", Redis 7.0+)", name, name)
		hint = fmt.Sprintf("write local function %s() … end", name)
	}
	l.add(line, col, Error, CodeGlobalWrite, msg, hint)
}

func (l *linter) fieldWrite(line, col int, table string, key ast.Expr) {
	field := table + "[…]"
	if k, ok := key.(*ast.StringExpr); ok {
		field = table + "." + k.Value
	}
	msg := fmt.Sprintf("assignment to %s: Redis's %s table is read-only (\"Attempt to modify a readonly table\", Redis 7.0+)", field, table)
	if table == "_G" {
		msg = fmt.Sprintf("assignment to %s creates a global: Redis refuses it (\"Attempt to modify a readonly table\", Redis 7.0+)", field)
	}
	l.add(line, col, Error, CodeGlobalWrite, msg, "keep your own values in a local table: local M = {}")
}

func (l *linter) checkGlobalRead(name string, line, col int) {
	if l.written[name] {
		return // the assignment already failed; one finding per mistake
	}
	if l.checkGlobalVersion(name, line, col) {
		return
	}
	switch classifyGlobal(name, l.mode) {
	case gUnknown:
		hint := fmt.Sprintf("declare it local (local %s = …) before this line, or pass the value in ARGV", name)
		if (name == "KEYS" || name == "ARGV") && l.mode == modeLibrary {
			hint = "a function library has no KEYS/ARGV globals: use the function's parameters, function(keys, args)"
		}
		l.add(line, col, Error, CodeGlobalRead,
			fmt.Sprintf("Script attempted to access nonexistent global variable '%s' (Redis raises this when the line runs)", name), hint)
	case gDenied:
		l.add(line, col, Error, CodeGlobalRead,
			fmt.Sprintf("'%s' is not available in Redis scripts (\"Script attempted to access nonexistent global variable\")", name),
			deniedGlobals[name])
	case gDeprecated:
		l.add(line, col, Warning, CodeGlobalRead,
			fmt.Sprintf("'%s' is gone from patched Redis servers (removed by the 2025 Lua sandbox fixes)", name),
			"do not rely on function environments or userdata proxies in scripts")
	case gOS:
		l.add(line, col, Warning, CodeGlobalRead,
			"os exists only from Redis 7.2, and then with os.clock alone (7.0: \"Script attempted to access nonexistent global variable 'os'\")",
			"use os.clock() directly, on Redis 7.2+")
	case gValkey:
		msg := fmt.Sprintf("'%s' exists only on Valkey: Redis raises \"Script attempted to access nonexistent global variable '%s'\"", name, name)
		hint := "do not use Valkey's internal error handler"
		if name == "server" {
			msg = "server is Valkey's name for the redis table (Valkey 8+): Redis raises \"Script attempted to access nonexistent global variable 'server'\""
			hint = "write redis.call, redis.pcall…: both servers have the redis table"
		}
		l.add(line, col, Warning, CodeGlobalRead, msg, hint)
	}
}
