package classify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/classify"
	"luascope/redisx/sandbox/sandboxtest"
)

// The servers make test-servers runs, as keys of sandboxtest.PerServer.
const (
	redis70  = "redis 7.0"
	redis80  = "redis 8.0"
	valkey81 = "valkey 8.1"
)

// texts says what each server answers; same is for a text all three
// share.
func texts(r70, r80, v81 string) map[string]string {
	return map[string]string{redis70: r70, redis80: r80, valkey81: v81}
}

// TestRealServerTexts produces the errors whose words differ between
// Redis 7.0, Redis 8.0 and Valkey 8.1 and checks, on whichever server
// this run uses, both the exact text that server sends (stated per
// server) and that luascope classifies it the same everywhere: the same
// class, source, line and command, so a user upgrading sees the same
// diagnosis for the same mistake.
func TestRealServerTexts(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	admin := client(t, srv)
	ctx := context.Background()
	lim := limitedUser(t, srv)
	eval := func(c *redis.Client, src string) error { return c.Do(ctx, "EVAL", src, 0).Err() }
	const (
		unknownCmd = "return redis.call('nosuchcommand')"
		arity      = "return redis.call('get', 'a', 'b')"
		tableArg   = "return redis.call('get', {})"
		aclSet     = "return redis.call('set', 'allowed:a', 'v')"
		aclKey     = "return redis.call('get', 'other')"
		aclChannel = "return redis.call('publish', 'ch', 'x')"
	)
	// trailer is what every server appends to an error raised in a script.
	trailer := func(src string) string { return " script: " + sha(src) + ", on @user_script:1." }
	same := func(s string) map[string]string { return texts(s, s, s) }

	for _, c := range []struct {
		what  string
		err   error
		texts map[string]string
		want  want
	}{
		{"EVALSHA of an unknown sha", admin.Do(ctx, "EVALSHA", strings.Repeat("0", 40), 0).Err(),
			texts("NOSCRIPT No matching script. Please use EVAL.", "NOSCRIPT No matching script. Please use EVAL.", "NOSCRIPT No matching script."),
			want{class: classify.NoScript, source: classify.SourceCache, prefix: "NOSCRIPT"}},
		{"unknown command from redis.call", eval(admin, unknownCmd),
			texts("ERR Unknown Redis command called from script"+trailer(unknownCmd), "ERR Unknown Redis command called from script"+trailer(unknownCmd),
				"ERR Unknown command called from script"+trailer(unknownCmd)),
			want{class: classify.Command, source: classify.SourceRedisCall, line: 1}},
		{"arity from redis.call", eval(admin, arity),
			texts("ERR Wrong number of args calling Redis command from script"+trailer(arity), "ERR Wrong number of args calling Redis command from script"+trailer(arity),
				"ERR Wrong number of args calling command from script"+trailer(arity)),
			want{class: classify.Command, source: classify.SourceRedisCall, line: 1}},
		{"table argument to redis.call", eval(admin, tableArg),
			texts("ERR Lua redis lib command arguments must be strings or integers"+trailer(tableArg), "ERR Lua redis lib command arguments must be strings or integers"+trailer(tableArg),
				"ERR Command arguments must be strings or integers"+trailer(tableArg)),
			want{class: classify.Command, source: classify.SourceRedisCall, line: 1}},
		{"an unknown engine", eval(admin, "#!x\nreturn 1"),
			texts("ERR Unexpected engine in script shebang: #!x", "ERR Unexpected engine in script shebang: #!x", "ERR Could not find scripting engine 'x'"),
			want{class: classify.Compile, source: classify.SourceCompiler}},
		// Redis 8.0 and Valkey 8.1 word the ACL errors alike, 7.0 otherwise.
		{"SET without permission", lim.Set(ctx, "allowed:a", "v", 0).Err(),
			texts("NOPERM this user has no permissions to run the 'set' command", "NOPERM User limited has no permissions to run the 'set' command",
				"NOPERM User limited has no permissions to run the 'set' command"),
			want{class: classify.NoPerm, source: classify.SourceACL, prefix: "NOPERM", command: "set"}},
		{"GET of a key outside the user's patterns", lim.Get(ctx, "other").Err(),
			texts("NOPERM this user has no permissions to access one of the keys used as arguments", "NOPERM No permissions to access a key", "NOPERM No permissions to access a key"),
			want{class: classify.NoPerm, source: classify.SourceACL, prefix: "NOPERM"}},
		{"script SET without permission", eval(lim, aclSet),
			texts("ERR The user executing the script can't run this command or subcommand"+trailer(aclSet),
				"ERR ACL failure in script: User limited has no permissions to run the 'set' command"+trailer(aclSet),
				"ERR ACL failure in script: User limited has no permissions to run the 'set' command"+trailer(aclSet)),
			want{class: classify.NoPerm, source: classify.SourceACL, line: 1}},
		{"script GET of a key outside the user's patterns", eval(lim, aclKey),
			texts("ERR The user executing the script can't access at least one of the keys mentioned in the command arguments"+trailer(aclKey),
				"ERR ACL failure in script: No permissions to access a key"+trailer(aclKey),
				"ERR ACL failure in script: No permissions to access a key"+trailer(aclKey)),
			want{class: classify.NoPerm, source: classify.SourceACL, line: 1}},
		{"script PUBLISH to a channel outside the user's patterns", eval(lim, aclChannel),
			texts("ERR The user executing the script can't publish to the channel mentioned in the command"+trailer(aclChannel),
				"ERR ACL failure in script: No permissions to access a channel"+trailer(aclChannel),
				"ERR ACL failure in script: No permissions to access a channel"+trailer(aclChannel)),
			want{class: classify.NoPerm, source: classify.SourceACL, line: 1}},
		// Worded alike everywhere, kept here so a change shows.
		{"write in EVAL_RO", admin.Do(ctx, "EVAL_RO", "return redis.call('set', 'a', 'b')", 0).Err(),
			same("ERR Write commands are not allowed from read-only scripts." + trailer("return redis.call('set', 'a', 'b')")),
			want{class: classify.WriteDenied, line: 1}},
	} {
		t.Run(c.what, func(t *testing.T) {
			expect(t, c.what, c.err, c.want)
			text, ok := sandboxtest.PerServer(srv, c.texts)
			switch {
			case !ok:
				t.Logf("%s: no text recorded for %s; it says %q", c.what, srv.Describe(), c.err)
			case c.err.Error() != text:
				t.Errorf("%s on %s:\n got %q\nwant %q", c.what, srv.Describe(), c.err, text)
			}
		})
	}
}
