package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

func slowlogDoc(t *testing.T, out string) slowlogJSON {
	t.Helper()
	var doc slowlogJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return doc
}

// Every call is logged (slowlog-log-slower-than 0): calls group per SHA
// or function, sources come from the EVAL body, a file, a library file,
// or a prefix match for a body the log cut; other commands are counted.
func TestSlowlogGroupsScripts(t *testing.T) {
	srv := startSandbox(t, "slowlog-log-slower-than 0", "slowlog-max-len 1000")
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	short := "return redis.call('GET', KEYS[1])"
	long := "-- a script whose body is longer than the 128 bytes the slow log keeps of one word\n" +
		"local v = redis.call('GET', KEYS[1])\nreturn v or ARGV[1]\n"
	file := writeScript(t, long)
	lib := "#!lua name=sl\nredis.register_function{function_name='echo', callback=function(keys, args) return args[1] end, flags={'no-writes'}}\n"
	libFile := writeScript(t, lib)
	shaShort := redisx.SHA1(short)
	must := func(err error) {
		t.Helper()
		if err != nil && err != redis.Nil {
			t.Fatal(err)
		}
	}
	must(c.Do(ctx, "FUNCTION", "LOAD", lib).Err())
	must(c.Do(ctx, "SCRIPT", "LOAD", short).Err())
	must(c.Do(ctx, "SLOWLOG", "RESET").Err())
	for i := 0; i < 3; i++ {
		must(c.Do(ctx, "EVALSHA", shaShort, "1", "k\x1b[2J").Err())
	}
	must(c.Do(ctx, "EVAL", short, "1", "other").Err())
	must(c.Do(ctx, "EVAL", long, "1", "k", "fallback\x00").Err())
	must(c.Do(ctx, "FCALL_RO", "echo", "0", "hi").Err())
	must(c.Do(ctx, "FCALL", "echo", "0", "hi").Err())
	must(c.Set(ctx, "plain", "1", 0).Err())
	// A hostile "SHA" (NOSCRIPT, but logged all the same) and client name.
	_ = c.Do(ctx, "CLIENT", "SETNAME", "name\u202e").Err()
	_ = c.Do(ctx, "EVALSHA", "\x1b]0;pwned\x07\x1b[2J", "0").Err()

	out, errOut, code := cli(t, "", "slowlog", "--json", "-u", srv.URL(), file, libFile)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	doc := slowlogDoc(t, out)
	groups := map[string]slowGroupJSON{}
	for _, g := range doc.Groups {
		groups[g.Kind+":"+g.SHA+g.Function] = g
	}
	g, ok := groups["script:"+shaShort]
	if !ok || g.Count != 4 || strings.Join(g.Commands, ",") != "EVAL,EVALSHA" || g.Source == nil || g.Source.From != "eval" ||
		g.MaxUS < g.P50US || len(g.Entries) != 4 {
		t.Errorf("short script group: %+v %+v", g, g.Source)
	}
	var escaped bool
	for _, e := range g.Entries {
		escaped = escaped || (len(e.Keys) == 1 && e.Keys[0] == `k\x1b[2J`)
	}
	if !escaped {
		t.Errorf("keys not escaped: %+v", g.Entries)
	}
	g, ok = groups["function:echo"]
	if !ok || g.Count != 2 || g.Source == nil || g.Source.From != "file" || g.Source.Detail != libFile {
		t.Errorf("function group: %+v %+v", g, g.Source)
	}
	var cut *slowGroupJSON
	for i := range doc.Groups {
		if doc.Groups[i].BodyCut {
			cut = &doc.Groups[i]
		}
	}
	if cut == nil || cut.SHA != "" || cut.Source == nil || !cut.Source.PrefixMatch || cut.Source.Detail != file ||
		cut.Entries[0].Args[0] != `fallback\x00` {
		t.Errorf("cut body group: %+v", cut)
	}
	if doc.Other == 0 || doc.Total != doc.Other+4+1+2+1 {
		t.Errorf("total %d other %d", doc.Total, doc.Other)
	}
	// The text says the same, escaped.
	out, errOut, code = cli(t, "", "slowlog", "-u", srv.URL(), file, libFile)
	if code != exitOK || !strings.Contains(out, "script "+shaShort+"  EVAL/EVALSHA  4 calls") ||
		!strings.Contains(out, "function echo") || !strings.Contains(out, "other commands not listed") ||
		strings.ContainsAny(out, "\x1b\x07\u202e") || !strings.Contains(out, `script \x1b]0;pwned`) || !strings.Contains(out, "matched by the body's first 128 bytes") {
		t.Fatalf("text: exit %d\n%s%s", code, out, errOut)
	}
	// Read-only connections may read the slow log.
	if _, errOut, code := cli(t, "", "slowlog", "--count", "5", "--config", productionConfig(t, srv), "--connection", "liveRO"); code != exitOK {
		t.Errorf("read-only: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "slowlog", "--count", "0", "-u", srv.URL()); code != exitUsage {
		t.Errorf("--count 0: exit %d %s", code, errOut)
	}
}

// A cluster: every node's log is read, and one script's calls on several
// primaries make one group whose entries name their nodes.
func TestSlowlogCluster(t *testing.T) {
	cl := sandboxtest.StartClusterT(t)
	ctx := context.Background()
	for _, n := range cl.Nodes {
		c := n.Client()
		if err := c.ConfigSet(ctx, "slowlog-log-slower-than", "0").Err(); err != nil {
			t.Fatal(err)
		}
		_ = c.Close()
	}
	cc := cl.Client()
	defer cc.Close()
	src := "return redis.call('INCR', KEYS[1])"
	keys := []string{"a", "b", "c", "d", "e", "f"}
	for _, k := range keys {
		if err := cc.Eval(ctx, src, []string{k}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := cli(t, "", "slowlog", "--json", "-c", "-u", cl.Nodes[0].URL())
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	doc := slowlogDoc(t, out)
	if len(doc.Nodes) != len(cl.Nodes) {
		t.Errorf("nodes read: %+v", doc.Nodes)
	}
	var g *slowGroupJSON
	for i := range doc.Groups {
		if doc.Groups[i].SHA == redisx.SHA1(src) {
			g = &doc.Groups[i]
		}
	}
	if g == nil || g.Count != len(keys) {
		t.Fatalf("group of the script: %+v", g)
	}
	nodes := map[string]bool{}
	for _, e := range g.Entries {
		nodes[e.Node] = true
	}
	if len(nodes) < 2 {
		t.Errorf("entries from %d node(s), want the primaries the keys hash to: %+v", len(nodes), g.Entries)
	}
}
