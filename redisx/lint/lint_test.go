package lint

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// got renders findings as "line:col code" so that a table can say exactly
// what it expects, positions included.
func got(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, itoa(f.Line)+":"+itoa(f.Col)+" "+f.Code)
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

type lintCase struct {
	name string
	src  string
	opt  *Options // nil: NumKeys -1
	want []string // "line:col code", in order
}

func runCases(t *testing.T, cases []lintCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := Options{NumKeys: -1}
			if c.opt != nil {
				opt = *c.opt
			}
			fs := Lint(c.src, opt)
			want := c.want
			if want == nil {
				want = []string{}
			}
			if g := got(fs); !reflect.DeepEqual(g, want) {
				t.Errorf("Lint(%q)\n got  %q\n want %q", c.src, g, want)
				for _, f := range fs {
					t.Logf("  %s", Format(f))
				}
			}
		})
	}
}

// A script that does everything right: the rate limiter from testdata.
const rateLimiter = `-- A fixed-window rate limiter: allow ARGV[1] calls per ARGV[2] seconds
-- for the key in KEYS[1]. Returns {allowed (1/0), calls so far, ttl}.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local calls = redis.call('INCR', KEYS[1])
if calls == 1 then
  redis.call('EXPIRE', KEYS[1], window)
end
local ttl = redis.call('TTL', KEYS[1])
if calls > limit then
  return {0, calls, ttl}
end
return {1, calls, ttl}
`

func TestLintCleanScripts(t *testing.T) {
	runCases(t, []lintCase{
		{name: "rate limiter", src: rateLimiter, opt: &Options{NumKeys: 1}},
		{name: "empty", src: ""},
		{name: "only comments", src: "-- nothing\n--[[ at\nall ]]\n"},
		{name: "shebang no-writes read", src: "#!lua flags=no-writes,allow-stale\nreturn redis.call('GET', KEYS[1])"},
		{name: "locals upvalues nested functions", src: `
local prefix = ARGV[1]
local function join(a, b) return a .. ':' .. b end
local count = 0
local function bump()
  count = count + 1
  local function inner() return count, prefix end
  return inner()
end
return {bump(), join('a', 'b')}`},
		{name: "varargs and arg", src: `
local function sum(...)
  local n = select('#', ...)
  local t = {...}
  return n, #t, arg and arg.n
end
return sum(1, 2, ...)`},
		{name: "for loop variables", src: `
local total = 0
for i = 1, #KEYS do total = total + redis.call('LLEN', KEYS[i]) end
for i, k in ipairs(KEYS) do redis.call('DEL', k) end
for k, v in pairs({a = 1}) do total = total + v end
return total`},
		{name: "repeat until sees body locals", src: "local i = 0\nrepeat local done = i > 3; i = i + 1 until done\nreturn i"},
		{name: "method calls and library functions", src: `
local s = string.format('%s:%d', ARGV[1], 3)
local parts = {}
for w in s:gmatch('[^:]+') do table.insert(parts, w:upper()) end
local j = cjson.encode(parts)
local n = bit.band(7, 3) + math.floor(1.5) + #struct.pack('>I2', 1)
redis.log(redis.LOG_NOTICE, j)
return {j, n, cmsgpack.pack(parts), redis.sha1hex(s), tostring(redis.status_reply('OK').ok)}`},
		{name: "multiple assignment to locals", src: "local a, b = KEYS[1], KEYS[2]\na, b = b, a\nreturn redis.call('RENAME', a, b)"},
		{name: "local a, b = ...", src: "local a, b = ...\nreturn {a, b}"},
		{name: "pcall and error_reply", src: `
local ok, err = pcall(function() return redis.call('INCR', KEYS[1]) end)
if not ok then return redis.error_reply('incr failed') end
local r = redis.pcall('GET', KEYS[1])
if type(r) == 'table' and r.err then error(r) end
error({err = 'ERR bad'})`},
		{name: "local table gets err later", src: "local e = {}\ne.err = 'ERR x'\nerror(e)"},
		{name: "self in methods of a local table", src: "local M = {}\nfunction M:get() return self end\nfunction M.put(x) return x end\nreturn M:get()"},
		{name: "local function recursion", src: "local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end\nreturn fact(5)"},
		{name: "rawget of _G and _VERSION", src: "return {rawget(_G, 'x') == nil, _VERSION, type(loadstring), type(coroutine.create)}"},
		{name: "key from KEYS concatenation", src: "return redis.call('GET', KEYS[1] .. ':' .. ARGV[1])"},
		{name: "key via local alias of KEYS table", src: "local keys = KEYS\nreturn redis.call('GET', keys[1])"},
		{name: "key from tostring of KEYS", src: "return redis.call('GET', tostring(KEYS[1]))"},
		{name: "unknown key origin is not flagged", src: "local function get(k) return redis.call('GET', k) end\nreturn get(KEYS[1])"},
		{name: "unpack of KEYS", src: "return redis.call('DEL', unpack(KEYS))"},
		{name: "value argument from ARGV is fine", src: "return redis.call('SET', KEYS[1], ARGV[1], 'EX', 10)"},
		{name: "numkeys covers index", src: "return redis.call('GET', KEYS[2])", opt: &Options{NumKeys: 2}},
		{name: "keyless command", src: "return redis.call('TIME')"},
		{name: "module command not flagged", src: "return redis.call('JSON.GET', KEYS[1])"},
		{name: "break inside loop", src: "while true do break end\nfor i = 1, 2 do if i then break end end"},
	})
}

