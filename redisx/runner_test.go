package redisx_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// startServer starts a private redis-server for one test.
func startServer(t *testing.T, config ...string) *sandbox.Server {
	return sandboxtest.StartT(t, config...)
}

func connect(t *testing.T, srv *sandbox.Server, mod ...func(*redisx.Target)) *redisx.Session {
	t.Helper()
	tg := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2}
	for _, m := range mod {
		m(&tg)
	}
	s, err := redisx.Connect(context.Background(), tg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func resp3(t *redisx.Target) { t.Protocol = 3 }

func names(steps []redisx.Step) string {
	var out []string
	for _, st := range steps {
		name := st.Command[0]
		if name == "SCRIPT" || name == "FUNCTION" {
			name += " " + st.Command[1]
		}
		out = append(out, name+":"+string(st.Outcome))
	}
	return strings.Join(out, " → ")
}

func TestRoundTripsPerStrategy(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	cases := []struct {
		strategy   redisx.Strategy
		cold, warm string
	}{
		{redisx.EvalshaLoad, "EVALSHA:noscript → SCRIPT LOAD:ok → EVALSHA:ok", "EVALSHA:ok"},
		{redisx.EvalshaEval, "EVALSHA:noscript → EVAL:ok", "EVALSHA:ok"},
		{redisx.EvalOnly, "EVAL:ok", "EVAL:ok"},
		{redisx.LoadFirst, "SCRIPT LOAD:ok → EVALSHA:ok", "SCRIPT LOAD:ok → EVALSHA:ok"},
	}
	for i, c := range cases {
		t.Run(string(c.strategy), func(t *testing.T) {
			// A script unique to the case, so the cache starts cold: a fresh server.
			call := redisx.Call{Script: redisx.NewScript("return " + string(rune('1'+i))), Strategy: c.strategy}
			res := s.Run(ctx, call, nil)
			if got := names(res.Steps); got != c.cold {
				t.Errorf("fresh: %s, want %s", got, c.cold)
			}
			if res.Error != nil || res.Reply == nil || res.Reply.Kind != resp.Integer {
				t.Fatalf("fresh run: reply %v error %v", res.Reply, res.Error)
			}
			// EVAL also caches the script, so every strategy is warm now.
			res = s.Run(ctx, call, nil)
			if got := names(res.Steps); got != c.warm {
				t.Errorf("warm: %s, want %s", got, c.warm)
			}
			flush := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('ping')"), Strategy: redisx.EvalOnly}, nil)
			if flush.Error != nil {
				t.Fatal(flush.Error)
			}
			if err := srv.Client().ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			res = s.Run(ctx, call, nil)
			if got := names(res.Steps); got != c.cold {
				t.Errorf("after SCRIPT FLUSH: %s, want %s", got, c.cold)
			}
		})
	}
}

func TestRetryStaysOnTheSameConnection(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	var live []redisx.Step
	res := s.Run(context.Background(), redisx.Call{Script: redisx.NewScript("return 'x'")}, func(st redisx.Step) {
		live = append(live, st)
	})
	if len(live) != 3 || len(res.Steps) != 3 {
		t.Fatalf("steps: live %d, result %d", len(live), len(res.Steps))
	}
	for i, st := range res.Steps {
		if st.Conn == "" || st.Conn != res.Steps[0].Conn {
			t.Errorf("step %d on connection %q, first on %q", i+1, st.Conn, res.Steps[0].Conn)
		}
		if live[i].Outcome != st.Outcome {
			t.Errorf("step %d: live outcome %s, final %s", i+1, live[i].Outcome, st.Outcome)
		}
	}
	if res.Steps[0].Outcome != redisx.OutcomeNoScript || res.Steps[2].Note == "" {
		t.Errorf("steps: %+v", res.Steps)
	}
	if got := string(res.Reply.Str); got != "x" || res.Reply.Kind != resp.Bulk {
		t.Errorf("reply %v", res.Reply)
	}
	if res.SHA != redisx.SHA1("return 'x'") {
		t.Errorf("SHA %s", res.SHA)
	}
}

// TestStatusVersusBulk proves what go-redis cannot show: {ok='x'} is a
// status reply and 'x' a bulk string, although both become the Go string "x".
func TestStatusVersusBulk(t *testing.T) {
	srv := startServer(t)
	for _, proto := range []int{2, 3} {
		s := connect(t, srv, func(tg *redisx.Target) { tg.Protocol = proto })
		ctx := context.Background()
		status := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return {ok='x'}")}, nil)
		bulk := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return 'x'")}, nil)
		if status.Reply.Kind != resp.Status || string(status.Reply.Str) != "x" {
			t.Errorf("RESP%d {ok='x'}: %v", proto, resp.Text(*status.Reply))
		}
		if bulk.Reply.Kind != resp.Bulk || string(bulk.Reply.Str) != "x" {
			t.Errorf("RESP%d 'x': %v", proto, resp.Text(*bulk.Reply))
		}
		if got := s.Info().Protocol; got != proto {
			t.Errorf("Info().Protocol = %d, want %d", got, proto)
		}
	}
}

func TestBinarySafeKeysArgsAndReply(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	var all []byte
	for i := 0; i < 256; i++ {
		all = append(all, byte(i))
	}
	key := "k\x00\r\n\x1b[31m"
	res := s.Run(context.Background(), redisx.Call{
		Script: redisx.NewScript("redis.call('set', KEYS[1], ARGV[1]) return {KEYS[1], redis.call('get', KEYS[1])}"),
		Keys:   []string{key}, Args: []string{string(all)},
	}, nil)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	if len(res.Reply.Elems) != 2 || string(res.Reply.Elems[0].Str) != key || string(res.Reply.Elems[1].Str) != string(all) {
		t.Fatalf("binary round trip lost bytes: %q", resp.Text(*res.Reply))
	}
	for _, st := range res.Steps {
		for _, a := range st.Command {
			if strings.ContainsAny(a, "\x00\x1b\r\n") {
				t.Errorf("step command shows raw control bytes: %q", a)
			}
		}
	}
}

func TestReadOnlyCannotWrite(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('set', KEYS[1], 'v')"), Keys: []string{"k"}, ReadOnly: true}, nil)
	if res.Error == nil || res.Error.Class != classify.WriteDenied {
		t.Fatalf("write in read-only mode: %+v", res.Error)
	}
	for _, st := range res.Steps {
		if st.Command[0] == "EVALSHA" || st.Command[0] == "EVAL" {
			t.Errorf("read-only run sent %s", st.Command[0])
		}
	}
	if n, _ := srv.Client().Exists(ctx, "k").Result(); n != 0 {
		t.Error("the key was written")
	}
	ok := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('get', KEYS[1])"), Keys: []string{"k"}, ReadOnly: true}, nil)
	if ok.Error != nil || ok.Reply.Kind != resp.Nil {
		t.Errorf("read in read-only mode: %+v %v", ok.Error, ok.Reply)
	}
	lib := s.Run(ctx, redisx.Call{Function: "f", Library: "#!lua name=l\nredis.register_function('f', function() return 1 end)", ReadOnly: true}, nil)
	if lib.ClientErr == nil || len(lib.Steps) != 0 {
		t.Errorf("FUNCTION LOAD in read-only mode: %+v", lib)
	}
}

func TestFunctions(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	lib := "#!lua name=demo\nredis.register_function{function_name='hello', callback=function(keys, args) return 'hello ' .. args[1] end, flags={'no-writes'}}"
	res := s.Run(context.Background(), redisx.Call{Function: "hello", Library: lib, Args: []string{"you"}}, nil)
	if got := names(res.Steps); got != "FUNCTION LOAD:ok → FCALL:ok" {
		t.Errorf("steps %s", got)
	}
	if res.Reply == nil || string(res.Reply.Str) != "hello you" {
		t.Fatalf("reply %v err %v", res.Reply, res.Error)
	}
	ro := s.Run(context.Background(), redisx.Call{Function: "hello", Args: []string{"ro"}, ReadOnly: true}, nil)
	if got := names(ro.Steps); got != "FCALL_RO:ok" {
		t.Errorf("read-only steps %s", got)
	}
}

func TestCompileErrorStopsTheRun(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	res := s.Run(context.Background(), redisx.Call{Script: redisx.NewScript("return +")}, nil)
	if got := names(res.Steps); got != "EVALSHA:noscript → SCRIPT LOAD:error" {
		t.Errorf("steps %s", got)
	}
	if res.Error == nil || res.Error.Class != classify.Compile || res.ExitCode() != 1 {
		t.Errorf("error %+v", res.Error)
	}
}

func TestConnectErrors(t *testing.T) {
	srv := startServer(t, "requirepass rightpw")
	ctx := context.Background()
	_, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: srv.Addr(), Password: "wrongpw"})
	if err == nil || !strings.Contains(err.Error(), "authentication failed") || strings.Contains(err.Error(), "wrongpw") {
		t.Errorf("wrong password: %v", err)
	}
	s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: srv.Addr(), Password: "rightpw"})
	if err != nil {
		t.Fatalf("right password: %v", err)
	}
	_ = s.Close()
	_, err = redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: "127.0.0.1:1", DialTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("unreachable: %v", err)
	}
}

