package batch

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// appUser is the ACL user applications are given: scripts, nothing else.
const appUser = "app"

// -c with a user that may not run CLUSTER NODES (nor INFO): the session
// still knows it is a cluster, and a batch routes by MOVED.
func TestClusterACLUserBatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cl := sandboxtest.StartClusterT(t)
	for _, n := range cl.Nodes {
		aclUser(t, n, "-@all", "+evalsha", "+eval", "+script|load", "+incr", "~*")
	}
	s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: cl.Nodes[0].Addr(), Username: appUser, Password: "apppw", Cluster: true, Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Info().Mode != "cluster" {
		t.Fatalf("mode %q, want cluster", s.Info().Mode)
	}
	rep, err := Run(ctx, s, redisx.NewScript("return redis.call('INCR', KEYS[1])"), strings.NewReader(batchLines("acl", 0, 300)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcomes[OK] != 300 || !rep.TopologyDenied || rep.Redirected == 0 {
		t.Errorf("outcomes %v, topology denied %v, redirected %d", rep.Outcomes, rep.TopologyDenied, rep.Redirected)
	}
	cc := cl.Client()
	defer cc.Close()
	for i := 0; i < 300; i += 37 {
		if v, _ := cc.Get(ctx, "acl:"+strconv.Itoa(i)).Int(); v != 1 {
			t.Errorf("acl:%d ran %d times", i, v)
		}
	}
	// Loading on every primary cannot find them without CLUSTER NODES: said so.
	if _, err := s.LoadOnAllPrimaries(ctx, "return 1"); err == nil || !strings.Contains(err.Error(), "needs CLUSTER NODES") {
		t.Errorf("load on all primaries: %v", err)
	}
	// A single run follows MOVED too.
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript("return redis.call('INCR', KEYS[1])"), Keys: []string{"acl:single"}}, nil)
	if res.Error != nil || res.Reply == nil || res.Reply.Kind != resp.Integer {
		t.Errorf("run: %+v %v", res.Error, res.ClientErr)
	}
}

// aclUser makes appUser (password apppw) on srv with rules, ACL LOG empty.
func aclUser(t *testing.T, srv *sandbox.Server, rules ...string) {
	t.Helper()
	sandboxtest.ACLUser(t, srv, appUser, "apppw", rules...)
}
