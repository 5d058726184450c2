package ldb

import (
	"context"
	"strings"
	"testing"

	"luascope/redisx/resp"
	"luascope/redisx/sandbox/sandboxtest"
)

const library = `#!lua name=stock
local function take(keys, args)
  local left = redis.call('DECRBY', keys[1], args[1])
  return left
end
redis.register_function('take', take)
redis.register_function{
  function_name = 'peek',
  callback = function(keys) return redis.call('GET', keys[1]) end,
  flags = {'no-writes'},
}`

// The script runs each function as FCALL would, registers nothing, and
// keeps the library's line numbers.
func TestLibraryScriptRuns(t *testing.T) {
	srv := sandboxtest.StartT(t)
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	c.Set(ctx, "s", "10", 0)
	// In order: take changes the key that peek then reads.
	for _, tc := range []struct {
		fn   string
		want any
	}{{"take", int64(7)}, {"peek", "7"}} {
		fn, want := tc.fn, tc.want
		src, err := LibraryScript(library, fn)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(src, "\n")
		lib := strings.Split(library, "\n")
		for i := 1; i < len(lib); i++ {
			if lines[i] != lib[i] {
				t.Fatalf("line %d moved: %q, want %q", i+1, lines[i], lib[i])
			}
		}
		args := []any{}
		if fn == "take" {
			args = append(args, 3)
		}
		got, err := c.Eval(ctx, src, []string{"s"}, args...).Result()
		if err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", fn, got, err, want)
		}
	}
	if n, _ := c.Do(ctx, "FUNCTION", "LIST").Slice(); len(n) != 0 {
		t.Errorf("the script registered functions on the server: %v", n)
	}
	src, _ := LibraryScript(library, "nosuch")
	if _, err := c.Eval(ctx, src, []string{"s"}).Result(); err == nil || !strings.Contains(err.Error(), "no function nosuch (it registers: take, peek)") {
		t.Errorf("a missing function: %v", err)
	}
	for _, bad := range []struct{ lib, fn string }{{"return 1", "f"}, {library, "a b"}, {library, ""}} {
		if _, err := LibraryScript(bad.lib, bad.fn); err == nil {
			t.Errorf("LibraryScript(%q, %q) takes it", bad.lib[:8], bad.fn)
		}
	}
}

// In the debugger the stops are the library's lines.
func TestLibraryScriptSteps(t *testing.T) {
	srv := sandboxtest.StartT(t)
	src, err := LibraryScript(library, "take")
	if err != nil {
		t.Fatal(err)
	}
	s, ev := start(t, srv, Options{Script: src, Keys: []string{"s"}, Args: []string{"2"}})
	ctx := testCtx(t)
	if ev.Line != 1 {
		t.Fatalf("first stop at line %d", ev.Line)
	}
	if _, err := s.Break(ctx, 3); err != nil {
		t.Fatal(err)
	}
	ev = must(t)(s.Continue(ctx))
	wantStop(t, ev, 3, "break point")
	ev = must(t)(s.Continue(ctx))
	wantFinal(t, ev, resp.Integer, "-2")
}

// A library written with Valkey's name, server.register_function, is
// debugged on any server: server is the same local table.
func TestLibraryScriptServerAlias(t *testing.T) {
	srv := sandboxtest.StartT(t)
	c := srv.Client()
	defer c.Close()
	src, err := LibraryScript("#!lua name=v\nserver.register_function('f', function(keys, args) return server.call('PING') end)\n", "f")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Eval(context.Background(), src, nil).Result(); err != nil || got != "PONG" {
		t.Errorf("%v %v", got, err)
	}
}