func TestServerInfo(t *testing.T) {
	pair, err := sandbox.StartPair(context.Background(), sandbox.Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pair.Stop() })
	p := connect(t, pair.Primary)
	r := connect(t, pair.Replica, resp3)
	if p.Info().Mode != "standalone" || p.Info().Version == "" || p.Info().Flavor == "" {
		t.Errorf("primary info %+v", p.Info())
	}
	if r.Info().Mode != "replica" || r.Info().Protocol != 3 {
		t.Errorf("replica info %+v", r.Info())
	}
	res := r.Run(context.Background(), redisx.Call{Script: redisx.NewScript("return redis.call('set', 'k', 'v')")}, nil)
	if res.Error == nil || res.Error.Class != classify.ReadOnly {
		t.Errorf("write on replica: %+v", res.Error)
	}
}

func TestReconnectAfterServerRestart(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	call := redisx.Call{Script: redisx.NewScript("return 1"), Strategy: redisx.EvalOnly}
	if res := s.Run(ctx, call, nil); res.Error != nil {
		t.Fatal(res.Error)
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	res := s.Run(ctx, call, nil)
	if res.ClientErr == nil || res.Error == nil || res.Error.Class != classify.Connection || res.ExitCode() != 3 {
		t.Fatalf("run on a dead server: %+v", res.Error)
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	res = s.Run(ctx, call, nil)
	if res.Error != nil {
		t.Fatalf("run after restart: %+v", res.Error)
	}
	if !res.Steps[0].Dialed {
		t.Error("the step after a restart should say it opened a new connection")
	}
}

func TestAdminConnection(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	sc := redisx.NewScript("return 42")
	if ok, err := s.ScriptExists(ctx, sc.SHA); err != nil || ok {
		t.Fatalf("before: %v %v", ok, err)
	}
	s.Run(ctx, redisx.Call{Script: sc}, nil)
	if ok, err := s.ScriptExists(ctx, sc.SHA); err != nil || !ok {
		t.Fatalf("after run: %v %v", ok, err)
	}
	s.SetReadOnly(true)
	if _, err := s.Admin(ctx, "SCRIPT", "FLUSH"); err != redisx.ErrReadOnlyAdmin {
		t.Errorf("SCRIPT FLUSH in read-only mode: %v", err)
	}
	if _, err := s.Admin(ctx, "script", "kill"); err != redisx.ErrReadOnlyAdmin {
		t.Errorf("SCRIPT KILL in read-only mode: %v", err)
	}
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('set','k','v')"), Strategy: redisx.EvalOnly}, nil)
	if res.Steps[0].Command[0] != "EVAL_RO" {
		t.Errorf("read-only session sent %s", res.Steps[0].Command[0])
	}
	s.SetReadOnly(false)
	v, err := s.Admin(ctx, "SCRIPT", "FLUSH")
	if err != nil || v.Kind != resp.Status {
		t.Fatalf("SCRIPT FLUSH: %v %v", v, err)
	}
	if ok, _ := s.ScriptExists(ctx, sc.SHA); ok {
		t.Error("still cached after SCRIPT FLUSH")
	}
}

func TestCloseDoesNotWaitForARunningScript(t *testing.T) {
	srv := startServer(t, "busy-reply-threshold 100")
	s := connect(t, srv)
	done := make(chan redisx.Result)
	go func() {
		done <- s.Run(context.Background(), redisx.Call{
			Script:   redisx.NewScript("local t = redis.call('time') while tonumber(redis.call('time')[1]) < t[1] + 3 do end return 1"),
			Strategy: redisx.EvalOnly,
		}, nil)
	}()
	// Close must come while the script runs: wait until the server says
	// BUSY to another client (after busy-reply-threshold), not a guess.
	other := srv.Client()
	defer other.Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if err := other.Ping(context.Background()).Err(); err != nil && strings.HasPrefix(err.Error(), "BUSY") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the script never ran: no BUSY within 5s")
		}
	}
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close waited for the running script")
	}
	res := <-done
	if res.ClientErr == nil {
		t.Errorf("the run should end with a client error after Close: %+v", res.Error)
	}
}

