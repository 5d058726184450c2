package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// waitLinkUp waits until the replica's link to its primary is up and
// returns its primary's sync_full count.
func waitLinkUp(t *testing.T, replica, primary *redis.Client) string {
	t.Helper()
	for i := 0; i < 100; i++ {
		if info, _ := replica.Info(context.Background(), "replication").Result(); strings.Contains(info, "master_link_status:up") {
			stats, err := primary.Info(context.Background(), "stats").Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(stats, "\n") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(l), "sync_full:"); ok {
					return v
				}
			}
			t.Fatal("no sync_full in INFO stats")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the replica's link never came up")
	return ""
}

// TestCacheCheckReplicaHint: on a real primary and replica, a script
// loaded on the primary is missing on the replica, and stays missing
// after a full sync: --check --replicas fails with the hint that says
// so and how to load it there (not "load --all … on every primary",
// which goes to the primaries only); following the hint fixes it.
func TestCacheCheckReplicaHint(t *testing.T) {
	prim := startSandbox(t)
	repl := startSandbox(t, "replicaof "+strings.Replace(prim.Addr(), ":", " ", 1))
	pc, rc := prim.Client(), repl.Client()
	defer pc.Close()
	defer rc.Close()
	before := waitLinkUp(t, rc, pc)
	file := writeScript(t, "return 'for the replicas'")
	if out, errOut, code := cli(t, "", "load", "-u", prim.URL(), "--all", file); code != exitOK {
		t.Fatalf("load --all: exit %d\n%s%s", code, out, errOut)
	}
	// A full sync copies data, not the script cache.
	for _, args := range [][]any{{"REPLICAOF", "NO", "ONE"}, {"REPLICAOF", strings.Split(prim.Addr(), ":")[0], strings.Split(prim.Addr(), ":")[1]}} {
		if err := rc.Do(context.Background(), args...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := pc.Set(context.Background(), "after", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if after := waitLinkUp(t, rc, pc); after == before {
		t.Fatalf("no full sync (sync_full %s)", after)
	}
	out, errOut, code := cli(t, "", "cache", "-u", repl.URL(), "--check", "--replicas", file)
	t.Logf("\n%s", out)
	if code != exitErrorReply || !strings.Contains(out, "missing on replica "+repl.Addr()) {
		t.Fatalf("--check --replicas after load --all and a full sync: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "load --all") || !strings.Contains(out, "a replica never gets scripts from its primary") ||
		!strings.Contains(out, "luascope load -h HOST -p PORT FILE") {
		t.Errorf("the hint for a missing replica:\n%s", out)
	}
	// What the hint says works.
	if out, errOut, code := cli(t, "", "load", "-u", repl.URL(), file); code != exitOK {
		t.Fatalf("load on the replica: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := cli(t, "", "cache", "-u", repl.URL(), "--check", "--replicas", file); code != exitOK || strings.Contains(out, "hint") {
		t.Errorf("after loading on the replica: exit %d\n%s%s", code, out, errOut)
	}
}
