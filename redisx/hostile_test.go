package redisx

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"luascope/redisx/classify"
	"luascope/redisx/fakeserver"
	"luascope/redisx/resp"
)

// fake starts an in-process server that answers HELLO like Redis and
// every other command with reply.
func fake(t *testing.T, reply string, opts ...fakeserver.Option) *fakeserver.Server {
	t.Helper()
	s, err := fakeserver.Start(func([]string) []byte { return []byte(reply) }, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Replies no real server sends must end as a classified connection
// error, never as an allocation that kills the process.
func TestHostileHeaders(t *testing.T) {
	cases := map[string]string{
		"bulk of a terabyte":  "$999999999999\r\n",
		"array of 2^31":       "*2147483647\r\n",
		"map of 2^31":         "%2147483647\r\n",
		"set of 2^31":         "~2147483647\r\n",
		"blob error of 2^40":  "!1099511627776\r\n",
		"nested huge arrays":  strings.Repeat("*16000000\r\n", 8),
		"nesting of 10^5":     strings.Repeat("*1\r\n", 100_000) + ":1\r\n",
		"garbage":             "HTTP/1.1 400 Bad Request\r\n\r\n",
		"length not a number": "$abc\r\n",
	}
	for name, reply := range cases {
		for _, proto := range []int{2, 3} {
			srv := fake(t, reply)
			s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr(), Protocol: proto})
			if err != nil {
				t.Fatalf("%s: connect: %v", name, err)
			}
			res := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
			var pe *resp.ProtocolError
			if !errors.As(res.ClientErr, &pe) {
				t.Errorf("%s (RESP%d): client error %v, want a resp.ProtocolError", name, proto, res.ClientErr)
			}
			if res.Error == nil || res.Error.Class != classify.Connection || res.ExitCode() != 3 {
				t.Errorf("%s (RESP%d): classified %+v, exit %d; want connection, exit 3", name, proto, res.Error, res.ExitCode())
			}
			// The session survives: the next run gets a new connection (and
			// the same refusal), not a hang on the poisoned one.
			again := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
			if !errors.As(again.ClientErr, &pe) {
				t.Errorf("%s: second run: %v", name, again.ClientErr)
			}
			_ = s.Close()
		}
	}
}

// Deep but valid replies are shown: Redis's own deepest (a Lua table
// that contains itself) is about 8,000 levels.
func TestDeepReply(t *testing.T) {
	for _, depth := range []int{1001, 7995, resp.MaxDepth - 1} {
		srv := fake(t, strings.Repeat("*1\r\n", depth)+"-ERR reached lua stack limit\r\n")
		s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr()})
		if err != nil {
			t.Fatal(err)
		}
		res := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
		if res.ClientErr != nil || res.Reply == nil {
			t.Fatalf("depth %d: %v", depth, res.ClientErr)
		}
		got, v := 0, res.Reply
		for v.Kind == resp.Array {
			got, v = got+1, &v.Elems[0]
		}
		if got != depth || v.Kind != resp.Error {
			t.Errorf("depth %d: decoded %d levels ending in %v", depth, got, v.Kind)
		}
		if txt := resp.Text(*res.Reply); !strings.HasSuffix(strings.TrimSpace(txt), "(error) ERR reached lua stack limit") {
			t.Errorf("depth %d: text ends %q", depth, txt[max(0, len(txt)-80):])
		}
		_ = s.Close()
	}
}

// A reply go-redis refuses to parse is still shown from the wire bytes.
func TestMalformedBigNumberShown(t *testing.T) {
	srv := fake(t, "(123  123\r\n")
	s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr(), Protocol: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
	if res.ClientErr != nil || res.Reply == nil || res.Reply.Kind != resp.BigNumber || string(res.Reply.Str) != "123  123" {
		t.Fatalf("reply %v, err %v; want (bignum) 123  123", res.Reply, res.ClientErr)
	}
}

// A server that accepts and never answers: the handshake gives up.
func TestHandshakeTimeout(t *testing.T) {
	srv := fake(t, "", fakeserver.Silent())
	_, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr(), Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrHandshakeTimeout) {
		t.Fatalf("err = %v, want ErrHandshakeTimeout", err)
	}
	if c := classify.ClassifyError(err); c.Class != classify.Timeout {
		t.Errorf("classified %s, want timeout", c.Class)
	}
	if !strings.Contains(err.Error(), "timed out during the handshake") || strings.Contains(err.Error(), "timed out: timed out") {
		t.Errorf("message %q", err)
	}
	if c := classify.ClassifyError(err); !strings.Contains(c.Hint, "no script was sent") {
		t.Errorf("hint %q: nothing was sent, it must not suggest the script may still run", c.Hint)
	}
}

// The handshake is HELLO only: no PING, no INFO, no CLIENT commands that
// an application's ACL user may not run (Redis answers HELLO for all).
func TestHandshakeIsHelloOnly(t *testing.T) {
	srv := fake(t, "-NOPERM this user has no permissions to run this command\r\n")
	for _, proto := range []int{2, 3} {
		s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr(), Protocol: proto})
		if err != nil {
			t.Fatalf("RESP%d: %v", proto, err)
		}
		if in := s.Info(); in.Version != "7.0.15" || in.Protocol != proto || in.Mode != "standalone" || in.Role != "master" {
			t.Errorf("RESP%d: info %+v", proto, in)
		}
		_ = s.Close()
	}
	for _, c := range srv.Commands() {
		if c[0] != "HELLO" {
			t.Errorf("handshake sent %q", c)
		}
	}
}

// A redirect luascope refuses to follow says so, instead of advising a
// cluster client that would follow it.
func TestRefusedRedirectHint(t *testing.T) {
	srv := fake(t, "-MOVED 3999 \x1b]52;c;aGk=\x07:1\r\n")
	s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr(), Cluster: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := s.Run(context.Background(), Call{Script: NewScript("return 1"), Keys: []string{"k"}}, nil)
	if res.Error == nil || res.Error.Class != classify.Moved || !strings.Contains(res.Error.Hint, "did not follow") {
		t.Fatalf("%+v", res.Error)
	}
	if len(res.Steps) != 1 {
		t.Errorf("%d steps: the redirect was followed", len(res.Steps))
	}
}

// An error no server writes, in answer to EVALSHA, is most likely the
// script's own — but a proxy's is possible, and the hint says so.
func TestUnknownErrorHintHedges(t *testing.T) {
	srv := fake(t, "-ERR Proxy error: backend unavailable\r\n")
	s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
	if res.Error == nil || !strings.Contains(res.Error.Hint, "proxy") {
		t.Fatalf("%+v", res.Error)
	}
}
