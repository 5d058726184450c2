package sandboxtest

import (
	"context"
	"testing"

	"luascope/redisx/sandbox"
)

// ACLUser creates (or resets) the ACL user name with password pw and the
// given rules on srv, and empties ACL LOG, so that a test can count the
// refusals its own actions caused: the restricted users applications
// are given (`-@all +evalsha +eval ~rate:*`) are where production differs
// from a sandbox.
func ACLUser(tb testing.TB, srv *sandbox.Server, name, pw string, rules ...string) {
	tb.Helper()
	c := srv.Client()
	defer c.Close()
	args := []any{"ACL", "SETUSER", name, "reset", "on", ">" + pw}
	for _, r := range rules {
		args = append(args, r)
	}
	if err := c.Do(context.Background(), args...).Err(); err != nil {
		tb.Fatal(err)
	}
	if err := c.Do(context.Background(), "ACL", "LOG", "RESET").Err(); err != nil {
		tb.Fatal(err)
	}
}
