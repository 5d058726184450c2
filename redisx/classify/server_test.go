package classify_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/classify"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// These tests produce every class they can for real, against private
// redis-server processes, and classify what go-redis returns. Each test
// has its own server(s) so they run in parallel.

func startServer(t *testing.T, config ...string) *sandbox.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := sandbox.Start(ctx, sandbox.Options{Config: config, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

// client returns a client without automatic retries, so a retried
// READONLY or timeout shows up once and at once.
func client(t *testing.T, s *sandbox.Server, opts ...func(*redis.Options)) *redis.Client {
	t.Helper()
	all := append([]func(*redis.Options){func(o *redis.Options) { o.MaxRetries = -1 }}, opts...)
	c := s.Client(all...)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func sha(src string) string {
	sum := sha1.Sum([]byte(src))
	return hex.EncodeToString(sum[:])
}

// want is what a real error must classify as; zero fields are not checked.
type want struct {
	class    classify.Class
	source   classify.Source
	line     int
	sha      string
	function string
	command  string
	prefix   string
}

// expect classifies err and checks it against w, logging the real text so
// a failing run shows exactly what the server said.
func expect(t *testing.T, what string, err error, w want) classify.Classification {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	c := classify.ClassifyError(err)
	t.Logf("%s: %q → %s/%s line %d", what, err.Error(), c.Class, c.Source, c.Line)
	if c.Class != w.class {
		t.Errorf("%s: class %s, want %s (%q)", what, c.Class, w.class, err)
	}
	if w.source != "" && c.Source != w.source {
		t.Errorf("%s: source %s, want %s", what, c.Source, w.source)
	}
	if w.line != 0 && c.Line != w.line {
		t.Errorf("%s: line %d, want %d", what, c.Line, w.line)
	}
	if w.sha != "" && c.SHA != w.sha {
		t.Errorf("%s: sha %q, want %q", what, c.SHA, w.sha)
	}
	if w.function != "" && c.Function != w.function {
		t.Errorf("%s: function %q, want %q", what, c.Function, w.function)
	}
	if w.command != "" && c.Command != w.command {
		t.Errorf("%s: command %q, want %q", what, c.Command, w.command)
	}
	if w.prefix != "" && c.Prefix != w.prefix {
		t.Errorf("%s: prefix %q, want %q", what, c.Prefix, w.prefix)
	}
	if c.Hint == "" || c.Clients.RedisPy == "" || c.Clients.GoRedis == "" {
		t.Errorf("%s: missing hint or client notes: %+v", what, c)
	}
	return c
}

func TestRealScriptFailures(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	r := client(t, srv)
	ctx := context.Background()
	eval := func(src string, numkeys int, args ...any) error {
		return r.Do(ctx, append([]any{"EVAL", src, numkeys}, args...)...).Err()
	}
	if err := r.Set(ctx, "str", "abc", 0).Err(); err != nil {
		t.Fatal(err)
	}

	expect(t, "EVALSHA of an unknown sha", r.Do(ctx, "EVALSHA", strings.Repeat("0", 40), 0).Err(),
		want{class: classify.NoScript, source: classify.SourceCache, prefix: "NOSCRIPT"})
	expect(t, "syntax error", eval("local a = 1\nreturn +", 0),
		want{class: classify.Compile, source: classify.SourceCompiler, line: 2})

	nilCall := "return redis.nope()"
	expect(t, "call of a nil field", eval(nilCall, 0),
		want{class: classify.Runtime, source: classify.SourceScript, line: 1, sha: sha(nilCall)})
	expect(t, "global read", eval("local a = 1\nreturn undefined_x", 0),
		want{class: classify.Runtime, source: classify.SourceScript, line: 2})
	c := expect(t, "global write", eval("x = 1", 0), want{class: classify.Runtime, line: 1})
	if !strings.Contains(c.Hint, "local") {
		t.Errorf("global write hint %q does not say local", c.Hint)
	}

	wrongType := "local a = 1\nreturn redis.call('lpush', KEYS[1], 'x')"
	expect(t, "WRONGTYPE from redis.call", eval(wrongType, 1, "str"),
		want{class: classify.Command, source: classify.SourceRedisCall, line: 2, sha: sha(wrongType), prefix: "WRONGTYPE"})
	expect(t, "unknown command from redis.call", eval("return redis.call('nosuchcommand')", 0),
		want{class: classify.Command, source: classify.SourceRedisCall, line: 1})
	expect(t, "arity from redis.call", eval("return redis.call('get', 'a', 'b')", 0),
		want{class: classify.Command, source: classify.SourceRedisCall})
	expect(t, "not an integer from redis.call", eval("return redis.call('incr', KEYS[1])", 1, "str"),
		want{class: classify.Command, source: classify.SourceRedisCall})
	expect(t, "bad expire from redis.call", eval("return redis.call('set', 'k', 'v', 'EX', '0')", 0),
		want{class: classify.Command, source: classify.SourceRedisCall, command: "set"})
	expect(t, "table argument to redis.call", eval("return redis.call('get', {})", 0),
		want{class: classify.Command, source: classify.SourceRedisCall})

	expect(t, "error_reply returned", eval("return redis.error_reply('my error')", 0),
		want{class: classify.Script, source: classify.SourceScript})
	expect(t, "{err=} returned", eval("return {err='my error'}", 0),
		want{class: classify.Script, source: classify.SourceScript})
	raised := "local a = 1\nerror({err='raised on purpose'})"
	expect(t, "{err=} raised", eval(raised, 0),
		want{class: classify.Script, source: classify.SourceScript, line: 2, sha: sha(raised)})
	expect(t, "error_reply raised", eval("error(redis.error_reply('MYCODE raised'))", 0),
		want{class: classify.Script, source: classify.SourceScript, line: 1})

	// The classic misdiagnosis: a script's own "no such key" is not NOSCRIPT.
	for _, src := range []string{
		"return redis.error_reply('no such key')",
		"return {err='no such key'}",
		"error({err='no such key'})",
		"error(redis.error_reply('ERR no such key'))",
	} {
		c := expect(t, src, eval(src, 0), want{class: classify.Script, source: classify.SourceScript})
		if !strings.Contains(c.Hint, "reloading") {
			t.Errorf("%s: hint %q does not say reloading will not help", src, c.Hint)
		}
	}

	expect(t, "numkeys greater than args", eval("return 1", 2, "a"),
		want{class: classify.Arguments, source: classify.SourceServer})
	expect(t, "negative numkeys", eval("return 1", -1),
		want{class: classify.Arguments, source: classify.SourceServer})
	expect(t, "numkeys not a number", r.Do(ctx, "EVAL", "return 1", "x").Err(),
		want{class: classify.Arguments, source: classify.SourceServer})
	expect(t, "EVAL without numkeys", r.Do(ctx, "EVAL", "return 1").Err(),
		want{class: classify.Arguments, source: classify.SourceServer, command: "eval"})

	expect(t, "write in EVAL_RO", r.Do(ctx, "EVAL_RO", "return redis.call('set', 'a', 'b')", 0).Err(),
		want{class: classify.WriteDenied, source: classify.SourceScript})
	expect(t, "write with no-writes", eval("#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')", 0),
		want{class: classify.WriteDenied, source: classify.SourceScript, line: 2})
	expect(t, "EVAL_RO of a script without no-writes", r.Do(ctx, "EVAL_RO", "#!lua\nreturn 1", 0).Err(),
		want{class: classify.WriteDenied})
	expect(t, "unknown shebang flag", eval("#!lua flags=bogus\nreturn 1", 0), want{class: classify.Compile})

	// What the client notes claim about go-redis's Script: Run hides a
	// cache miss by re-sending the source…
	if v, err := redis.NewScript("return 'ran'").Run(ctx, r, nil).Text(); err != nil || v != "ran" {
		t.Errorf("Script.Run after a cache miss: %q %v", v, err)
	}
	// …and so takes a script's own NOSCRIPT-coded error for one too, and
	// runs the script a second time.
	twice := redis.NewScript("redis.call('incr', KEYS[1]) return redis.error_reply('NOSCRIPT fake')")
	if err := twice.Load(ctx, r).Err(); err != nil {
		t.Fatal(err)
	}
	c = expect(t, "Script.Run of a script raising NOSCRIPT", twice.Run(ctx, r, []string{"runs"}).Err(),
		want{class: classify.NoScript})
	if n, _ := r.Get(ctx, "runs").Int(); n != 2 || !strings.Contains(c.Clients.GoRedis, "EVAL") {
		t.Errorf("the script ran %d times; go-redis note %q", n, c.Clients.GoRedis)
	}
}

func TestRealFunctions(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	r := client(t, srv)
	ctx := context.Background()
	expect(t, "FCALL of a missing function", r.Do(ctx, "FCALL", "nosuch", 0).Err(),
		want{class: classify.NoScript, source: classify.SourceCache})
	expect(t, "FUNCTION LOAD of bad Lua", r.Do(ctx, "FUNCTION", "LOAD", "#!lua name=bad\nx = = 1").Err(),
		want{class: classify.Compile, source: classify.SourceCompiler, line: 2})
	lib := "#!lua name=lib\n" +
		"redis.register_function('glob', function(keys, args) return undefined_x end)\n" +
		"redis.register_function('raise', function(keys, args) error({err='no such key'}) end)\n" +
		"redis.register_function('wt', function(keys, args) return redis.call('lpush', keys[1], 'x') end)\n"
	if err := r.Do(ctx, "FUNCTION", "LOAD", lib).Err(); err != nil {
		t.Fatal(err)
	}
	if err := r.Set(ctx, "str", "abc", 0).Err(); err != nil {
		t.Fatal(err)
	}
	expect(t, "function global read", r.Do(ctx, "FCALL", "glob", 0).Err(),
		want{class: classify.Runtime, line: 2, function: "glob"})
	expect(t, "function raises no such key", r.Do(ctx, "FCALL", "raise", 0).Err(),
		want{class: classify.Script, line: 3, function: "raise"})
	expect(t, "function WRONGTYPE", r.Do(ctx, "FCALL", "wt", 1, "str").Err(),
		want{class: classify.Command, source: classify.SourceRedisCall, line: 4, function: "wt"})
	expect(t, "FCALL_RO of a writing function", r.Do(ctx, "FCALL_RO", "wt", 1, "str").Err(),
		want{class: classify.WriteDenied})
}

// busyWait polls PING on c until the server answers BUSY.
func busyWait(t *testing.T, c *redis.Client) error {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		err := c.Ping(context.Background()).Err()
		if err != nil && strings.HasPrefix(err.Error(), "BUSY") {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the server never answered BUSY")
	return nil
}

func TestRealBusyKilledUnkillable(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "busy-reply-threshold 100")
	ctx := context.Background()
	long := func(o *redis.Options) { o.ReadTimeout = 20 * time.Second; o.PoolSize = 1 }
	runner := client(t, srv, long)
	other := client(t, srv, long)
	if err := other.Ping(ctx).Err(); err != nil { // connect before the server is busy
		t.Fatal(err)
	}

	spin := "while true do end"
	done := make(chan error, 1)
	go func() { done <- runner.Do(ctx, "EVAL", spin, 0).Err() }()
	expect(t, "PING while a script spins", busyWait(t, other),
		want{class: classify.Busy, source: classify.SourceServer, prefix: "BUSY"})
	if err := other.Do(ctx, "SCRIPT", "KILL").Err(); err != nil {
		t.Fatal(err)
	}
	expect(t, "the killed script's reply", <-done,
		want{class: classify.Killed, source: classify.SourceServer, sha: sha(spin)})
	expect(t, "SCRIPT KILL with nothing running", other.Do(ctx, "SCRIPT", "KILL").Err(),
		want{class: classify.Unknown, source: classify.SourceServer, prefix: "NOTBUSY"})

	go func() { done <- runner.Do(ctx, "EVAL", "redis.call('set', 'w', '1') while true do end", 0).Err() }()
	busyWait(t, other)
	expect(t, "SCRIPT KILL after a write", other.Do(ctx, "SCRIPT", "KILL").Err(),
		want{class: classify.Unkillable, source: classify.SourceServer, prefix: "UNKILLABLE"})
	// The only way out is SHUTDOWN NOSAVE; Kill is the same for a sandbox,
	// and the runner then sees its connection drop.
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	expect(t, "the unkillable script's caller after the kill", <-done,
		want{class: classify.Connection, source: classify.SourceClient})
}

func TestRealOOM(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "maxmemory 1mb", "maxmemory-policy noeviction")
	r := client(t, srv)
	ctx := context.Background()
	// Memory is checked before a command runs, so this big value may get
	// in; after it, used memory is over maxmemory either way.
	_ = r.Set(ctx, "big", strings.Repeat("x", 2<<20), 0).Err()
	src := "return redis.call('set', KEYS[1], 'v')"
	expect(t, "write from a script over maxmemory", r.Do(ctx, "EVAL", src, 1, "k").Err(),
		want{class: classify.OOM, source: classify.SourceRedisCall, sha: sha(src), prefix: "OOM"})
	expect(t, "plain SET over maxmemory", r.Set(ctx, "k", "v", 0).Err(),
		want{class: classify.OOM, source: classify.SourceServer, prefix: "OOM"})
	expect(t, "script with a shebang over maxmemory", r.Do(ctx, "EVAL", "#!lua\nreturn redis.call('set', 'k', 'v')", 0).Err(),
		want{class: classify.OOM, prefix: "OOM"})
}

func TestRealReplica(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pair, err := sandbox.StartPair(ctx, sandbox.Options{Config: []string{"replica-serve-stale-data no"}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pair.Stop() })
	rep := client(t, pair.Replica)
	bg := context.Background()

	src := "return redis.call('set', 'k', 'v')"
	expect(t, "script write on a replica", rep.Do(bg, "EVAL", src, 0).Err(),
		want{class: classify.ReadOnly, source: classify.SourceRedisCall, sha: sha(src), prefix: "READONLY"})
	expect(t, "SET on a replica", rep.Set(bg, "k", "v", 0).Err(),
		want{class: classify.ReadOnly, source: classify.SourceServer})
	expect(t, "shebang script on a replica", rep.Do(bg, "EVAL", "#!lua\n"+src, 0).Err(),
		want{class: classify.ReadOnly})
	if err := rep.Do(bg, "EVAL_RO", "return redis.call('get', 'k')", 0).Err(); err != nil && !errors.Is(err, redis.Nil) {
		t.Errorf("EVAL_RO read on a replica: %v", err)
	}

	// Lose the primary: with replica-serve-stale-data no the replica
	// refuses data commands.
	if err := pair.Primary.Kill(); err != nil {
		t.Fatal(err)
	}
	var stale error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if stale = rep.Get(bg, "k").Err(); stale != nil && strings.HasPrefix(stale.Error(), "MASTERDOWN") {
			break
		}
	}
	expect(t, "GET on a stale replica", stale, want{class: classify.MasterDown, source: classify.SourceServer})
	expect(t, "no-writes script on a stale replica", rep.Do(bg, "EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", 0).Err(),
		want{class: classify.MasterDown})
	expect(t, "allow-stale script calling GET on a stale replica",
		rep.Do(bg, "EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('get', 'k')", 0).Err(),
		want{class: classify.MasterDown, source: classify.SourceRedisCall, line: 2})
}

// limitedUser creates the ACL user "limited" on srv (keys allowed:*, EVAL,
// EVALSHA, GET and PUBLISH; not SET) and returns a client of it.
func limitedUser(t *testing.T, srv *sandbox.Server) *redis.Client {
	t.Helper()
	if err := client(t, srv).Do(context.Background(), "ACL", "SETUSER", "limited", "on", ">pw", "~allowed:*", "resetchannels",
		"+@connection", "+eval", "+evalsha", "+get", "+publish", "-set").Err(); err != nil {
		t.Fatal(err)
	}
	return client(t, srv, func(o *redis.Options) { o.Username, o.Password = "limited", "pw" })
}

func TestRealACLAndAuth(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	admin := client(t, srv)
	ctx := context.Background()
	lim := limitedUser(t, srv)
	expect(t, "SET without permission", lim.Set(ctx, "allowed:a", "v", 0).Err(),
		want{class: classify.NoPerm, source: classify.SourceACL, prefix: "NOPERM"})
	expect(t, "script SET without permission", lim.Do(ctx, "EVAL", "return redis.call('set', 'allowed:a', 'v')", 0).Err(),
		want{class: classify.NoPerm, source: classify.SourceACL, line: 1})
	expect(t, "GET of a key outside the user's patterns", lim.Get(ctx, "other").Err(),
		want{class: classify.NoPerm, source: classify.SourceACL})
	expect(t, "script GET of a key outside the user's patterns", lim.Do(ctx, "EVAL", "return redis.call('get', 'other')", 0).Err(),
		want{class: classify.NoPerm, source: classify.SourceACL})
	expect(t, "script PUBLISH to a channel outside the user's patterns", lim.Do(ctx, "EVAL", "return redis.call('publish', 'ch', 'x')", 0).Err(),
		want{class: classify.NoPerm, source: classify.SourceACL})

	wrong := client(t, srv, func(o *redis.Options) { o.Username, o.Password = "limited", "wrong" })
	expect(t, "wrong password", wrong.Ping(ctx).Err(),
		want{class: classify.Auth, source: classify.SourceACL, prefix: "WRONGPASS"})
	expect(t, "AUTH without a configured password", admin.Do(ctx, "AUTH", "x").Err(),
		want{class: classify.Auth, source: classify.SourceACL})

	if err := admin.ConfigSet(ctx, "requirepass", "secret").Err(); err != nil {
		t.Fatal(err)
	}
	anon := client(t, srv, func(o *redis.Options) { o.Password = "" })
	expect(t, "no password when one is required", anon.Ping(ctx).Err(),
		want{class: classify.Auth, source: classify.SourceACL, prefix: "NOAUTH"})
}

func TestRealTimeoutAndConnection(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	ctx := context.Background()
	// The go-redis note says a read timeout is retried, so the script may
	// run twice. The retry waits 5 s (its backoff), by when the first run
	// (300 ms) has ended even where the spin counts CPU time on a loaded
	// machine (sandboxtest.SpinLua: a 2-core machine at load 7 stretches
	// it past 2 s), then sends the script again on a new connection, and
	// times out again.
	retrying := srv.Client(func(o *redis.Options) {
		o.ReadTimeout, o.MaxRetries = 250*time.Millisecond, 1
		o.MinRetryBackoff, o.MaxRetryBackoff = 5*time.Second, 5*time.Second
	})
	defer retrying.Close()
	counted := "redis.call('incr', KEYS[1]) " + sandboxtest.SpinLua(300*time.Millisecond) + " return 1"
	c := expect(t, "retried read timeout", retrying.Do(ctx, "EVAL", counted, 1, "runs").Err(),
		want{class: classify.Timeout, source: classify.SourceClient})
	patient := client(t, srv, func(o *redis.Options) { o.ReadTimeout = 5 * time.Second })
	time.Sleep(100 * time.Millisecond) // let the retry reach the server before GET does
	if n, err := patient.Get(ctx, "runs").Int(); err != nil || n != 2 || !strings.Contains(c.Clients.GoRedis, "run twice") {
		t.Errorf("a timed-out script ran %d times (%v), want 2; go-redis note %q", n, err, c.Clients.GoRedis)
	}

	impatient := client(t, srv, func(o *redis.Options) { o.ReadTimeout = 100 * time.Millisecond })
	oneSecond := sandboxtest.SpinLua(time.Second) + " return 1"
	expect(t, "read timeout on a 1 s script", impatient.Do(ctx, "EVAL", oneSecond, 0).Err(),
		want{class: classify.Timeout, source: classify.SourceClient})

	deadline, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	ctxClient := client(t, srv, func(o *redis.Options) { o.ContextTimeoutEnabled = true })
	expect(t, "context deadline on a 1 s script", ctxClient.Do(deadline, "EVAL", oneSecond, 0).Err(),
		want{class: classify.Timeout, source: classify.SourceClient})

	// Patient: its PING waits behind the scripts above, which a loaded
	// machine may stretch to seconds.
	r := client(t, srv, func(o *redis.Options) {
		o.DialerRetries, o.DialerRetryTimeout, o.ReadTimeout = 1, time.Millisecond, 20*time.Second
	})
	if err := r.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	expect(t, "command after the server was killed", r.Do(ctx, "EVAL", "return 1", 0).Err(),
		want{class: classify.Connection, source: classify.SourceClient})
	expect(t, "command to a closed port", r.Ping(ctx).Err(),
		want{class: classify.Connection, source: classify.SourceClient})
	_ = r.Close()
	expect(t, "command on a closed client", r.Ping(ctx).Err(),
		want{class: classify.Connection, source: classify.SourceClient})
}

func TestRealLoading(t *testing.T) {
	t.Parallel()
	// DEBUG RELOAD reloads the RDB; key-load-delay slows it down and a
	// small event interval makes the server answer LOADING meanwhile.
	srv := startServer(t, "enable-debug-command yes", "key-load-delay 50000",
		"loading-process-events-interval-bytes 1024", "rdbcompression no")
	ctx := context.Background()
	long := func(o *redis.Options) { o.ReadTimeout = 20 * time.Second; o.PoolSize = 1 }
	loader := client(t, srv, long)
	other := client(t, srv, long)
	if err := loader.Do(ctx, "EVAL", "for i = 1, 20 do redis.call('set', 'k' .. i, string.rep('x', 2000)) end", 0).Err(); err != nil && !errors.Is(err, redis.Nil) {
		t.Fatal(err)
	}
	if err := other.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- loader.Do(ctx, "DEBUG", "RELOAD").Err() }()
	var loading error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if loading = other.Ping(ctx).Err(); loading != nil && strings.HasPrefix(loading.Error(), "LOADING") {
			break
		}
	}
	expect(t, "PING while the dataset loads", loading, want{class: classify.Loading, source: classify.SourceServer, prefix: "LOADING"})
	if err := <-done; err != nil {
		t.Errorf("DEBUG RELOAD: %v", err)
	}
}

