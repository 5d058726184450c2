package redisx

import (
	"slices"
	"testing"
)

func TestParseClusterNodes(t *testing.T) {
	text := `07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,hostname4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383 [10924->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :30001@31001 myself,master - 0 0 1 connected 0-5460
6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave,fail 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 disconnected`
	top, err := ParseClusterNodes(text, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(top.Nodes) != 5 || len(top.Primaries()) != 3 {
		t.Fatalf("nodes %+v", top.Nodes)
	}
	n, ok := top.Owner(KeySlot("foo")) // 12182
	if !ok || n.Addr != "127.0.0.1:30003" || n.Migrating[10924] == "" {
		t.Errorf("owner of foo: %+v", n)
	}
	if n, _ := top.Owner(0); n.Addr != "127.0.0.1:30001" || !n.Myself {
		t.Errorf("seed host not filled in: %+v", n)
	}
	for _, n := range top.Nodes {
		if n.Addr == "127.0.0.1:30005" && (!n.Failing() || n.Role != "replica" || n.Link != "disconnected") {
			t.Errorf("failing replica: %+v", n)
		}
	}
	if _, err := ParseClusterNodes("abc 1:2@3 master - 0 0 1 connected 99999", ""); err == nil {
		t.Error("slot out of range accepted")
	}
}

// Reachable leaves out the nodes flagged fail or fail?, whatever their role.
func TestTopologyReachable(t *testing.T) {
	top := &Topology{Nodes: []ClusterNode{
		{Addr: "a:1", Role: "primary", Flags: []string{"master"}},
		{Addr: "b:1", Role: "primary", Flags: []string{"master", "fail"}},
		{Addr: "c:1", Role: "replica", Flags: []string{"slave"}},
		{Addr: "d:1", Role: "replica", Flags: []string{"slave", "fail?"}},
	}}
	if got := top.Reachable(); !slices.Equal(got, []string{"a:1", "c:1"}) {
		t.Errorf("Reachable = %q", got)
	}
}
