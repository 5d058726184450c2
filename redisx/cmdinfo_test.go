package redisx_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"luascope/redisx"
	"luascope/redisx/resp"
)

// TestCommandReadOnly: the server's own flags decide, subcommands by
// their own flags, and anything that cannot be decided is not readonly.
func TestCommandReadOnly(t *testing.T) {
	for _, proto := range []int{2, 3} {
		srv := startServer(t)
		s := connect(t, srv, func(tg *redisx.Target) { tg.Protocol = proto })
		ctx := context.Background()
		cases := []struct {
			args []string
			ro   bool
			err  string
		}{
			{[]string{"GET", "k"}, true, ""},
			{[]string{"get"}, true, ""},
			{[]string{"SET", "k", "v"}, false, ""},
			{[]string{"DEL", "k"}, false, ""},
			{[]string{"PUBLISH", "ch", "m"}, false, ""}, // may-replicate: reaches subscribers
			{[]string{"OBJECT", "ENCODING", "k"}, true, ""},
			{[]string{"object", "help"}, false, ""},
			{[]string{"CONFIG", "SET", "maxmemory", "1"}, false, ""},
			{[]string{"OBJECT"}, false, "needs a subcommand"},
			{[]string{"OBJECT", "NOSUCH"}, false, "does not know"},
			{[]string{"NOSUCHCOMMAND", "x"}, false, "does not know"},
		}
		for _, c := range cases {
			ro, err := s.CommandReadOnly(ctx, c.args...)
			if ro != c.ro || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
				t.Errorf("RESP%d %q: %v %v, want %v %q", proto, c.args, ro, err, c.ro, c.err)
			}
		}
		if _, err := s.CommandReadOnly(ctx, "nosuchcommand"); !errors.Is(err, redisx.ErrCommandUnknown) {
			t.Errorf("unknown command: %v", err)
		}
		// Remembered: six known names asked once each (get, set, del,
		// publish, object, config); the unknown one is asked each time.
		v, err := s.Admin(ctx, "INFO", "commandstats")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(v.Str), "cmdstat_command|info:calls=8,") {
			t.Errorf("COMMAND INFO not remembered (want 8 calls):\n%s", v.Str)
		}
	}
}

// TestCommandReadOnlyDenied: a user who may not ask COMMAND INFO gets no
// answer, which is a refusal, never a yes.
func TestCommandReadOnlyDenied(t *testing.T) {
	srv := startServer(t)
	admin := srv.Client()
	defer admin.Close()
	ctx := context.Background()
	if err := admin.Do(ctx, "ACL", "SETUSER", "nocmd", "on", ">pw", "~*", "+@all", "-command").Err(); err != nil {
		t.Fatal(err)
	}
	s := connect(t, srv, func(tg *redisx.Target) { tg.Username, tg.Password = "nocmd", "pw" })
	ro, err := s.CommandReadOnly(ctx, "GET", "k")
	if ro || err == nil || !strings.Contains(err.Error(), "NOPERM") {
		t.Errorf("COMMAND denied: %v %v, want false and the NOPERM", ro, err)
	}
}

// TestReadOnlyAdminSendsOnlyReads: in read-only mode the side connections
// send what is known to only read, and refuse the rest — an example's
// setup included — before anything reaches the server.
func TestReadOnlyAdminSendsOnlyReads(t *testing.T) {
	srv := startServer(t)
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "precious", "PRECIOUS PROD VALUE", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s := connect(t, srv)
	s.SetReadOnly(true)
	for _, args := range [][]any{
		{"DEL", "precious"}, {"SET", "precious", "5"}, {"HSET", "h", "f", "v"}, {"FLUSHALL"},
		{"SHUTDOWN", "NOSAVE"}, {"SCRIPT", "FLUSH"}, {"FUNCTION", "DELETE", "x"}, {"CONFIG", "SET", "maxmemory", "1"},
		{"PUBLISH", "ch", "m"}, {"EVAL", "return 1", "0"},
	} {
		if _, err := s.Admin(ctx, args...); !errors.Is(err, redisx.ErrReadOnlyAdmin) {
			t.Errorf("Admin %v in read-only mode: %v", args, err)
		}
		if _, err := s.OnNode(ctx, srv.Addr(), args...); !errors.Is(err, redisx.ErrReadOnlyAdmin) {
			t.Errorf("OnNode %v in read-only mode: %v", args, err)
		}
	}
	if v, _ := c.Get(ctx, "precious").Result(); v != "PRECIOUS PROD VALUE" {
		t.Fatalf("read-only changed the key: %q", v)
	}
	for _, args := range [][]any{{"GET", "precious"}, {"TYPE", "precious"}, {"SCRIPT", "LOAD", "return 1"}, {"COMMAND", "INFO", "get"}} {
		v, err := s.Admin(ctx, args...)
		if err != nil || v.Kind == resp.Error {
			t.Errorf("Admin %v in read-only mode: %v %v", args, v, err)
		}
	}
	// The effects snapshot only reads: it still works.
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('get', KEYS[1])"), Keys: []string{"precious"}, Effects: true}, nil)
	if res.Error != nil || len(res.Effects) != 1 || res.Effects[0].Before.Preview != `"PRECIOUS PROD VALUE"` {
		t.Errorf("effects in read-only mode: %+v %+v", res.Error, res.Effects)
	}
}