func TestPcallErrorIsTheCommands(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	srv.Client().Set(context.Background(), "str", "hello", 0)
	res := s.Run(context.Background(), redisx.Call{Script: redisx.NewScript(`return redis.pcall("incr", "str")`), Strategy: redisx.EvalOnly}, nil)
	if res.Error == nil || res.Error.Class != classify.Command {
		t.Errorf("pcall error: %+v", res.Error)
	}
}

func TestFailedDialShowsNoConnection(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	call := redisx.Call{Script: redisx.NewScript("return 1"), Strategy: redisx.EvalOnly}
	s.Run(context.Background(), call, nil)
	_ = srv.Stop()
	// The pooled connection breaks first (EOF); the next run must dial.
	s.Run(context.Background(), call, nil)
	res := s.Run(context.Background(), call, nil)
	if len(res.Steps) != 1 || res.Steps[0].Outcome != redisx.OutcomeFailed {
		t.Fatalf("steps %+v", res.Steps)
	}
	if res.Steps[0].Conn != "" || res.Error.Class != classify.Connection || !strings.Contains(res.Error.Hint, "did not run") {
		t.Errorf("step %+v, error %+v", res.Steps[0], res.Error)
	}
}

func TestAdminIsSafeConcurrently(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	done := make(chan error, 40)
	for i := 0; i < 40; i++ {
		go func(i int) {
			v, err := s.Admin(context.Background(), "ECHO", strings.Repeat("x", i*100))
			if err == nil && len(v.Str) != i*100 {
				err = fmt.Errorf("reply of %d bytes for %d", len(v.Str), i*100)
			}
			done <- err
		}(i)
	}
	for i := 0; i < 40; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
