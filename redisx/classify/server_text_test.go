package classify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/classify"
	"luascope/redisx/sandbox"
)

// TestRealTextOnlyClasses produces, on a real server, the errors whose
// class only their text tells: a global or protected table written (with
// and without Lua's location), XREAD BLOCK in a script, FCALL's numkeys,
// a #! line without a body, an unknown engine. SELECT in a cluster is in
// TestRealCluster.
func TestRealTextOnlyClasses(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	r := client(t, srv)
	ctx := context.Background()
	eval := func(src string, numkeys int, args ...any) error {
		return r.Do(ctx, append([]any{"EVAL", src, numkeys}, args...)...).Err()
	}

	protected := "return redis.setresp ~= nil and (function() redis.x = 1 end)()"
	c := expect(t, "a field of the redis table written", eval(protected, 0),
		want{class: classify.Runtime, source: classify.SourceScript, line: 1, sha: sha(protected)})
	if !strings.Contains(c.Hint, "local") {
		t.Errorf("readonly table hint %q does not say local", c.Hint)
	}
	// setmetatable is a C function: its error has no user_script:N: prefix.
	meta := "setmetatable(_G, nil)"
	expect(t, "the globals' metatable removed", eval(meta, 0),
		want{class: classify.Runtime, source: classify.SourceScript, line: 1, sha: sha(meta)})

	if srv.Is(sandbox.Redis, "7.4") || srv.Is(sandbox.Valkey, "") {
		// Newer servers run XREAD BLOCK in a script without blocking: on
		// an empty stream the script gets, and returns, a nil reply.
		if err := eval("return redis.call('xread', 'BLOCK', '0', 'STREAMS', KEYS[1], '0')", 1, "stream"); err != redis.Nil {
			t.Errorf("XREAD BLOCK in a script on %s: %v, want a nil reply", srv.Describe(), err)
		}
	} else {
		block := "return redis.call('xread', 'BLOCK', '0', 'STREAMS', KEYS[1], '0')"
		expect(t, "XREAD BLOCK from redis.call", eval(block, 1, "stream"),
			want{class: classify.Command, source: classify.SourceRedisCall, line: 1, command: "xread", sha: sha(block)})
		// redis.pcall hands the bare text back as the reply: no trailer.
		if err := r.Do(ctx, "XGROUP", "CREATE", "stream", "g", "$", "MKSTREAM").Err(); err != nil {
			t.Fatal(err)
		}
		expect(t, "XREADGROUP BLOCK from redis.pcall", eval("return redis.pcall('xreadgroup', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', KEYS[1], '>')", 1, "stream"),
			want{class: classify.Command, source: classify.SourceRedisCall, command: "xreadgroup"})
	}

	if err := r.Do(ctx, "FUNCTION", "LOAD", "#!lua name=textlib\nredis.register_function('f', function() return 1 end)").Err(); err != nil {
		t.Fatal(err)
	}
	c = expect(t, "FCALL with numkeys not a number", r.Do(ctx, "FCALL", "f", "abc").Err(),
		want{class: classify.Arguments, source: classify.SourceServer})
	if !strings.Contains(c.Hint, "FCALL") {
		t.Errorf("FCALL numkeys hint %q", c.Hint)
	}

	c = expect(t, "a #! line without a newline", eval("#!lua", 0),
		want{class: classify.Compile, source: classify.SourceCompiler})
	if !strings.Contains(c.Hint, "newline") {
		t.Errorf("shebang hint %q does not say newline", c.Hint)
	}
	// Redis: "Unexpected engine in script shebang: #!x"; Valkey 8.1+:
	// "Could not find scripting engine 'x'".
	expect(t, "an unknown engine", eval("#!x\nreturn 1", 0),
		want{class: classify.Compile, source: classify.SourceCompiler})
}
