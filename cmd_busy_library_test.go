package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"luascope/redisx/sandbox/sandboxtest"
)

// TestBusyClusterFunctionSource: a function holds one primary of a real
// cluster and no FILE or history names its library; the busy node
// refuses FUNCTION LIST, but another node answers it, so busy gives the
// library's source from that node instead of "unknown".
func TestBusyClusterFunctionSource(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	lib := "#!lua name=spinlib\nredis.register_function('spin', function(keys, args) " + sandboxtest.SpinLua(30*time.Second) + " return 1 end)\n"
	if out, errOut, code := cli(t, "", "load", "-u", cl.Nodes[0].URL(), "--all", "--library", writeScript(t, lib)); code != exitOK {
		t.Fatalf("load --all --library: exit %d\n%s%s", code, out, errOut)
	}
	busy := cl.Nodes[1]
	c := busy.Client()
	if err := c.ConfigSet(context.Background(), "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	sandboxtest.HoldBusy(t, busy, "FCALL", "spin", "0")
	out := mustCLI(t, exitErrorReply, "busy", "--json", "-c", "-u", cl.Nodes[0].URL())
	doc := busyDoc(t, out)
	found := false
	for _, n := range doc.Nodes {
		if n.Node != busy.Addr() {
			continue
		}
		found = true
		if n.Kind != "function" || n.Name != "spin" || n.Source == nil || n.Source.From != "server" ||
			n.Source.FirstLine != "#!lua name=spinlib" || strings.Contains(n.Source.Detail, busy.Addr()) {
			t.Errorf("busy node: %+v source %+v", n.Running, n.Source)
		}
	}
	if !found {
		t.Fatalf("the busy node is not in the report:\n%s", out)
	}
	text, _, _ := cli(t, "", "busy", "-c", "-u", cl.Nodes[0].URL())
	t.Logf("\n%s", text)
	if strings.Contains(text, "source: unknown") || !strings.Contains(text, "source: server (FUNCTION LIST WITHCODE on ") {
		t.Errorf("text:\n%s", text)
	}
	// Stop it so that the cluster shuts down at once.
	_, _, _ = cli(t, "", "busy", "--kill", "--yes", "-c", "-u", cl.Nodes[0].URL())
}
