package lint

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// userScriptLine finds the line Redis names in "user_script:N: …".
var userScriptLine = regexp.MustCompile(`user_script:(\d+): (.*?)(?: script: [0-9a-f]{40}.*)?$`)

// TestSyntaxLinesMatchRedis sends broken scripts to a real redis-server
// and checks that the syntax finding is on the line Redis reports (and,
// where luascope claims Lua's wording, with the same message).
func TestSyntaxLinesMatchRedis(t *testing.T) {
	srv := sandboxtest.StartT(t)
	rdb := srv.Client()
	defer rdb.Close()
	cases := []struct {
		src       string
		sameWords bool // luascope's message is Lua's
	}{
		{"local x = 1\nif x then\nreturn 1\n", true},
		{"local x = 1\nif x then\nreturn 1", true},
		{"local x = 1\nif x then\nreturn 1\n\n\n", true},
		{"local x = 1\r\nif x then\r\nreturn 1\r\n", true},
		{"local x = = 1", true},
		{"\n\nlocal x = 1 +\n", true},
		{"return redis.call('get', KEYS[1]", true},
		{"return redis.call('get',\n  KEYS[1]\n", true},
		{"local t = {1, 2\nreturn t", true},
		{"local t = {\n  a = 1,\n  b = 2\n", true},
		{"local s = \"abc\nreturn s", true},
		{"local s = 'abc", true},
		{"x =", true},
		{"return 1 end", true},
		{"return 1\nreturn 2", true},
		{"if ARGV[1] then\n  return 1\n  return 2\nend", true},
		{"for i = 1 do end", false},
		{"local a\n\n\na b c", false},
		{"goto done", false},
		{"local x = 1\n::top::\nreturn x", false},
		{"local x = y\n(print)('a')", true},
		{"local x = (y)\n(print)('a')", true},
		{"local t = {}\nlocal x = t[1]\n(print)('a')", true},
		{"return 1 // 2", true},
		{"return [[abc", true},
		{"return [[abc\n\ndef", true},
		{"--[[ comment\nreturn 1", true},
		{"return ~1", true},
		{"local a <const> = 1", false},
		{"local function f() break end", true},
		{"while true do end\nbreak", true},
		{"local function f()\n  return ...\nend", true},
		{"#!lua flags=no-writes\nreturn 1 +", true},
		{"#!lua\n\nif x then", true},
		{"while true do\n  local x = 1\n", true},
		{"function f()\n  if x then\n    return 1\n  end\n", true},
		{"repeat\n  local x = 1\n", true},
		{"if x\n", true},
		{"while x\n", true},
		{"local x = {\n", true},
		{"return @", true},
		{"return redis.call('GET', KEYS[1]\nlocal x = 1", true},
		{"local t = {\n  a = 1\n  b = 2\n}", true},
		{"return f(a b)", true},
		{"local t = {[1] = 2, x}\nlocal u = {x = 1 y}", true},
		{"if (ARGV[1] ARGV[2]) then end", true},
		{"local x = 1 +\nreturn x", true},
		{"local t = {}\nt.a.b:c = 1", true},
		{"return 3..4", true},
		{"local a = 1\n\n\n\nreturn a.b:c", true},
	}
	ctx := context.Background()
	for _, c := range cases {
		err := rdb.Eval(ctx, c.src, nil).Err()
		if err == nil {
			t.Errorf("%q: Redis compiled it", c.src)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "Error compiling script") {
			t.Errorf("%q: not a compile error: %s", c.src, msg)
			continue
		}
		m := userScriptLine.FindStringSubmatch(msg)
		if m == nil {
			t.Errorf("%q: no line in %q", c.src, msg)
			continue
		}
		want, _ := strconv.Atoi(m[1])
		var syn *Finding
		fs := Lint(c.src, Options{NumKeys: -1})
		for i := range fs {
			if fs[i].Code == CodeSyntax {
				syn = &fs[i]
				break
			}
		}
		switch {
		case syn == nil:
			t.Errorf("%q: Redis says %q; luascope found no syntax error: %+v", c.src, msg, fs)
		case syn.Line != want:
			t.Errorf("%q: Redis says line %d (%s); luascope line %d (%s)", c.src, want, m[2], syn.Line, syn.Message)
		case c.sameWords && syn.Message != m[2]:
			t.Errorf("%q: Redis says %q; luascope %q", c.src, m[2], syn.Message)
		}
	}
}

