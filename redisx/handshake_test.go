package redisx

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"luascope/redisx/classify"
	"luascope/redisx/fakeserver"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
	"luascope/tools/rttproxy"
)

// proxied is a round-trip counting proxy (no delay) in front of srv.
func proxied(t *testing.T, srv *sandbox.Server) *rttproxy.Proxy {
	t.Helper()
	if srv.Network() != "tcp" {
		t.Skip("the proxy is TCP")
	}
	p, err := rttproxy.Start(srv.Addr(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

const warmScript = "return redis.call('incr', KEYS[1])"

// loadScript makes warmScript's EVALSHA warm on srv.
func loadScript(t *testing.T, srv *sandbox.Server) {
	t.Helper()
	c := srv.Client()
	defer c.Close()
	if err := c.ScriptLoad(context.Background(), warmScript).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestWarmRunRoundTrips counts round trips at a proxy: a warm run on a
// deferred session is one, as redis-cli's EVAL is (the handshake rides
// on the same write); with Connect it is two (HELLO twice in one write,
// then the script); with a password go-redis's handshake goes alone
// first, one more, and with a database to select its SELECT one more
// again (redis-cli -a and -n wait for AUTH and SELECT too). Every case
// still shows the script's round trip as a step and learns the server.
func TestWarmRunRoundTrips(t *testing.T) {
	srv := sandboxtest.StartT(t)
	loadScript(t, srv)
	aclUser(t, srv, "+@all", "~*")
	cases := []struct {
		name     string
		deferred bool
		mod      func(*Target)
		want     int
	}{
		{"deferred RESP2", true, nil, 1},
		{"deferred RESP3", true, func(t *Target) { t.Protocol = 3 }, 1},
		{"deferred with a password", true, func(t *Target) { t.Username, t.Password = appUser, "apppw" }, 2},
		{"deferred in db 3", true, func(t *Target) { t.DB = 3 }, 3},
		{"connect", false, nil, 2},
		{"connect with a password", false, func(t *Target) { t.Username, t.Password = appUser, "apppw" }, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := proxied(t, srv)
			tg := Target{Network: "tcp", Addr: p.Addr(), Protocol: 2}
			if c.mod != nil {
				c.mod(&tg)
			}
			var s *Session
			var err error
			if c.deferred {
				s, err = ConnectDeferred(tg)
			} else {
				s, err = Connect(context.Background(), tg)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			res := s.Run(context.Background(), Call{Script: NewScript(warmScript), Keys: []string{"rt:" + c.name}}, nil)
			if res.ClientErr != nil || res.Error != nil || res.Reply == nil || res.Reply.Kind != resp.Integer || res.Reply.Int != 1 {
				t.Fatalf("run: reply %v, error %+v, client error %v", res.Reply, res.Error, res.ClientErr)
			}
			if len(res.Steps) != 1 || res.Steps[0].Args[0] != "EVALSHA" {
				t.Errorf("steps %+v, want the one EVALSHA", res.Steps)
			}
			if got := p.RoundTrips(); got != c.want || p.Conns() != 1 {
				t.Errorf("%d round trips on %d connections, want %d on 1", got, p.Conns(), c.want)
			}
			in := s.Info()
			if in.Version != srv.Version() || in.Mode != "standalone" || in.Role != "master" || in.Protocol != max(tg.Protocol, 2) || in.Addr != p.Addr() {
				t.Errorf("info %+v", in)
			}
		})
	}
}

// The script ran in the database the user named, not in 0 (go-redis's
// SELECT comes after its HELLO: no ride there).
func TestDeferredRunsInItsDatabase(t *testing.T) {
	srv := sandboxtest.StartT(t)
	s, err := ConnectDeferred(Target{Network: srv.Network(), Addr: srv.Addr(), DB: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if res := s.Run(context.Background(), Call{Script: NewScript("return redis.call('set', KEYS[1], 'x')"), Keys: []string{"db5"}}, nil); res.Error != nil || res.ClientErr != nil {
		t.Fatalf("%+v %v", res.Error, res.ClientErr)
	}
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	if n, _ := c.Exists(ctx, "db5").Result(); n != 0 {
		t.Error("the script ran in database 0")
	}
	if err := c.Do(ctx, "SELECT", 5).Err(); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Exists(ctx, "db5").Result(); n != 1 {
		t.Error("the key is not in database 5")
	}
}

// A deferred handshake that is refused or gets no answer fails the run
// with the *ConnectError Connect would have returned, classified the
// same, and the script does not run.
func TestDeferredHandshakeFailures(t *testing.T) {
	srv := sandboxtest.StartT(t, "requirepass pw")
	silent := fake(t, "", fakeserver.Silent())
	cases := []struct {
		name  string
		tg    Target
		class classify.Class
		text  string
	}{
		{"no password", Target{Network: srv.Network(), Addr: srv.Addr()}, classify.Auth, "NOAUTH"},
		{"wrong password", Target{Network: srv.Network(), Addr: srv.Addr(), Password: "nope"}, classify.Auth, "WRONGPASS"},
		{"silent server", Target{Network: "tcp", Addr: silent.Addr(), Timeout: 200 * time.Millisecond}, classify.Timeout, "timed out during the handshake"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, connErr := Connect(context.Background(), c.tg)
			s, err := ConnectDeferred(c.tg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			start := time.Now()
			res := s.Run(context.Background(), Call{Script: NewScript("return redis.call('set', 'ran', 1)"), Strategy: EvalOnly}, nil)
			var ce *ConnectError
			if !errors.As(res.ClientErr, &ce) {
				t.Fatalf("client error %v (%T), want a *ConnectError", res.ClientErr, res.ClientErr)
			}
			if got := classify.ClassifyError(ce).Class; got != c.class {
				t.Errorf("classified %s, want %s", got, c.class)
			}
			if !strings.Contains(ce.Error(), c.text) {
				t.Errorf("error %q, want %q in it", ce, c.text)
			}
			if connErr == nil || ce.Error() != connErr.Error() {
				t.Errorf("deferred: %q\nConnect:  %v", ce, connErr)
			}
			if c.class == classify.Timeout {
				if !errors.Is(ce, ErrHandshakeTimeout) || time.Since(start) > 3*time.Second {
					t.Errorf("not the handshake timeout: %v", ce)
				}
				return
			}
			cl := srv.Client()
			defer cl.Close()
			if err := cl.Do(context.Background(), "AUTH", "pw").Err(); err != nil {
				t.Fatal(err)
			}
			if n, _ := cl.Exists(context.Background(), "ran").Result(); n != 0 {
				t.Error("the script ran")
			}
		})
	}
}

// An ACL user without PING or INFO: the deferred handshake asks nothing
// HELLO does not tell, and ACL LOG stays empty.
func TestDeferredACLUser(t *testing.T) {
	srv := sandboxtest.StartT(t)
	aclUser(t, srv, "-@all", "+evalsha", "+eval", "~rate:*")
	for _, proto := range []int{2, 3} {
		s, err := ConnectDeferred(Target{Network: "tcp", Addr: srv.Addr(), Username: appUser, Password: "apppw", Protocol: proto})
		if err != nil {
			t.Fatal(err)
		}
		res := s.Run(context.Background(), Call{Script: NewScript("return KEYS[1]"), Keys: []string{"rate:1"}, Strategy: EvalshaEval}, nil)
		if res.Error != nil || res.ClientErr != nil || string(res.Reply.Str) != "rate:1" {
			t.Errorf("RESP%d: %+v %v", proto, res.Error, res.ClientErr)
		}
		if in := s.Info(); in.Version != srv.Version() || in.Protocol != proto {
			t.Errorf("RESP%d: info %+v", proto, in)
		}
		if log := aclLog(t, srv); len(log) != 0 {
			t.Errorf("RESP%d: ACL LOG %v", proto, log)
		}
		_ = s.Close()
	}
}

// A server before 6.0 has no HELLO: go-redis goes on in RESP2, the
// command that rode on HELLO is answered, and INFO server tells the
// version, on a round trip of its own.
func TestDeferredServerWithoutHello(t *testing.T) {
	addr := oldServer(t)
	s, err := ConnectDeferred(Target{Network: "tcp", Addr: addr, Protocol: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
	if res.ClientErr != nil || res.Reply == nil || res.Reply.Int != 1 || len(res.Steps) != 1 {
		t.Fatalf("reply %v, steps %d, err %v", res.Reply, len(res.Steps), res.ClientErr)
	}
	if in := s.Info(); in.Version != "5.0.14" || in.Protocol != 2 {
		t.Errorf("info %+v", in)
	}
}

// oldServer answers like Redis 5: no HELLO, INFO server, EVALSHA → 1.
func oldServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := resp.NewReader(c)
				for {
					v, err := r.Read()
					if err != nil {
						return
					}
					var out string
					switch strings.ToUpper(string(v.Elems[0].Str)) {
					case "HELLO":
						out = "-ERR unknown command 'HELLO'\r\n"
					case "INFO":
						body := "# Server\r\nredis_version:5.0.14\r\nredis_mode:standalone\r\n"
						out = "$" + strconv.Itoa(len(body)) + "\r\n" + body + "\r\n"
					default:
						out = ":1\r\n"
					}
					if _, err := c.Write([]byte(out)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// shortHandshake makes the default handshake deadline short for one test.
func shortHandshake(t *testing.T, d time.Duration) {
	old := defaultHandshakeTimeout
	defaultHandshakeTimeout = d
	t.Cleanup(func() { defaultHandshakeTimeout = old })
}

// A script rode on HELLO and a silent server answers neither: when the
// handshake deadline passes, the probe finds no server either, and the
// run fails as Connect would, a handshake timeout (after two deadlines).
func TestDeferredRideSilentServer(t *testing.T) {
	shortHandshake(t, 200*time.Millisecond)
	silent := fake(t, "", fakeserver.Silent())
	s, err := ConnectDeferred(Target{Network: "tcp", Addr: silent.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
	var ce *ConnectError
	if !errors.As(res.ClientErr, &ce) || !errors.Is(ce, ErrHandshakeTimeout) {
		t.Fatalf("client error %v, want a handshake timeout", res.ClientErr)
	}
	if !strings.Contains(ce.Error(), "second connection") || classify.ClassifyError(ce).Class != classify.Timeout {
		t.Errorf("error %q: it must say the probe got no answer either", ce)
	}
}

// A script that rode on HELLO runs longer than the handshake deadline:
// the server answers HELLO only with the script's reply, so the deadline
// passes with nothing read; the probe gets BUSY from the server (past
// its busy threshold), so the run waits on and gets its reply.
func TestDeferredRideLongScript(t *testing.T) {
	shortHandshake(t, 300*time.Millisecond)
	srv := sandboxtest.StartT(t, "lua-time-limit 100")
	if srv.Network() != "tcp" {
		t.Skip("tcp only")
	}
	s, err := ConnectDeferred(Target{Network: "tcp", Addr: srv.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	long := "local t = redis.call('time'); local s = t[1] * 1000000 + t[2]; " +
		"while true do local n = redis.call('time'); if n[1] * 1000000 + n[2] - s > 900000 then return 7 end end"
	res := s.Run(context.Background(), Call{Script: NewScript(long), Strategy: EvalOnly}, nil)
	if res.ClientErr != nil || res.Reply == nil || res.Reply.Int != 7 {
		t.Fatalf("reply %v, client error %v", res.Reply, res.ClientErr)
	}
	if in := s.Info(); in.Version != srv.Version() {
		t.Errorf("info %+v", in)
	}
}