func TestLintGlobals(t *testing.T) {
	runCases(t, []lintCase{
		{name: "global assignment", src: "count = 1", want: []string{"1:1 global-write"}},
		{name: "global assignment after locals", src: "local a = 1\n  a, b = 2, 3", want: []string{"2:6 global-write"}},
		{name: "global function", src: "function helper() return 1 end\nreturn helper()",
			want: []string{"1:10 global-write"}},
		{name: "local function is fine", src: "local function helper() return 1 end\nreturn helper()"},
		{name: "local f = function cannot see itself", src: "local f = function(n) return f(n) end\nreturn f(1)",
			want: []string{"1:30 global-read"}},
		{name: "field of a library table", src: "string.trim = function(s) return s end", want: []string{"1:1 global-write"}},
		{name: "function in a library table", src: "function redis.helper() end", want: []string{"1:10 global-write"}},
		{name: "_G write", src: "_G.x = 1\n_G['y'] = 2", want: []string{"1:1 global-write", "2:1 global-write"}},
		{name: "KEYS is writable", src: "KEYS[1] = 'x'\nARGV[#ARGV + 1] = 'y'"},
		{name: "assigning KEYS itself", src: "KEYS = {}", want: []string{"1:1 global-write"}},
		{name: "shadowed by a local is fine", src: "local redis = {}\nredis.x = 1\nfunction redis.f() end"},
		{name: "undefined read", src: "return undefined_thing", want: []string{"1:8 global-read"}},
		{name: "same name twice on a line", src: "local a = 1\nreturn b + a + b", want: []string{"2:8 global-read", "2:16 global-read"}},
		{name: "write then read on a line", src: "y = x + x", want: []string{"1:1 global-write", "1:5 global-read", "1:9 global-read"}},
		{name: "reads of a written global are not reported again", src: "x = 1\nreturn x", want: []string{"1:1 global-write"}},
		{name: "function body after a parameter list", src: "local function f()\n(tostring)('a')\nend"},
		{name: "call on the same line is not ambiguous", src: "local x = (tostring)(1)\nreturn x"},
		{name: "local x = x reads the global", src: "local x = x\nreturn x", want: []string{"1:11 global-read"}},
		{name: "upvalue is not a global", src: "local n = 1\nlocal function f() return n end\nreturn f()"},
		{name: "scope ends with the block", src: "do local inner = 1 end\nreturn inner", want: []string{"2:8 global-read"}},
		{name: "for variable scope ends", src: "for i = 1, 2 do end\nreturn i", want: []string{"2:8 global-read"}},
		{name: "print", src: "print('hi')", want: []string{"1:1 global-read"}},
		{name: "dofile and loadfile", src: "dofile('a')\nloadfile('b')", want: []string{"1:1 global-read", "2:1 global-read"}},
		{name: "io os debug require", src: "return io, debug, require",
			want: []string{"1:8 global-read", "1:12 global-read", "1:19 global-read"}},
		{name: "os.clock is 7.2+ only", src: "return os.clock()", want: []string{"1:8 global-read"}},
		{name: "os.time never", src: "return os.time()", want: []string{"1:8 global-read"}},
		{name: "getfenv deprecated", src: "return getfenv(1)", want: []string{"1:8 global-read"}},
		{name: "_G.name reads the global", src: "return _G.nosuch, _G.redis", want: []string{"1:8 global-read"}},
		{name: "unknown field", src: "return redis.cal('GET', KEYS[1])", want: []string{"1:8 unknown-field"}},
		{name: "unknown string function", src: "return string.split('a', ',')", want: []string{"1:8 unknown-field"}},
		{name: "register_function outside a library", src: "redis.register_function('f', function() end)",
			want: []string{"1:1 unknown-field"}},
		{name: "arg outside a vararg function", src: "return arg", want: []string{"1:8 global-read"}},
		{name: "unicode before the name counts as one column", src: "local s = 'héllo' .. nope", want: []string{"1:22 global-read"}},
		{name: "severities", src: "x = 1", want: []string{"1:1 global-write"}},
	})
	f := Lint("print(1)\nreturn getfenv", Options{NumKeys: -1})
	if f[0].Severity != Error || f[1].Severity != Warning {
		t.Errorf("severities: %+v", f)
	}
}

