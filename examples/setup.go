package examples

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"luascope/redisx"
	"luascope/redisx/resp"
)

// SetupCommand sends one setup command on the session's admin connection;
// in a cluster it follows one MOVED to the node serving the key (an
// example's keys share a slot, so one redirect is all it can take). moved
// is the node it went to after a MOVED, or "".
func SetupCommand(ctx context.Context, s *redisx.Session, c []string) (v *resp.Value, moved string, err error) {
	args := make([]any, len(c))
	for i, a := range c {
		args[i] = a
	}
	v, err = s.Admin(ctx, args...)
	if err != nil || v.Kind != resp.Error {
		return v, "", err
	}
	if kind, _, addr, ok := redisx.ParseRedirect(string(v.Str)); ok && kind == "MOVED" {
		v, err = s.OnNode(ctx, addr, args...)
		return v, addr, err
	}
	return v, "", nil
}

// Prepare runs an example's setup (its own DEL and writes) so it can be
// run again and again; the first failing command stops it.
func Prepare(ctx context.Context, s *redisx.Session, e Example) error {
	for _, c := range e.Setup {
		v, _, err := SetupCommand(ctx, s, c)
		if err == nil && v.Kind == resp.Error {
			err = errors.New(string(v.Str))
		}
		if err != nil {
			return fmt.Errorf("example %s: setup %s: %w", e.Name, strings.Join(c, " "), err)
		}
	}
	return nil
}