// TestRuntimeLinesMatchRedis checks that global reads and writes are
// reported on the line where Redis raises them.
func TestRuntimeLinesMatchRedis(t *testing.T) {
	srv := sandboxtest.StartT(t)
	rdb := srv.Client()
	defer rdb.Close()
	cases := []struct{ src, code string }{
		{"local a = 1\ncount = a", CodeGlobalWrite},
		{"local function ok() return 1 end\n\nfunction helper() end", CodeGlobalWrite},
		{"string.trim = 1", CodeGlobalWrite},
		{"local t = {}\nreturn t.x, undefined_name", CodeGlobalRead},
		{"\n\nprint('x')", CodeGlobalRead},
		{"local x = 1\nreturn os.time()", CodeGlobalRead},
		{"return getfenv(1)", CodeGlobalRead}, // gone from this server (Debian's patched 7.0.15)
		{"local f = function(n) if n > 0 then return f(n - 1) end end\nreturn f(1)", CodeGlobalRead},
		{"#!lua flags=no-writes\nlocal v = 1\nreturn redis.call('SET', KEYS[1], v)", CodeFlagContradiction},
		{"local c = 'MULTI'\nreturn redis.call('multi')", CodeNoscriptCommand},
		{"return redis.call('gett', KEYS[1])", CodeUnknownCommand},
	}
	ctx := context.Background()
	for _, c := range cases {
		err := rdb.Eval(ctx, c.src, []string{"k"}).Err()
		if c.code == CodeGlobalRead && strings.Contains(c.src, "getfenv") && err == nil {
			t.Logf("this server still has getfenv (an unpatched build)")
			continue
		}
		if err == nil {
			t.Errorf("%q: no error from Redis", c.src)
			continue
		}
		var f *Finding
		fs := Lint(c.src, Options{NumKeys: 1})
		for i := range fs {
			if fs[i].Code == c.code {
				f = &fs[i]
				break
			}
		}
		if f == nil {
			t.Errorf("%q: Redis: %s; luascope found no %s: %+v", c.src, err, c.code, fs)
			continue
		}
		line := 0
		if m := regexp.MustCompile(`user_script:(\d+)`).FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		if line != f.Line {
			t.Errorf("%q: Redis: %s (line %d); luascope line %d", c.src, err, line, f.Line)
		}
	}
}

// TestGlobalsMatchRedis compares luascope's table of globals and library
// fields with what a real server has.
func TestGlobalsMatchRedis(t *testing.T) {
	srv := sandboxtest.StartT(t)
	rdb := srv.Client()
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	names, err := rdb.Eval(ctx, "local t = {} for k in pairs(_G) do t[#t+1] = k end return t", nil).StringSlice()
	if err != nil {
		t.Fatal(err)
	}
	// Valkey adds its own globals and redis fields; Redis has none of them.
	valkey := srv.Is(sandbox.Valkey, "")
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
		switch classifyGlobal(n, modeEval) {
		case gUnknown, gDenied, gDeprecated:
			t.Errorf("%s has global %q; luascope would report it", srv.Describe(), n)
		case gValkey:
			if !valkey {
				t.Errorf("%s has global %q, which luascope says only Valkey has", srv.Describe(), n)
			}
		}
	}
	for n := range builtins {
		if !has[n] {
			t.Errorf("luascope allows %q; %s has no such global", n, srv.Describe())
		}
	}
	for n := range valkeyGlobals {
		if has[n] != valkey {
			t.Errorf("%s: global %q present %v; luascope says only Valkey has it", srv.Describe(), n, has[n])
		}
	}
	for lib, fields := range libFields {
		got, err := rdb.Eval(ctx, "local t = {} for k in pairs("+lib+") do t[#t+1] = k end table.sort(t) return t", nil).StringSlice()
		if lib == "os" {
			if err == nil && (len(got) != 1 || got[0] != "clock") {
				t.Errorf("os on this server: %v", got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", lib, err)
			continue
		}
		want := strings.Fields(fields)
		if lib == "redis" && valkey {
			for f := range valkeyFields {
				want = append(want, f)
			}
		}
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s fields:\n server   %v\n luascope %v", lib, got, want)
		}
	}
}