func TestLintKeys(t *testing.T) {
	runCases(t, []lintCase{
		{name: "literal key", src: "return redis.call('GET', 'user:1')", want: []string{"1:26 key-not-from-KEYS"}},
		{name: "key built from ARGV", src: "return redis.call('HGET', 'user:' .. ARGV[1], 'name')",
			want: []string{"1:27 key-not-from-KEYS"}},
		{name: "key is ARGV", src: "return redis.pcall('incr', ARGV[1])", want: []string{"1:28 key-not-from-KEYS"}},
		{name: "string.format key", src: "return redis.call('GET', string.format('user:%s', ARGV[1]))",
			want: []string{"1:26 key-not-from-KEYS"}},
		{name: "local holding a literal", src: "local k = 'counter'\nreturn redis.call('INCR', k)",
			want: []string{"2:27 key-not-from-KEYS"}},
		{name: "local reassigned to KEYS is unknown", src: "local k = 'x'\nif ARGV[1] then k = KEYS[1] end\nreturn redis.call('GET', k)"},
		{name: "every key of DEL", src: "return redis.call('DEL', KEYS[1], 'b', KEYS[2], 'd')",
			want: []string{"1:35 key-not-from-KEYS", "1:49 key-not-from-KEYS"}},
		{name: "MSET keys every other", src: "return redis.call('MSET', KEYS[1], 'v1', 'k2', 'v2')",
			want: []string{"1:42 key-not-from-KEYS"}},
		{name: "RENAME both keys", src: "return redis.call('RENAME', 'a', KEYS[1])", want: []string{"1:29 key-not-from-KEYS"}},
		{name: "BITOP key after operation", src: "return redis.call('BITOP', 'AND', 'dest', KEYS[1])",
			want: []string{"1:35 key-not-from-KEYS"}},
		{name: "shadowing KEYS with a local table", src: "local KEYS = {'a'}\nreturn redis.call('GET', KEYS[1])"},
		{name: "shadowed KEYS with literals is not a key", src: "local KEYS = 'x'\nreturn redis.call('GET', KEYS)",
			want: []string{"2:26 key-not-from-KEYS"}},
		{name: "ipairs over ARGV", src: "for _, a in ipairs(ARGV) do redis.call('DEL', a) end",
			want: []string{"1:47 key-not-from-KEYS"}},
		{name: "field name equal to the key literal", src: "local t = {}\nreturn t.get, redis.call('GET', 'get')",
			want: []string{"2:33 key-not-from-KEYS"}},
		{name: "keys on the next line", src: "return redis.call('SET',\n  'k',\n  ARGV[1])", want: []string{"2:3 key-not-from-KEYS"}},
		{name: "KEYS index beyond numkeys", src: "return redis.call('GET', KEYS[3])", opt: &Options{NumKeys: 2},
			want: []string{"1:26 keys-index"}},
		{name: "KEYS[0]", src: "return KEYS[0]", want: []string{"1:8 keys-index"}},
		{name: "KEYS[1.5]", src: "return KEYS[1.5]", want: []string{"1:8 keys-index"}},
		{name: "KEYS index unknown numkeys", src: "return KEYS[9]"},
		{name: "alias index beyond numkeys", src: "local k = KEYS\nreturn k[2]", opt: &Options{NumKeys: 1},
			want: []string{"2:8 keys-index"}},
		{name: "numkeys 0", src: "return KEYS[1]", opt: &Options{NumKeys: 0}, want: []string{"1:8 keys-index"}},
	})
}

