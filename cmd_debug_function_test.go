package main

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// connectionsReceived is the server's total_connections_received.
func connectionsReceived(t *testing.T, c *redis.Client) string {
	t.Helper()
	info, err := c.Info(context.Background(), "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "total_connections_received:"); ok {
			return v
		}
	}
	t.Fatal("no total_connections_received in INFO stats")
	return ""
}

// TestDebugFunctionNotRegistered: --function names a function the library
// file does not register: a usage error (exit 2) that lists the ones it
// does, before luascope connects (no forked debug session, nothing sent).
func TestDebugFunctionNotRegistered(t *testing.T) {
	srv := startSandbox(t)
	c := srv.Client()
	defer c.Close()
	lib := writeScript(t, "#!lua name=mylib\n-- redis.register_function('commented', f)\n"+
		"redis.register_function('hello', function(keys, args) return 'hi' end)\n"+
		"redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n"+
		"local s = 'redis.register_function(\"in_a_string\", f)'\n")
	before := connectionsReceived(t, c)
	for _, tt := range []struct{ fn, want string }{
		{"nope", "registers no function nope (it registers: hello, peek)"},
		{"commented", "registers no function commented (it registers: hello, peek)"},
		{"no-pe", "letters, digits and underscores"},
	} {
		out, errOut, code := cli(t, "", "debug", "-u", srv.URL(), "--library", lib, "--function", tt.fn, "k1", ",", "x")
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("--function %s: exit %d, want 2 and %q\n%s%s", tt.fn, code, tt.want, out, errOut)
		}
	}
	if after := connectionsReceived(t, c); after != before {
		t.Errorf("connections received went from %s to %s: something was sent", before, after)
	}
	// What the check lets through: a registered name, and any name when
	// the library computes a name (only the server can tell then).
	for _, tt := range []struct{ src, fn string }{
		{"#!lua name=a\nredis.register_function('hello', function() return 1 end)\n", "hello"},
		{"#!lua name=a\nserver.register_function{function_name = \"v\", callback = function() return 1 end}\n", "v"},
		{"#!lua name=a\nfor _, n in ipairs({'x', 'y'}) do redis.register_function(n, function() return n end) end\n", "x"},
		{"#!lua name=a\nlocal reg = redis.register_function\nreg('z', function() return 1 end)\n", "z"},
		{"#!lua name=a\nredis.register_function{callback = function() return 1 end, function_name = name}\n", "w"},
	} {
		if err := debugFunctionCheck("lib.lua", tt.src, tt.fn); err != nil {
			t.Errorf("%q, --function %s: %v", tt.src, tt.fn, err)
		}
	}
}
