package redisx_test

import (
	"context"
	"strings"
	"testing"

	"luascope/redisx"
)

func TestEffects(t *testing.T) {
	srv := startServer(t)
	s := connect(t, srv)
	ctx := context.Background()
	c := srv.Client()
	c.Set(ctx, "e:str", "before", 0)
	c.RPush(ctx, "e:gone", "x")
	c.Set(ctx, "e:big", strings.Repeat("v", 1<<20), 0)
	c.Set(ctx, "e:same", "1", 0)
	res := s.Run(ctx, redisx.Call{
		Script: redisx.NewScript(`redis.call('set', KEYS[1], 'after!') redis.call('del', KEYS[2])
redis.call('hset', KEYS[3], 'f', 'v') redis.call('expire', KEYS[3], 100) redis.call('append', KEYS[4], 'w') return 1`),
		Keys:    []string{"e:str", "e:gone", "e:new", "e:big", "e:same"},
		Effects: true,
	}, nil)
	if res.Error != nil || len(res.Effects) != 5 {
		t.Fatalf("%+v %d", res.Error, len(res.Effects))
	}
	got := func(i int) string { return strings.Join(res.Effects[i].Changes, ", ") }
	if got(0) != "value changed" {
		t.Errorf("e:str: %q", got(0))
	}
	if got(1) != "deleted" || got(2) != "created (hash), expires in 1m40s" || got(3) != "size 1048576 → 1048577" || got(4) != "" {
		t.Errorf("effects: %q | %q | %q | %q", got(1), got(2), got(3), got(4))
	}
	// A 1 MiB value is previewed, never fetched whole.
	if p := res.Effects[3].After.Preview; len(p) > 100 {
		t.Errorf("preview of %d bytes", len(p))
	}
	// Snapshots are not steps of the run.
	if len(res.Steps) != 3 {
		t.Errorf("steps %d", len(res.Steps))
	}
}
