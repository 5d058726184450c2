package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

const (
	libV1 = "#!lua name=drift\nredis.register_function('hello', function(keys, args) return 'v1' end)\n" +
		"redis.register_function{function_name='peek', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n"
	libV2   = "#!lua name=drift\nredis.register_function('hello', function(keys, args) return 'v2' end)\n"
	libOnly = "#!lua name=only_here\nredis.register_function('lonely', function() return 1 end)\n"
)

type functionsDoc struct {
	Nodes []struct {
		Node      string `json:"node"`
		Role      string `json:"role"`
		Primary   string `json:"primary"`
		Libraries []struct {
			Name      string `json:"library_name"`
			SHA       string `json:"sha"`
			Functions []struct {
				Name  string   `json:"name"`
				Flags []string `json:"flags"`
			} `json:"functions"`
		} `json:"libraries"`
		Error any `json:"error"`
	} `json:"nodes"`
	Drift  []redisx.Drift `json:"drift"`
	InSync bool           `json:"in_sync"`
}

// TestFunctionsDriftCLI deploys a library to every primary of a real
// 3+3 cluster with `load --all --library`, checks `functions --check`
// agrees, then makes drift the way it happens in production (a client
// loads a new version on one shard, another library on another) and
// checks that both are found and --check fails.
func TestFunctionsDriftCLI(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	u := "redis://" + cl.Nodes[0].Addr()
	lib := writeScript(t, libV1)
	// WAIT makes each replica catch up with its primary, so replica
	// comparisons see what replication delivers, not what is in flight.
	settle := func() {
		t.Helper()
		for _, n := range cl.Nodes[:3] {
			c := n.Client()
			if got, err := c.Do(context.Background(), "WAIT", 1, 5000).Int(); err != nil || got != 1 {
				t.Fatalf("WAIT on %s: %d %v", n.Addr(), got, err)
			}
			_ = c.Close()
		}
	}

	out, errOut, code := cli(t, "", "load", "-u", u, "--all", "--library", "--json", lib)
	if code != exitOK {
		t.Fatalf("load --all --library: exit %d\n%s%s", code, out, errOut)
	}
	var loaded loadJSON
	if err := json.Unmarshal([]byte(out), &loaded); err != nil {
		t.Fatal(err, out)
	}
	if loaded.Library != "drift" || loaded.SHA != redisx.SHA1(libV1) || len(loaded.Nodes) != 3 {
		t.Fatalf("load: %+v", loaded)
	}
	for _, n := range loaded.Nodes {
		if n.Error != nil || n.Library != "drift" {
			t.Errorf("node %s: %+v", n.Node, n)
		}
	}
	// Loading again is a REPLACE, not a "library already exists" error.
	if out, errOut, code := cli(t, "", "load", "-u", u, "--all", lib); code != exitOK || !strings.Contains(out, "library drift") {
		t.Fatalf("second load (shebang detected): exit %d\n%s%s", code, out, errOut)
	}
	settle()

	out, errOut, code = cli(t, "", "functions", "-u", u, "--check")
	if code != exitOK {
		t.Fatalf("functions --check in sync: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("\n%s", out)
	short := redisx.SHA1(libV1)[:7]
	if !strings.Contains(out, "6 nodes, 1 library: in sync") || strings.Count(out, short) != 6 || !strings.Contains(out, "peek (no-writes)") {
		t.Errorf("in sync view:\n%s", out)
	}

	// Drift: v2 on the second primary only (no --all: the one node named),
	// and a library the others lack on the third.
	if out, errOut, code := cli(t, "", "load", "-u", "redis://"+cl.Nodes[1].Addr(), "--library", writeScript(t, libV2)); code != exitOK {
		t.Fatalf("load v2 on one primary: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := cli(t, "", "load", "-u", "redis://"+cl.Nodes[2].Addr(), writeScript(t, libOnly)); code != exitOK {
		t.Fatalf("load only_here: exit %d\n%s%s", code, out, errOut)
	}
	settle()

	out, errOut, code = cli(t, "", "functions", "-u", u, "--check", "--json")
	if code != exitErrorReply {
		t.Fatalf("functions --check with drift: exit %d, want 1\n%s%s", code, out, errOut)
	}
	var doc functionsDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if doc.InSync || len(doc.Nodes) != 6 {
		t.Fatalf("doc: %+v", doc)
	}
	kinds := map[string]redisx.Drift{}
	for _, d := range doc.Drift {
		kinds[d.Library+"/"+d.Kind] = d
	}
	if d, ok := kinds["drift/code"]; !ok || len(d.Hashes) != 2 || len(d.Hashes[redisx.SHA1(libV2)]) != 1 || d.Hashes[redisx.SHA1(libV2)][0] != cl.Nodes[1].Addr() {
		t.Errorf("no code drift for drift on %s: %+v", cl.Nodes[1].Addr(), doc.Drift)
	}
	if d, ok := kinds["only_here/missing"]; !ok || len(d.Nodes) != 2 {
		t.Errorf("only_here should be missing on two primaries: %+v", doc.Drift)
	}
	if len(doc.Drift) != 2 {
		t.Errorf("want exactly 2 drifts (replicas follow their primaries), got %+v", doc.Drift)
	}
	for _, n := range doc.Nodes {
		if n.Role == "replica" && n.Primary == "" {
			t.Errorf("replica %s without its primary", n.Node)
		}
	}

	out, _, code = cli(t, "", "functions", "-u", u)
	if code != exitOK {
		t.Errorf("functions without --check: exit %d, want 0 even with drift", code)
	}
	t.Logf("\n%s", out)
	for _, want := range []string{"2 drifts", "library only_here missing on primaries ", "library drift has different code on the primaries: ", redisx.SHA1(libV2)[:7] + " on " + cl.Nodes[1].Addr()} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}

	// A node that cannot answer is an error of its own (exit 3), not a
	// node "missing" the libraries; the others are still compared.
	dead := cl.Nodes[5]
	if err := dead.Kill(); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = cli(t, "", "functions", "-u", u, "--check", "--json", "--timeout", "2s")
	if code != exitConnection {
		t.Errorf("a dead replica: exit %d, want 3\n%s%s", code, out, errOut)
	}
	doc = functionsDoc{}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if len(doc.Drift) != 2 || doc.InSync {
		t.Errorf("drift with a dead replica: %+v", doc.Drift)
	}
	for _, n := range doc.Nodes {
		if (n.Node == dead.Addr()) != (n.Error != nil) {
			t.Errorf("node %s: error %v", n.Node, n.Error)
		}
	}
}

// TestLoadLibraryGuards: FUNCTION LOAD changes data, so a read-only
// connection refuses it before sending, and production asks first.
func TestLoadLibraryGuards(t *testing.T) {
	srv := sandboxtest.StartT(t)
	cfg := productionConfig(t, srv)
	lib := writeScript(t, libV1)
	c := srv.Client()
	defer c.Close()
	libs := func() int {
		t.Helper()
		v, err := c.Do(context.Background(), "FUNCTION", "LIST").Slice()
		if err != nil {
			t.Fatal(err)
		}
		return len(v)
	}
	if _, errOut, code := cli(t, "", "load", "--config", cfg, "--connection", "liveRO", "--yes", lib); code != exitUsage || !strings.Contains(errOut, "read-only") {
		t.Errorf("read-only: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "load", "--config", cfg, "--connection", "live", lib); code != exitUsage || !strings.Contains(errOut, "marked production") {
		t.Errorf("production without --yes: exit %d %s", code, errOut)
	}
	if n := libs(); n != 0 {
		t.Fatalf("%d libraries loaded by refused commands", n)
	}
	if out, errOut, code := cli(t, "", "load", "--config", cfg, "--connection", "live", "--yes", "--all", lib); code != exitOK {
		t.Errorf("production with --yes: exit %d %s%s", code, out, errOut)
	}
	if n := libs(); n != 1 {
		t.Errorf("%d libraries after --yes, want 1", n)
	}
	// A script is still a script; a broken library is the server's error.
	if out, _, code := cli(t, "", "load", "-u", srv.URL(), writeScript(t, "return 1")); code != exitOK || !strings.Contains(out, "script  sha") {
		t.Errorf("plain script: exit %d\n%s", code, out)
	}
	if out, _, code := cli(t, "", "load", "-u", srv.URL(), "--library", writeScript(t, "return 1")); code != exitErrorReply || !strings.Contains(out, "library ?") {
		t.Errorf("--library without a shebang: exit %d\n%s", code, out)
	}
	// Standalone functions: one node, in sync.
	if out, _, code := cli(t, "", "functions", "-u", srv.URL(), "--check"); code != exitOK || !strings.Contains(out, "1 node, 1 library: in sync") {
		t.Errorf("standalone functions: exit %d\n%s", code, out)
	}
}

// TestFindDriftReplicas covers the replica kinds, which a healthy
// replication link never produces on a real cluster in a test's time.
func TestFindDriftReplicas(t *testing.T) {
	lib := func(name, code string) redisx.Library { return redisx.Library{Name: name, Engine: "LUA", Code: code} }
	p := redisx.ClusterNode{ID: "p1", Addr: "a:1", Role: "primary"}
	r := redisx.ClusterNode{ID: "r1", Addr: "a:2", Role: "replica", PrimaryID: "p1"}
	down := redisx.ClusterNode{ID: "p2", Addr: "a:3", Role: "primary"}
	got := redisx.FindDrift([]redisx.NodeFunctions{
		{Node: p, Libraries: []redisx.Library{lib("x", "1"), lib("y", "2")}},
		{Node: r, Libraries: []redisx.Library{lib("y", "3"), lib("z", "4")}},
		{Node: down, Err: context.DeadlineExceeded}, // unknown: not "missing"
	})
	want := map[string]bool{"x/" + redisx.DriftReplicaMissing: true, "y/" + redisx.DriftReplicaCode: true, "z/" + redisx.DriftReplicaExtra: true}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for _, d := range got {
		if !want[d.Library+"/"+d.Kind] || d.Primary != "a:1" || d.Nodes[0] != "a:2" {
			t.Errorf("unexpected %+v", d)
		}
	}
}

// TestFunctionsBusyNodeNotRead: a node that answers BUSY could not be
// read. functions says so in its header and on a line of its own (not in
// the LIBRARY column), never "in sync", exit 3 with or without --check;
// cache --check counts it neither as caching nor as missing a script
// (exit 3); and the JSON's client notes name BUSY, the server's code, not
// luascope's command (FUNCTION, INFO, SCRIPT).
func TestFunctionsBusyNodeNotRead(t *testing.T) {
	srv := startSandbox(t, "busy-reply-threshold 100")
	sandboxtest.HoldBusy(t, srv, "EVAL", sandboxtest.SpinLua(30*time.Second), "0")
	out, errOut, code := cli(t, "", "functions", "-u", srv.URL())
	t.Logf("\n%s", out)
	if code != exitConnection {
		t.Errorf("functions on a busy node: exit %d, want 3\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "in sync") || !strings.Contains(out, "1 node, 0 libraries: 1 node could not be read") {
		t.Errorf("header:\n%s", out)
	}
	table, _, _ := strings.Cut(out, "could not be read (")
	for i, l := range strings.Split(table, "\n") {
		if len(l) > 80 {
			t.Errorf("table line %d is %d wide (the error in a column?): %q", i, len(l), l)
		}
	}
	if !strings.Contains(out, srv.Addr()+"  primary  (could not be read)") || !strings.Contains(out, "  "+srv.Addr()+": busy: BUSY ") {
		t.Errorf("the node's row and its error line:\n%s", out)
	}
	if _, _, code := cli(t, "", "functions", "-u", srv.URL(), "--check"); code != exitConnection {
		t.Errorf("--check: exit %d, want 3", code)
	}
	out, _, code = cli(t, "", "functions", "-u", srv.URL(), "--json")
	var doc struct {
		functionsDoc
		Unread []string `json:"unread"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if code != exitConnection || doc.InSync || len(doc.Unread) != 1 || doc.Unread[0] != srv.Addr() || len(doc.Drift) != 0 {
		t.Errorf("--json: exit %d %+v", code, doc)
	}
	notes := func(what, out string) {
		t.Helper()
		if !strings.Contains(out, `"class":"busy"`) || !strings.Contains(out, "no class for BUSY") || !strings.Contains(out, `HasErrorPrefix(err, \"BUSY\")`) {
			t.Errorf("%s: the client notes do not name BUSY:\n%s", what, out)
		}
		for _, wrong := range []string{"class for INFO", "class for FUNCTION", "class for SCRIPT", `(err, \"INFO\")`, `(err, \"FUNCTION\")`, `(err, \"SCRIPT\")`} {
			if strings.Contains(out, wrong) {
				t.Errorf("%s: %s in:\n%s", what, wrong, out)
			}
		}
	}
	notes("functions --json", out)

	lib := writeScript(t, "return 'hello'")
	out, errOut, code = cli(t, "", "cache", "-u", srv.URL(), "--check", lib)
	t.Logf("\n%s", out)
	if code != exitConnection || strings.Contains(out, "cached on 0 of 1") || strings.Contains(out, "missing") ||
		!strings.Contains(out, "unknown: 1 node could not be read") || strings.Contains(out, "hint: luascope load") {
		t.Errorf("cache --check on a busy node: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = cli(t, "", "cache", "-u", srv.URL(), "--check", "--json", lib)
	notes("cache --check --json", out)
	out, _, code = cli(t, "", "cache", "-u", srv.URL(), "--json")
	notes("cache --json", out)
	if code != exitConnection {
		t.Errorf("cache --json on a busy node: exit %d, want 3", code)
	}
	// Plain cache: the row says so, the error is below the table, exit 3.
	out, errOut, code = cli(t, "", "cache", "-u", srv.URL())
	t.Logf("\n%s", out)
	if code != exitConnection || !strings.Contains(out, "1 could not be read") || !strings.Contains(out, srv.Addr()+"  primary  (could not be read)") ||
		!strings.Contains(out, "could not be read (their figures are unknown):\n  "+srv.Addr()+": busy: BUSY ") {
		t.Errorf("cache on a busy node: exit %d\n%s%s", code, out, errOut)
	}
	table, _, _ = strings.Cut(out, "could not be read (")
	for i, l := range strings.Split(table, "\n") {
		if len(l) > 100 {
			t.Errorf("cache: table line %d is %d wide (the error in a column?): %q", i, len(l), l)
		}
	}
}