// TestCommandTableMatchesServer checks every command luascope knows
// against COMMAND on the server: write and noscript flags and key
// positions. Commands newer than the server are skipped.
func TestCommandTableMatchesServer(t *testing.T) {
	srv := sandboxtest.StartT(t)
	rdb := srv.Client()
	defer rdb.Close()
	info, err := rdb.Command(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for name, spec := range commands() {
		ci, ok := info[name]
		if !ok {
			if spec.since == "" {
				t.Errorf("%s: not on the server", name)
			}
			continue
		}
		write, noscript := false, false
		for _, f := range ci.Flags {
			write = write || f == "write"
			noscript = noscript || f == "noscript"
		}
		if _, newer := scriptableSince[name]; newer && name != "waitaof" { // waitaof is not in 7.0's table
			// noscript on Redis 7.0 only; a server nobody recorded is
			// not held to either.
			if refuses, ok := sandboxtest.PerServer(srv, map[string]bool{"redis 7.0": true, "redis 8.0": false, "valkey 8.1": false}); ok {
				spec.noscript = refuses
			} else {
				t.Logf("%s: noscript=%v on %s", name, noscript, srv.Describe())
				spec.noscript = noscript
			}
		}
		if write != spec.write || noscript != spec.noscript || int(ci.FirstKeyPos) != spec.first ||
			int(ci.LastKeyPos) != spec.last || int(ci.StepCount) != spec.step {
			t.Errorf("%s: %s write=%v noscript=%v keys %d..%d/%d; luascope %+v",
				name, srv.Describe(), write, noscript, ci.FirstKeyPos, ci.LastKeyPos, ci.StepCount, spec)
		}
	}
	if len(info) > len(commands()) {
		t.Logf("the server has %d commands, luascope's table %d", len(info), len(commands()))
	}
}

// TestServerDependentFindings runs the scripts whose fate depends on the
// server and checks, on whichever server this run uses, what that server
// does with each (stated per server), and that the linter warns (never
// errs) about all of them: it cannot know which server will run the
// script, and each works on one of them.
func TestServerDependentFindings(t *testing.T) {
	srv := sandboxtest.StartT(t)
	rdb := srv.Client()
	defer rdb.Close()
	ctx := context.Background()
	for _, c := range []struct {
		src, code string
		fails     map[string]bool // per server: does the script fail?
	}{
		// Valkey's own name for the redis table.
		{"return server.call('PING')", CodeGlobalRead, map[string]bool{"redis": true, "valkey 8.1": false}},
		{"return redis.VALKEY_VERSION or redis.error_reply('nil')", CodeUnknownField, map[string]bool{"redis": true, "valkey 8.1": false}},
		// Redis 7.0 refuses blocking commands in scripts; newer servers
		// run them without blocking (an empty list: a nil reply).
		{"return redis.call('BLPOP', KEYS[1], 0)", CodeNoscriptCommand, map[string]bool{"redis 7.0": true, "redis 8.0": false, "valkey 8.1": false}},
	} {
		err := rdb.Eval(ctx, c.src, []string{"empty-list"}).Err()
		failed := err != nil && err != redis.Nil
		if want, ok := sandboxtest.PerServer(srv, c.fails); !ok {
			t.Logf("%q on %s (not recorded): %v", c.src, srv.Describe(), err)
		} else if failed != want {
			t.Errorf("%q on %s: error %v; recorded: fails=%v", c.src, srv.Describe(), err, want)
		}
		var f *Finding
		fs := Lint(c.src, Options{NumKeys: 1})
		for i := range fs {
			if fs[i].Code == c.code {
				f = &fs[i]
			}
		}
		if f == nil || f.Severity != Warning {
			t.Errorf("%q: want a %s warning, got %+v", c.src, c.code, fs)
		}
	}
}