func TestRealCluster(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := sandbox.StartCluster(ctx, sandbox.ClusterOptions{Options: sandbox.Options{Logf: t.Logf}, ReplicasPerPrimary: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Stop() })
	bg := context.Background()
	nodes := make([]*redis.Client, 3)
	ids := make([]string, 3)
	for i := range nodes {
		nodes[i] = client(t, cl.Nodes[i])
		if ids[i], err = nodes[i].Do(bg, "CLUSTER", "MYID").Text(); err != nil {
			t.Fatal(err)
		}
	}
	// owner finds which node serves a key, and its slot.
	owner := func(key string) (int, int) {
		slot, err := nodes[0].ClusterKeySlot(bg, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range nodes {
			if err := n.Exists(bg, key).Err(); err == nil {
				return i, int(slot)
			}
		}
		t.Fatalf("no node serves %s", key)
		return 0, 0
	}
	// A key served by another node than nodes[0].
	var far string
	var farNode, farSlot int
	for i := 0; ; i++ {
		far = "key" + strconv.Itoa(i)
		if farNode, farSlot = owner(far); farNode != 0 {
			break
		}
	}
	c := expect(t, "GET of another node's key", nodes[0].Get(bg, far).Err(),
		want{class: classify.Moved, source: classify.SourceCluster, prefix: "MOVED"})
	if c.Slot != farSlot || c.Addr != cl.Nodes[farNode].Addr() {
		t.Errorf("MOVED slot %d addr %q, want %d %q", c.Slot, c.Addr, farSlot, cl.Nodes[farNode].Addr())
	}
	expect(t, "MGET across slots", nodes[0].MGet(bg, "a", "b", "c").Err(),
		want{class: classify.CrossSlot, source: classify.SourceCluster, prefix: "CROSSSLOT"})
	expect(t, "script reading an undeclared key of another node", nodes[0].Do(bg, "EVAL", "return redis.call('get', '"+far+"')", 0).Err(),
		want{class: classify.CrossSlot, source: classify.SourceCluster, line: 1})
	expect(t, "EVAL with keys across slots", nodes[0].Do(bg, "EVAL", "return 1", 3, "a", "b", "c").Err(),
		want{class: classify.CrossSlot})
	// A cluster has only database 0: a script's SELECT is its redis.call's
	// failure; a client's own SELECT is the server refusing that command.
	sel := "return redis.call('select', '1')"
	expect(t, "SELECT from redis.call in a cluster", nodes[0].Do(bg, "EVAL", sel, 0).Err(),
		want{class: classify.Command, source: classify.SourceRedisCall, line: 1, command: "select", sha: sha(sel)})
	expect(t, "SELECT in a cluster", nodes[0].Do(bg, "SELECT", 1).Err(),
		want{class: classify.Command, source: classify.SourceServer, command: "select"})

	// Migrate the far key's slot to node 0 halfway: a missing key of it is
	// ASKed for on the target; a multi-key request finding only some keys
	// must try again.
	src, dst := nodes[farNode], nodes[0]
	tag := "{" + far + "}"
	if err := src.Set(bg, tag+"present", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := dst.Do(bg, "CLUSTER", "SETSLOT", farSlot, "IMPORTING", ids[farNode]).Err(); err != nil {
		t.Fatal(err)
	}
	if err := src.Do(bg, "CLUSTER", "SETSLOT", farSlot, "MIGRATING", ids[0]).Err(); err != nil {
		t.Fatal(err)
	}
	c = expect(t, "GET of a missing key in a migrating slot", src.Get(bg, tag+"missing").Err(),
		want{class: classify.Ask, source: classify.SourceCluster, prefix: "ASK"})
	if c.Slot != farSlot || c.Addr != cl.Nodes[0].Addr() {
		t.Errorf("ASK slot %d addr %q, want %d %q", c.Slot, c.Addr, farSlot, cl.Nodes[0].Addr())
	}
	expect(t, "MGET of present and missing keys in a migrating slot", src.MGet(bg, tag+"present", tag+"missing").Err(),
		want{class: classify.TryAgain, source: classify.SourceCluster, prefix: "TRYAGAIN"})
	for _, n := range []*redis.Client{src, dst} {
		if err := n.Do(bg, "CLUSTER", "SETSLOT", farSlot, "STABLE").Err(); err != nil {
			t.Fatal(err)
		}
	}

	// Take the slot away from its owner: nobody serves it any more.
	if err := src.Do(bg, "CLUSTER", "DELSLOTS", farSlot).Err(); err != nil {
		t.Fatal(err)
	}
	expect(t, "GET of a key whose slot nobody serves", src.Get(bg, far).Err(),
		want{class: classify.ClusterDown, source: classify.SourceCluster, prefix: "CLUSTERDOWN"})
}
