package examples_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// TestPrepareRefusedReadOnly: an example's setup (DEL, then writes) never
// reaches a server through a read-only session, whoever calls it.
func TestPrepareRefusedReadOnly(t *testing.T) {
	srv := sandboxtest.StartT(t)
	ctx := context.Background()
	c := srv.Client()
	defer c.Close()
	e, err := examples.Get("stock-decrement")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, e.Keys[0], "PRECIOUS PROD VALUE", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := examples.Prepare(ctx, s, e); !errors.Is(err, redisx.ErrReadOnlyAdmin) {
		t.Errorf("Prepare on a read-only session: %v, want ErrReadOnlyAdmin", err)
	}
	if v, _ := c.Get(ctx, e.Keys[0]).Result(); v != "PRECIOUS PROD VALUE" {
		t.Errorf("the setup changed the key: %q", v)
	}
}

// TestACLExampleAsItsUser holds acl-error-in-script to what its lesson
// says, on the server this run uses: run as lesson-reader the script's
// SET is refused with ERR and the server's text (what Expect holds for
// it); the same user's SET outside a script is NOPERM; redis.acl_check_cmd
// answers false for it, true for the default user; and as the default
// user the script's SET goes through. AsUser refuses a cluster.
func TestACLExampleAsItsUser(t *testing.T) {
	srv := sandboxtest.StartT(t)
	ctx := context.Background()
	e, err := examples.Get("acl-error-in-script")
	if err != nil {
		t.Fatal(err)
	}
	s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := examples.Prepare(ctx, s, e); err != nil {
		t.Fatal(err)
	}
	u, err := examples.AsUser(ctx, s, e)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	call := redisx.Call{Script: redisx.NewScript(e.Source), Keys: e.Keys, Strategy: redisx.EvalshaLoad}
	res := u.Run(ctx, call, nil)
	if res.Reply == nil {
		t.Fatalf("as %s: no reply: %+v", e.User, res)
	}
	got := string(res.Reply.Str)
	want := e.ExpectedOn(srv.Describe(), 2)
	if !strings.HasPrefix(got, "ERR ") || !strings.Contains(want, got) {
		t.Errorf("as %s on %s: %q, want %s", e.User, srv.Describe(), got, want)
	}
	// Outside a script the same user is told NOPERM.
	c := srv.Client(func(o *redis.Options) { o.Username, o.Password = e.User, e.Password })
	defer c.Close()
	if err := c.Set(ctx, e.Keys[0], "x", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
		t.Errorf("SET as %s outside a script: %v, want NOPERM", e.User, err)
	}
	// redis.acl_check_cmd asks without failing.
	check := "return redis.acl_check_cmd('SET', KEYS[1], 'v') and 'yes' or 'no'"
	if v, err := c.Eval(ctx, check, e.Keys).Text(); err != nil || v != "no" {
		t.Errorf("acl_check_cmd as %s: %q %v, want no", e.User, v, err)
	}
	admin := srv.Client()
	defer admin.Close()
	if v, err := admin.Eval(ctx, check, e.Keys).Text(); err != nil || v != "yes" {
		t.Errorf("acl_check_cmd as default: %q %v, want yes", v, err)
	}
	// As a user who may write, the SET goes through.
	res = s.Run(ctx, call, nil)
	if res.Reply == nil || !strings.Contains(string(res.Reply.Str), "went through") {
		t.Errorf("as the default user: %+v", res.Reply)
	}
	if v, _ := admin.Get(ctx, e.Keys[0]).Result(); v != "final" {
		t.Errorf("after the default user's run: %q", v)
	}
	// On a cluster the user would exist on one node only.
	cs, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2, Cluster: true})
	if err == nil {
		defer cs.Close()
		if _, err := examples.AsUser(ctx, cs, e); !errors.Is(err, examples.ErrUserOnCluster) {
			t.Errorf("AsUser on a cluster target: %v", err)
		}
	}
}
