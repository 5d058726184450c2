package ui

import (
	"testing"

	"luascope/redisx/explain"
)

// The tree's explain map points into the run's explanation instead of
// copying each node: with a million elements the copies were 156 MB.
func TestSetExplainSharesTheNodes(t *testing.T) {
	v := treeTestParse(t, "*2\r\n*1\r\n:1\r\n$1\r\nx\r\n")
	tr := treeTestNew(v, 60, 10)
	n := &explain.Node{Lua: "table", Items: []explain.Node{{Lua: "table", Items: []explain.Node{{Lua: "number 1"}}}, {Lua: "string (1 byte)"}}}
	tr.SetExplain(n)
	if tr.explain[tr.reply] != n || tr.explain[&tr.reply.Elems[0]] != &n.Items[0] || tr.explain[&tr.reply.Elems[0].Elems[0]] != &n.Items[0].Items[0] || tr.explain[&tr.reply.Elems[1]] != &n.Items[1] {
		t.Fatalf("the map holds copies, not the explanation's nodes: %v", tr.explain)
	}
	if note, _ := tr.explainNote(&tr.reply.Elems[1]); note != "← string (1 byte)" {
		t.Fatalf("note %q", note)
	}
}

// releaseMemoryCmd sends nothing back: it only returns memory to the OS.
func TestReleaseMemoryCmd(t *testing.T) {
	if msg := releaseMemoryCmd()(); msg != nil {
		t.Fatalf("releaseMemoryCmd gave %T", msg)
	}
}