func TestLintCommandsAndFlags(t *testing.T) {
	ro := &Options{NumKeys: -1, ReadOnly: true}
	runCases(t, []lintCase{
		{name: "unknown flag", src: "#!lua flags=no-writes,no-wrties\nreturn 1", want: []string{"1:23 unknown-flag"}},
		{name: "empty flag", src: "#!lua flags=no-writes,\nreturn 1", want: []string{"1:23 unknown-flag"}},
		{name: "unknown option", src: "#!lua timeout=5\nreturn 1", want: []string{"1:7 unknown-flag"}},
		{name: "wrong engine", src: "#!python\nreturn 1", want: []string{"1:1 unknown-flag"}},
		{name: "all known flags", src: "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1"},
		{name: "no flags", src: "#!lua\nreturn 1"},
		{name: "flags= empty", src: "#!lua flags=\nreturn 1"},
		{name: "write in no-writes", src: "#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 1)",
			want: []string{"2:19 flag-contradiction"}},
		{name: "lower-case write in no-writes", src: "#!lua flags=no-writes\nredis.pcall('hset', KEYS[1], 'f', 1)",
			want: []string{"2:13 flag-contradiction"}},
		{name: "read in no-writes", src: "#!lua flags=no-writes\nreturn redis.call('HGETALL', KEYS[1])"},
		{name: "write with EVAL_RO", src: "return redis.call('DEL', KEYS[1])", opt: ro, want: []string{"1:19 ro-write"}},
		{name: "read with EVAL_RO", src: "return redis.call('GET', KEYS[1])", opt: ro},
		{name: "both", src: "#!lua flags=no-writes\nreturn redis.call('INCR', KEYS[1])", opt: ro,
			want: []string{"2:19 flag-contradiction", "2:19 ro-write"}},
		{name: "noscript command", src: "return redis.call('BLPOP', KEYS[1], 0)", want: []string{"1:19 noscript-command"}},
		{name: "unknown command", src: "return redis.call('GETT', KEYS[1])", want: []string{"1:19 unknown-command"}},
		{name: "newer command", src: "return redis.call('HEXPIRE', KEYS[1], 10, 'FIELDS', 1, 'f')",
			want: []string{"1:19 unknown-command"}},
		{name: "shadowed redis is not checked", src: "local redis = {call = function() end}\nredis.call('SET', 'x', 1)"},
		{name: "computed command name", src: "return redis.call(ARGV[1], KEYS[1])"},
		{name: "library mode", src: "#!lua name=mylib\nlocal function f(keys, args) return redis.call('GET', keys[1]) end\n" +
			"redis.register_function('f', f)"},
		{name: "library mode literal key", src: "#!lua name=mylib\nredis.register_function('f', function(keys, args)\n" +
			"  return redis.call('GET', 'x:' .. args[1])\nend)", want: []string{"3:28 key-not-from-KEYS"}},
		{name: "library shebang with flags", src: "#!lua name=l flags=no-writes\nreturn 1", want: []string{"1:14 unknown-flag"}},
		{name: "library global function", src: "#!lua name=l\nfunction f() end", want: []string{"2:10 global-write"}},
		{name: "library mode has no KEYS", src: "#!lua name=mylib\nlocal k = KEYS", want: []string{"2:11 global-read"}},
	})
}

