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

// ErrUserOnCluster is wrapped by AsUser's error on a cluster, where the
// user the setup created exists on one node only.
var ErrUserOnCluster = errors.New("an example that runs as an ACL user needs a standalone server")

// CanRunAsUser says, before any setup is sent, whether e can run on s:
// an example that names a User cannot run on a cluster (ErrUserOnCluster).
func CanRunAsUser(s *redisx.Session, e Example) error {
	if e.User != "" && (s.Info().Mode == "cluster" || s.Target().Cluster) {
		return fmt.Errorf("example %s runs as ACL user %s: %w", e.Name, e.User, ErrUserOnCluster)
	}
	return nil
}

// AsUser opens the connection an example's script runs on when it names
// a User: the session's target (address, TLS, protocol) with the
// example's user and password instead of the session's own. The caller
// closes it. The example's Setup must have run first (Prepare): it
// creates the user.
func AsUser(ctx context.Context, s *redisx.Session, e Example) (*redisx.Session, error) {
	if e.User == "" {
		return nil, fmt.Errorf("example %s names no user", e.Name)
	}
	if err := CanRunAsUser(s, e); err != nil {
		return nil, err
	}
	t := s.Target()
	t.Username, t.Password = e.User, redisx.Secret(e.Password)
	u, err := redisx.Connect(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("example %s: connect as ACL user %s: %w", e.Name, e.User, err)
	}
	return u, nil
}
