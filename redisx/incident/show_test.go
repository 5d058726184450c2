package incident

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// showOn runs Show for sha on srv, as cache --sha does.
func showOn(t *testing.T, srv *sandbox.Server, sha string) Shown {
	t.Helper()
	s, err := redisx.Connect(context.Background(), redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	shown := Show(context.Background(), s, []string{srv.Addr()}, sha)
	if len(shown) != 1 || shown[0].Node != srv.Addr() {
		t.Fatalf("%+v", shown)
	}
	return shown[0]
}

// SCRIPT SHOW as each server answers it: Redis has no such subcommand;
// Valkey 8.1 says NOSCRIPT, then, once loaded, gives the source, which
// ServerSources takes only for its own SHA.
func TestShow(t *testing.T) {
	src := "return 'show " + time.Now().String() + "'"
	sha := redisx.SHA1(src)
	t.Run("redis", func(t *testing.T) {
		srv := sandboxtest.StartT(t)
		if srv.Flavor() != "redis" {
			t.Skipf("the sandbox is %s", srv.Flavor())
		}
		if sh := showOn(t, srv, sha); sh.Status != ShowNotSupported || sh.Err != nil {
			t.Errorf("%+v", sh)
		}
	})
	t.Run("valkey", func(t *testing.T) {
		bin := filepath.Join(sandbox.ServersDir(), "bin", "valkey-server-8.1.1")
		if _, err := os.Stat(bin); err != nil {
			t.Skipf("no %s (tools/servers.sh installs it)", bin)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		srv, err := sandbox.Start(ctx, sandbox.Options{Binary: bin, Logf: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Stop()
		if sh := showOn(t, srv, sha); sh.Status != ShowNotCached {
			t.Errorf("before SCRIPT LOAD: %+v", sh)
		}
		c := srv.Client()
		defer c.Close()
		if err := c.ScriptLoad(ctx, src).Err(); err != nil {
			t.Fatal(err)
		}
		sh := showOn(t, srv, sha)
		if sh.Status != ShowFound || sh.Text != src {
			t.Fatalf("after SCRIPT LOAD: %+v", sh)
		}
		if k := ServerSources([]Shown{sh}, sha); len(k) != 1 || k[0].From != "server" || k[0].Detail != srv.Addr() {
			t.Errorf("server sources %+v", k)
		}
		if k := ServerSources([]Shown{sh}, redisx.SHA1("another")); len(k) != 0 {
			t.Errorf("a text taken for another SHA: %+v", k)
		}
	})
}

// The first Known that has a SHA's source wins; a cut history run, an
// empty one or a file whose text is not that SHA's is only a sighting,
// and every sighting is kept in order.
func TestResolverSightings(t *testing.T) {
	src := "return 1"
	sha := redisx.SHA1(src)
	r := NewResolver([]Known{
		{From: "history", SHA: sha, Text: src[:4], Truncated: true, Target: "redis://a"},
		{From: "history", SHA: sha, Text: "return 2", Target: "redis://b"}, // recorded under the wrong SHA
		{From: "history", SHA: sha, Text: src, Target: "redis://c"},
		{From: "history", SHA: sha, Text: src, Target: "redis://d"},
		{From: "file", Detail: "s.lua", Text: src},
	})
	got := r.Resolve(Call{SHA: sha})
	if got == nil || got.From != "history" || got.Text != src {
		t.Fatalf("%+v", got)
	}
	seen := r.Sightings(sha)
	if len(seen) != 5 || seen[0].Target != "redis://a" || !seen[0].Truncated {
		t.Errorf("%+v", seen)
	}
	if got := NewResolver([]Known{{From: "history", SHA: sha, Truncated: true, Text: src}}).Resolve(Call{SHA: sha}); got != nil {
		t.Errorf("a cut run resolved: %+v", got)
	}
	if got := r.Resolve(Call{SHA: "ABCDEF" + sha[6:]}); got != nil {
		t.Errorf("another SHA resolved: %+v", got)
	}
}
