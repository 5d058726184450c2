package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
)

const nodesText = `07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 1 3 connected 10923-16383
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460
6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave,fail 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1 5 disconnected`

func TestClusterPaneView(t *testing.T) {
	top, err := redisx.ParseClusterNodes(nodesText, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	c := &Common{Theme: monoTheme(t), Keys: DefaultKeyMap()}
	p := NewClusterPane(c)
	p.SetSize(100, 20)
	p.SetTopology(top, nil)
	p.SetCache(map[string]bool{"127.0.0.1:30001": true, "127.0.0.1:30002": false})
	p.SetKeys([]string{"user:{42}", "other"}, "127.0.0.1:30001", "")
	v := p.View()
	for _, want := range []string{"5 nodes · 3 primaries · 16384/16384 slots served", "A e7d1eecc 127.0.0.1:30001", "cached", "missing",
		"replica A", "FAIL", "KEYS[1] user:{42}  slot 8000 → B 127.0.0.1:30002", "CROSSSLOT"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 20 || !strings.HasPrefix(lines[1], "AAAA") || !strings.HasSuffix(strings.TrimRight(lines[4], " "), "CCCC") {
		t.Errorf("slot map:\n%s", v)
	}
	// enter on a node asks the root to run keyless scripts there.
	p.Focus()
	p, _ = p.update(tea.KeyMsg{Type: tea.KeyDown})
	_, cmd := p.update(tea.KeyMsg{Type: tea.KeyEnter})
	if msg, ok := cmd().(runOnNodeMsg); !ok || msg.addr != "127.0.0.1:30004" {
		t.Errorf("enter on the second row: %#v", cmd())
	}
	for _, sz := range [][2]int{{1, 1}, {10, 3}, {0, 0}} {
		p.SetSize(sz[0], sz[1])
		if got := p.View(); sz[0] > 0 && len(strings.Split(got, "\n")) != sz[1] {
			t.Errorf("size %v: %q", sz, got)
		}
	}
}

// BenchmarkClusterPaneView is one frame of the cluster view (5 nodes,
// 120 columns): the slot map and ordering are derived when the topology
// changes, so a frame only draws.
//
//	go test -run '^$' -bench ClusterPaneView -benchmem ./ui/
func BenchmarkClusterPaneView(b *testing.B) {
	top, err := redisx.ParseClusterNodes(nodesText, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	p := NewClusterPane(&Common{Theme: monoTheme(b), Keys: DefaultKeyMap()})
	p.SetSize(120, 30)
	p.SetTopology(top, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = p.View()
	}
}
