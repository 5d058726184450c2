package redisx

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"luascope/redisx/classify"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// appUser is the ACL user applications are given: scripts, nothing else.
const appUser = "app"

func aclLog(t *testing.T, srv *sandbox.Server) []any {
	t.Helper()
	c := srv.Client()
	defer c.Close()
	v, err := c.Do(context.Background(), "ACL", "LOG").Slice()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// An application's ACL user (no PING, no INFO, no CLUSTER, no SCRIPT
// EXISTS) connects, runs, and leaves nothing in ACL LOG but what the
// strategy itself was refused.
func TestACLUserWithoutPing(t *testing.T) {
	srv := sandboxtest.StartT(t)
	aclUser(t, srv, "-@all", "+evalsha", "+eval", "~rate:*")
	for _, proto := range []int{2, 3} {
		aclUser(t, srv, "-@all", "+evalsha", "+eval", "~rate:*") // and a clean ACL LOG
		s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr(), Username: appUser, Password: "apppw", Protocol: proto})
		if err != nil {
			t.Fatalf("RESP%d: connect: %v", proto, err)
		}
		if in := s.Info(); in.Version == "unknown" || in.Mode != "standalone" || in.Protocol != proto {
			t.Errorf("RESP%d: info %+v", proto, in)
		}
		if log := aclLog(t, srv); len(log) != 0 {
			t.Errorf("RESP%d: the handshake left %d ACL LOG entries: %v", proto, len(log), log)
		}
		res := s.Run(context.Background(), Call{Script: NewScript("return KEYS[1]"), Keys: []string{"rate:1"}, Strategy: EvalshaEval}, nil)
		if res.Error != nil || res.Reply == nil || string(res.Reply.Str) != "rate:1" {
			t.Errorf("RESP%d: run: %+v %v", proto, res.Error, res.ClientErr)
		}
		// The default strategy needs SCRIPT LOAD, which this user lacks:
		// refused, said so, and never silently replaced by EVAL.
		res = s.Run(context.Background(), Call{Script: NewScript("return 2"), Strategy: EvalshaLoad}, nil)
		if res.Error == nil || res.Error.Class != classify.NoPerm || !strings.Contains(res.Error.Hint, "evalsha-eval") {
			t.Errorf("RESP%d: evalsha-load: %+v", proto, res.Error)
		}
		for _, st := range res.Steps {
			if st.Args[0] == "EVAL" {
				t.Errorf("RESP%d: fell back to EVAL, which the strategy does not send", proto)
			}
		}
		// SCRIPT EXISTS (asked after every run in the TUI) is refused once,
		// then remembered: ACL LOG does not grow with every run.
		for i := 0; i < 3; i++ {
			if _, err := s.ScriptExists(context.Background(), res.SHA); err == nil || !strings.Contains(err.Error(), "NOPERM") {
				t.Errorf("RESP%d: SCRIPT EXISTS: %v", proto, err)
			}
		}
		// Explain mode's key effects read TYPE, PTTL…: denied once too.
		for i := 0; i < 3; i++ {
			s.Run(context.Background(), Call{Script: NewScript("return 1"), Keys: []string{"rate:1"}, Strategy: EvalshaEval, Effects: true}, nil)
		}
		for _, e := range aclLog(t, srv) {
			m := fmt.Sprint(e)
			if (strings.Contains(m, "object:script|exists") || strings.Contains(m, "object:type")) && !strings.Contains(m, "count:1 ") {
				t.Errorf("RESP%d: a side command denied more than once: %s", proto, m)
			}
		}
		_ = s.Close()
	}
}

// A replica whose master is down and that does not serve stale data:
// connecting works (HELLO is allowed there), an allow-stale script runs.
func TestStaleReplica(t *testing.T) {
	dead := freeAddr(t)
	srv := sandboxtest.StartT(t, "replicaof "+strings.Replace(dead, ":", " ", 1), "replica-serve-stale-data no")
	s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr()})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer s.Close()
	if in := s.Info(); in.Mode != "replica" || in.Role != "slave" {
		t.Errorf("info %+v", in)
	}
	res := s.Run(context.Background(), Call{Script: NewScript("#!lua flags=allow-stale,no-writes\nreturn 'stale ok'")}, nil)
	if res.Error != nil || res.Reply == nil || string(res.Reply.Str) != "stale ok" {
		t.Errorf("allow-stale script: %+v %v", res.Error, res.Reply)
	}
	res = s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
	if res.Error == nil || res.Error.Class != classify.MasterDown || res.ExitCode() != 1 {
		t.Errorf("plain script: %+v", res.Error)
	}
	// allow-stale, but calling a command a stale replica refuses: the hint
	// must not tell the user to add the flag the script already has.
	res = s.Run(context.Background(), Call{Script: NewScript("#!lua flags=allow-stale,no-writes\nreturn redis.call('dbsize')")}, nil)
	if res.Error == nil || res.Error.Class != classify.MasterDown || strings.Contains(res.Error.Hint, "declare read-only scripts allow-stale") {
		t.Errorf("allow-stale script calling DBSIZE: %+v", res.Error)
	}
}

// A server busy with another client's script: luascope connects, and the
// run is classified busy (exit 1), not a connection failure.
func TestBusyServer(t *testing.T) {
	srv := sandboxtest.StartT(t, "busy-reply-threshold 100")
	c := srv.Client()
	defer c.Close()
	done := make(chan error, 1)
	go func() {
		done <- c.Eval(context.Background(), "local t = redis.call('time') local s = tonumber(t[1]) while tonumber(redis.call('time')[1]) < s + 3 do end return 1", nil).Err()
	}()
	time.Sleep(400 * time.Millisecond)
	s, err := Connect(context.Background(), Target{Network: "tcp", Addr: srv.Addr()})
	if err != nil {
		t.Fatalf("connect to a BUSY server: %v", err)
	}
	defer s.Close()
	res := s.Run(context.Background(), Call{Script: NewScript("return 1")}, nil)
	if res.Error == nil || res.Error.Class != classify.Busy || res.ExitCode() != 1 {
		t.Errorf("run: %+v %v", res.Error, res.ClientErr)
	}
	if err := <-done; err != nil {
		t.Errorf("the long script: %v", err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// aclUser makes appUser (password apppw) on srv with rules, ACL LOG empty.
func aclUser(t *testing.T, srv *sandbox.Server, rules ...string) {
	t.Helper()
	sandboxtest.ACLUser(t, srv, appUser, "apppw", rules...)
}
