package examples_test

import (
	"context"
	"errors"
	"testing"

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
