package sandboxtest_test

import (
	"context"
	"testing"
	"time"

	"luascope/redisx/sandbox/sandboxtest"
)

// TestSpinLua checks on whichever server this run uses that the spin
// lasts at least as long as asked and ends (a loop on TIME alone lasts
// 5 s on Redis 8.0 and Valkey 8.1).
func TestSpinLua(t *testing.T) {
	srv := sandboxtest.StartT(t)
	c := srv.Client()
	defer c.Close()
	const d = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	begin := time.Now()
	if err := c.Eval(ctx, sandboxtest.SpinLua(d)+" return 1", nil).Err(); err != nil {
		t.Fatalf("%s: %v", srv.Describe(), err)
	}
	if took := time.Since(begin); took < d {
		t.Errorf("%s: the spin took %v, want at least %v", srv.Describe(), took, d)
	}
}