func TestLintErrorTable(t *testing.T) {
	prod := &Options{NumKeys: -1, Production: true}
	runCases(t, []lintCase{
		{name: "empty table", src: "error({})", want: []string{"1:1 error-table-no-err"}},
		{name: "code field", src: "error({code = 1})", want: []string{"1:1 error-table-no-err"}},
		{name: "positional", src: "if ARGV[1] then\n  error({'boom'})\nend", want: []string{"2:3 error-table-no-err"}},
		{name: "local table", src: "local e = {msg = 'x'}\nerror(e)", want: []string{"2:1 error-table-no-err"}},
		{name: "err field", src: "error({err = 'ERR x'})"},
		{name: "err field by string key", src: "error({['err'] = 'ERR x'})"},
		{name: "computed key", src: "local k = 'err'\nerror({[k] = 'ERR x'})"},
		{name: "string", src: "error('plain')"},
		{name: "error_reply", src: "error(redis.error_reply('x'))"},
		{name: "shadowed error", src: "local function error(t) return t end\nerror({})"},
		{name: "table passed to a function first", src: "local e = {}\nrawset(e, 'err', 'ERR x')\nerror(e)"},
		{name: "production", src: "error({})", opt: prod, want: []string{"1:1 error-table-no-err"}},
	})
	dev := Lint("error({})", Options{NumKeys: -1})
	if dev[0].Severity != Warning || strings.Contains(dev[0].Message, "refuses") {
		t.Errorf("dev finding = %+v", dev[0])
	}
	p := Lint("error({})", Options{NumKeys: -1, Production: true})
	if p[0].Severity != Error || !strings.Contains(p[0].Message, "refuses to send") ||
		!strings.Contains(p[0].Message, "crashes the server") {
		t.Errorf("production finding = %+v", p[0])
	}
	if !HasBlocking(p) || HasBlocking(dev) {
		t.Errorf("HasBlocking: production %v, dev %v", HasBlocking(p), HasBlocking(dev))
	}
	if r := Lint("error({})", Options{NumKeys: -1, ReadOnly: true}); !HasBlocking(r) {
		t.Errorf("read-only connection: not blocking: %+v", r)
	}
}

func TestBlocking(t *testing.T) {
	fs := Lint("x = 1\nerror({})\nreturn 1 +", Options{NumKeys: -1})
	if len(fs) != 1 || fs[0].Code != CodeSyntax {
		t.Fatalf("a syntax error hides the rest: %+v", fs)
	}
	if b := Blocking(fs, true); len(b) != 0 {
		t.Errorf("a syntax error must not block: %+v", b)
	}
	fs = Lint("x = 1\nerror({})", Options{NumKeys: -1})
	if b := Blocking(fs, true); len(b) != 1 || b[0].Code != CodeErrorTableNoErr || b[0].Line != 2 {
		t.Errorf("Blocking(production) = %+v", b)
	}
	if b := Blocking(fs, false); len(b) != 0 {
		t.Errorf("Blocking(dev) = %+v", b)
	}
	if !HasErrors(fs) || HasErrors(Lint("return 1", Options{NumKeys: -1})) {
		t.Error("HasErrors")
	}
}

