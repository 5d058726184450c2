package sandbox

import (
	"context"
	"fmt"
	"time"
)

// poll calls check with a short backoff until it reports done, returning
// check's last reason when ctx ends: "timed out" alone does not say which
// node was behind. Without a deadline on ctx it gives up after limit.
func poll(ctx context.Context, limit time.Duration, check func(context.Context) (done bool, reason string)) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	wait := 5 * time.Millisecond
	reason := "not checked yet"
	for {
		ok, why := check(ctx)
		if ok {
			return nil
		}
		if why != "" {
			reason = why
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", reason, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 100*time.Millisecond)
	}
}