func TestLintSyntax(t *testing.T) {
	// Lines and messages as redis-server 7.0.15 reports them (see
	// TestSyntaxLinesMatchRedis for the live comparison).
	cases := []struct {
		src, msg string
		line     int
	}{
		{"local x = 1\nif x then\nreturn 1\n", "'end' expected (to close 'if' at line 2) near '<eof>'", 4},
		{"local x = = 1", "unexpected symbol near '='", 1},
		{"return redis.call('get', KEYS[1]", "')' expected near '<eof>'", 1},
		{"local t = {1, 2\nreturn t", "'}' expected (to close '{' at line 1) near 'return'", 2},
		{"local s = \"abc\nreturn s", "unfinished string near '\"abc'", 1},
		{"return 1 end", "'<eof>' expected near 'end'", 1},
		{"return 1\nreturn 2", "'<eof>' expected near 'return'", 2},
		{"goto done", "'=' expected near 'done' (goto is Lua 5.2+: Redis runs Lua 5.1)", 1},
		{"local x = 1\n::top::", "unexpected symbol near ':' (::labels:: are Lua 5.2+: Redis runs Lua 5.1)", 2},
		{"local x = y\n(print)('a')", "ambiguous syntax (function call x new statement) near '('", 2},
		{"local x = (y)\n(print)('a')", "ambiguous syntax (function call x new statement) near '('", 2},
		{"return [[abc", "unfinished long string near '<eof>'", 1},
		{"--[[ comment\nreturn 1", "unfinished long comment near '<eof>'", 2},
		{"return 1 // 2", "unexpected symbol near '/'", 1},
		{"local a <const> = 1", "syntax error near '<'", 1},
		{"return ~1", "unexpected symbol near '~'", 1},
		{"local function f() break end", "no loop to break near 'end'", 1},
		{"local function f() return ... end", "cannot use '...' outside a vararg function near '...'", 1},
		{"#!lua flags=no-writes\nreturn 1 +", "unexpected symbol near '<eof>'", 2},
		{"while true do\n  local x = 1\n", "'end' expected (to close 'while' at line 1) near '<eof>'", 3},
		{"if x\n", "'then' expected near '<eof>'", 2},
		{"return @", "unexpected symbol near '@'", 1},
	}
	for _, c := range cases {
		fs := Lint(c.src, Options{NumKeys: -1})
		var syn *Finding
		for i := range fs {
			if fs[i].Code == CodeSyntax {
				syn = &fs[i]
				break
			}
		}
		if syn == nil {
			t.Errorf("%q: no syntax finding: %+v", c.src, fs)
			continue
		}
		if syn.Line != c.line || syn.Message != c.msg || syn.Severity != Error {
			t.Errorf("%q: got %d %q, want %d %q", c.src, syn.Line, syn.Message, c.line, c.msg)
		}
	}
}

func TestFormatAndJSON(t *testing.T) {
	f := Finding{Line: 3, Col: 7, Severity: Warning, Code: CodeKeysIndex, Message: "KEYS[2] is nil", Hint: "h"}
	if s := Format(f); s != "3:7: warning: KEYS[2] is nil [keys-index]" {
		t.Errorf("Format = %q", s)
	}
	b, _ := json.Marshal(f)
	if string(b) != `{"line":3,"col":7,"severity":"warning","code":"keys-index","message":"KEYS[2] is nil","hint":"h"}` {
		t.Errorf("JSON = %s", b)
	}
}

func TestFindingsSorted(t *testing.T) {
	fs := Lint("#!lua flags=no-writes\nlocal a = b\nc = 1\nreturn redis.call('SET', 'k', d)", Options{NumKeys: -1})
	for i := 1; i < len(fs); i++ {
		if fs[i-1].Line > fs[i].Line || fs[i-1].Line == fs[i].Line && fs[i-1].Col > fs[i].Col {
			t.Fatalf("not sorted: %q", got(fs))
		}
	}
	if len(fs) != 5 {
		t.Errorf("findings: %q", got(fs))
	}
}

func TestTooDeep(t *testing.T) {
	src := "return " + strings.Repeat("{", 3000) + strings.Repeat("}", 3000)
	fs := Lint(src, Options{NumKeys: -1})
	if len(fs) != 1 || fs[0].Code != CodeTooDeep {
		t.Errorf("findings: %+v", fs)
	}
}

func TestErrorTableCaughtByPcallIsFine(t *testing.T) {
	src := "local ok, e = pcall(function() error({code = 1}) end)\nreturn ok and 1 or 0"
	if fs := Lint(src, Options{NumKeys: -1, Production: true}); len(Blocking(fs, true)) != 0 {
		t.Errorf("caught error({}) blocked: %+v", fs)
	}
	src = "local function f() error({code = 1}) end\npcall(f)\nf()"
	if fs := Lint(src, Options{NumKeys: -1, Production: true}); len(Blocking(fs, true)) != 1 {
		t.Errorf("uncaught error({}) not blocked: %+v", fs)
	}
}
