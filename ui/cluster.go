package ui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"luascope/redisx"
	"luascope/redisx/resp"
	"luascope/themes"
)

// Messages of the cluster view.
type (
	topologyLoadedMsg struct {
		top *redisx.Topology
		err error
	}
	nodeCacheLoadedMsg struct {
		sha    string
		cached map[string]bool // by node address; a missing address is unknown
		err    error
		hashed hashed
	}
	// runOnNodeMsg asks the root to send keyless scripts to this node.
	runOnNodeMsg struct{ addr string }
	// loadAllMsg asks the root to SCRIPT LOAD the script on every primary.
	loadAllMsg struct{}
	// refreshClusterMsg asks the root for the nodes and caches again.
	refreshClusterMsg struct{}
)

var (
	clusterPick    = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run keyless scripts here"))
	clusterLoadAll = key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "SCRIPT LOAD on all primaries"))
	clusterRefresh = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "refresh nodes and caches"))
)

type clusterStyles struct {
	owners                  []lipgloss.Style
	muted, warn, err, ok    lipgloss.Style
	cursor, header, heading lipgloss.Style
}

// newClusterStyles is the cluster pane's styles for c's theme (shared: sharedStyles).
func newClusterStyles(c *Common) *clusterStyles { return clusterStylesOf.get(c.Theme) }

// buildClusterStyles builds what newClusterStyles shares.
func buildClusterStyles(t themes.Theme) clusterStyles {
	st := clusterStyles{
		muted:   lipgloss.NewStyle().Foreground(color(t.Muted)),
		warn:    lipgloss.NewStyle().Foreground(color(t.Warning)).Bold(true),
		err:     lipgloss.NewStyle().Foreground(color(t.Error)).Bold(true),
		ok:      lipgloss.NewStyle().Foreground(color(t.OK)),
		cursor:  lipgloss.NewStyle().Reverse(true),
		header:  lipgloss.NewStyle().Foreground(color(t.Muted)).Underline(true),
		heading: lipgloss.NewStyle().Foreground(color(t.Accent)).Bold(true),
	}
	// One colour per primary, cycling; letters carry the meaning without colour.
	for _, col := range []lipgloss.TerminalColor{color(t.TypeInteger), color(t.TypeBulk), color(t.TypeStatus), color(t.Accent), color(t.TypeAggregate), color(t.TypeOther)} {
		st.owners = append(st.owners, lipgloss.NewStyle().Foreground(col))
	}
	return st
}

// ClusterPane shows a cluster: nodes, roles and slot ranges, a map of all
// 16,384 slots coloured by owner, where each of the form's keys lives,
// and which nodes hold the current script in their cache.
type ClusterPane struct {
	c       *Common
	st      *clusterStyles
	top     *redisx.Topology
	err     error
	known   *redisx.Topology // the last top that was not nil (knownNodes)
	cached  map[string]bool
	keys    []string
	seed    string
	runOn   string
	cursor  int
	w, h    int
	focused bool

	// Derived from the topology (and the width) when they change, not per
	// frame: a frame would otherwise walk all 16,384 slots twice.
	letterOf map[string]int       // primary ID → letter index
	nodes    []redisx.ClusterNode // display order
	served   int                  // slots with a primary
	cells    []int                // slot-map cells: letter index, cellUnserved or cellMixed
}

const (
	cellUnserved = -1
	cellMixed    = -2
)

// NewClusterPane returns an empty cluster view.
func NewClusterPane(c *Common) ClusterPane {
	return ClusterPane{c: c, st: newClusterStyles(c)}
}

// SetTopology sets the nodes (nil with err when CLUSTER NODES failed).
func (p *ClusterPane) SetTopology(t *redisx.Topology, err error) {
	p.top, p.err = t, err
	if t != nil {
		p.known = t
	}
	p.letterOf, p.nodes, p.served, p.cells = nil, nil, 0, nil
	if t == nil {
		return
	}
	if p.cursor >= len(t.Nodes) {
		p.cursor = 0
	}
	p.letterOf = p.letters()
	p.nodes = p.ordered(p.letterOf)
	for s := 0; s < redisx.SlotCount; s++ {
		if _, ok := t.Owner(s); ok {
			p.served++
		}
	}
	p.cells = p.slotCells(p.w * slotMapRows)
}

// knownNodes is the nodes, not failing, that CLUSTER NODES last gave (a
// refresh that failed keeps them): where else to ask when the seed cannot
// list them, being the busy node.
func (p ClusterPane) knownNodes() []string {
	if p.known == nil {
		return nil
	}
	return p.known.Reachable()
}

// slotMapRows is how many rows the slot map takes.
const slotMapRows = 4

// SetTheme rebuilds the styles after a theme switch.
func (p *ClusterPane) SetTheme(c *Common) { p.c, p.st = c, newClusterStyles(c) }

// SetCache sets which nodes hold the current script.
func (p *ClusterPane) SetCache(cached map[string]bool) { p.cached = cached }

// SetKeys sets the form's keys, to show where each lives.
func (p *ClusterPane) SetKeys(keys []string, seed, runOn string) {
	p.keys, p.seed, p.runOn = keys, seed, runOn
}

// letters names primaries A, B, C… in the order of their first slot, so
// the slot map reads A…B…C from left to right; replicas are named by
// their primary.
func (p ClusterPane) letters() map[string]int {
	out := map[string]int{}
	if p.top == nil {
		return out
	}
	for i, n := range p.top.PrimariesBySlot() {
		out[n.ID] = i
	}
	return out
}

// letter is the i-th primary's letter, the one `luascope cluster` prints.
func letter(i int) string { return string(redisx.SlotMapLetter(i)) }

// update handles keys while the pane has focus.
func (p ClusterPane) update(msg tea.Msg) (ClusterPane, tea.Cmd) {
	if msg, ok := msg.(topologyLoadedMsg); ok {
		// Its own result, focused or not: the root only routes it here.
		p.SetTopology(msg.top, msg.err)
		return p, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || !p.focused {
		return p, nil
	}
	n := 0
	if p.top != nil {
		n = len(p.top.Nodes)
	}
	switch {
	case key.Matches(km, p.c.Keys.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(km, p.c.Keys.Down):
		p.cursor = min(max(0, n-1), p.cursor+1)
	case key.Matches(km, clusterPick) && n > 0:
		addr := p.nodes[p.cursor].Addr
		return p, func() tea.Msg { return runOnNodeMsg{addr: addr} }
	case key.Matches(km, clusterLoadAll):
		return p, func() tea.Msg { return loadAllMsg{} }
	case key.Matches(km, clusterRefresh):
		return p, func() tea.Msg { return refreshClusterMsg{} }
	}
	return p, nil
}

// Update is update in the Pane interface's shape, so that the root routes
// to every pane the same way; the pane changes in place.
func (p *ClusterPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	var cmd tea.Cmd
	*p, cmd = p.update(msg)
	return p, cmd
}

// View draws the summary, the slot map, the node table and the keys.
func (p ClusterPane) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	if p.err != nil {
		return fitLines([]string{p.st.err.Render("CLUSTER NODES failed: ") + sanitize(p.err.Error()), p.st.muted.Render("g retries")}, p.w, p.h)
	}
	if p.top == nil {
		return fitLines([]string{p.st.muted.Render("asking CLUSTER NODES…")}, p.w, p.h)
	}
	letters, served := p.letterOf, p.served
	var lines []string
	summary := fmt.Sprintf("%d nodes · %d primaries · %d/%d slots served", len(p.top.Nodes), len(p.top.Primaries()), served, redisx.SlotCount)
	if served < redisx.SlotCount {
		summary = p.st.err.Render(summary + " (CLUSTERDOWN for the rest)")
	}
	lines = append(lines, summary)
	lines = append(lines, p.slotMap()...)
	lines = append(lines, p.st.header.Render(fmt.Sprintf("  %-8s %-21s %-7s %-2s %-13s %-5s %-6s %5s %s", "id", "address", "role", "of", "slots", "link", "flags", "epoch", "script")))
	for i, n := range p.nodes {
		tag := " "
		of := ""
		if n.Role == "primary" {
			tag = letter(letters[n.ID])
		} else if li, ok := letters[n.PrimaryID]; ok {
			of = letter(li)
		}
		flags := ""
		for _, f := range n.Flags {
			switch f {
			case "fail":
				flags = "FAIL"
			case "fail?":
				if flags == "" {
					flags = "pfail"
				}
			}
		}
		script := "?"
		if c, ok := p.cached[n.Addr]; ok {
			script = map[bool]string{true: "cached", false: "missing"}[c]
		}
		row := fmt.Sprintf("%s %-8s %-21s %-7s %-2s %-13s %-5s %-6s %5d %s", tag, sanitize(n.ShortID()), sanitize(n.Addr), n.Role, of,
			slotRanges(n.Slots), map[string]string{"connected": "ok"}[n.Link]+map[bool]string{true: "down"}[n.Link != "connected"], flags, n.Epoch, script)
		if n.Addr == p.runOn {
			row += " ◀ keyless runs"
		}
		switch {
		case i == p.cursor && p.focused:
			row = p.st.cursor.Render(row)
		case n.Failing() || n.Link != "connected":
			row = p.st.err.Render(row)
		case n.Role == "primary":
			row = p.st.owners[letters[n.ID]%len(p.st.owners)].Render(row)
		}
		lines = append(lines, row)
	}
	lines = append(lines, p.st.heading.Render("keys"))
	lines = append(lines, p.keyLines(letters)...)
	return fitLines(lines, p.w, p.h)
}

// ordered lists primaries by letter, each followed by its replicas, then
// nodes with no primary known (a replica of a failed node).
func (p ClusterPane) ordered(letters map[string]int) []redisx.ClusterNode {
	rank := func(n redisx.ClusterNode) (int, int) {
		if n.Role == "primary" {
			return letters[n.ID], 0
		}
		if li, ok := letters[n.PrimaryID]; ok {
			return li, 1
		}
		return len(letters), 2
	}
	out := append([]redisx.ClusterNode(nil), p.top.Nodes...)
	sort.SliceStable(out, func(i, j int) bool {
		a1, a2 := rank(out[i])
		b1, b2 := rank(out[j])
		if a1 != b1 {
			return a1 < b1
		}
		return a2 < b2
	})
	return out
}

// keyLines says where each key lives and where the run will go.
func (p ClusterPane) keyLines(letters map[string]int) []string {
	if len(p.keys) == 0 {
		to := p.seed
		if p.runOn != "" {
			to = p.runOn
		}
		return []string{p.st.muted.Render("  no keys: the script runs on " + sanitize(to) + " (enter on a node picks another)")}
	}
	var out []string
	slots := map[int]bool{}
	for i, k := range p.keys {
		slot := redisx.KeySlot(k)
		slots[slot] = true
		owner := "unserved"
		if n, ok := p.top.Owner(slot); ok {
			owner = letter(letters[n.ID]) + " " + sanitize(n.Addr)
		}
		out = append(out, fmt.Sprintf("  KEYS[%d] %s  slot %d → %s", i+1, resp.Escape([]byte(k)), slot, owner))
	}
	if len(slots) > 1 {
		out = append(out, p.st.warn.Render(fmt.Sprintf("  ⚠ keys in %d slots: not sent (CROSSSLOT); use a {hash tag}", len(slots))))
	}
	return out
}

// slotCells sorts all 16,384 slots into n cells: each cell is the letter
// of the primary owning its slots, cellUnserved, or cellMixed when its
// slots have several owners or one is migrating.
func (p *ClusterPane) slotCells(n int) []int {
	if n <= 0 {
		return nil
	}
	per := (redisx.SlotCount + n - 1) / n
	moving := map[int]bool{}
	for _, nd := range p.top.Nodes {
		for s := range nd.Migrating {
			moving[s] = true
		}
		for s := range nd.Importing {
			moving[s] = true
		}
	}
	cells := make([]int, 0, n)
	for start := 0; start < redisx.SlotCount; start += per {
		end := min(redisx.SlotCount, start+per)
		cell := cellUnserved
		for s := start; s < end; s++ {
			c := cellUnserved
			if nd, ok := p.top.Owner(s); ok {
				c = p.letterOf[nd.ID]
			}
			switch {
			case moving[s] || (s > start && c != cell):
				cell = cellMixed
			case s == start:
				cell = c
			}
			if cell == cellMixed {
				break
			}
		}
		cells = append(cells, cell)
	}
	return cells
}

// slotMap draws the cells, one styled run per owner rather than per cell.
func (p ClusterPane) slotMap() []string {
	var out []string
	for row := 0; row*p.w < len(p.cells) && p.w > 0; row++ {
		cells := p.cells[row*p.w : min(len(p.cells), (row+1)*p.w)]
		var line strings.Builder
		for i := 0; i < len(cells); {
			j := i
			for j < len(cells) && cells[j] == cells[i] {
				j++
			}
			switch c := cells[i]; c {
			case cellMixed:
				line.WriteString(p.st.warn.Render(strings.Repeat("!", j-i)))
			case cellUnserved:
				line.WriteString(p.st.err.Render(strings.Repeat(".", j-i)))
			default:
				line.WriteString(p.st.owners[c%len(p.st.owners)].Render(strings.Repeat(letter(c), j-i)))
			}
			i = j
		}
		out = append(out, line.String())
	}
	return out
}

// slotRanges compacts ranges for a table cell: "0-5460", "0-10 12 …".
func slotRanges(rs []redisx.SlotRange) string {
	sorted := append([]redisx.SlotRange(nil), rs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	var parts []string
	for _, r := range sorted {
		if r.Start == r.End {
			parts = append(parts, fmt.Sprint(r.Start))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", r.Start, r.End))
		}
	}
	s := strings.Join(parts, " ")
	if len(s) > 13 {
		s = s[:12] + "…"
	}
	return s
}

// SetSize sets the inner size (the slot map is laid out for the width).
func (p *ClusterPane) SetSize(w, h int) {
	if w != p.w && p.top != nil {
		p.cells = p.slotCells(w * slotMapRows)
	}
	p.w, p.h = w, h
}

// Focus gives the pane the keyboard.
func (p *ClusterPane) Focus() { p.focused = true }

// Blur takes the keyboard away.
func (p *ClusterPane) Blur() { p.focused = false }

// Focused reports whether the pane has the keyboard.
func (p ClusterPane) Focused() bool { return p.focused }

// ShortHelp is the pane's bindings for the help bar.
func (p ClusterPane) ShortHelp() []key.Binding {
	return []key.Binding{clusterPick, clusterLoadAll, clusterRefresh}
}

// FullHelp is the pane's bindings for the help overlay.
func (p ClusterPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.c.Keys.Up, p.c.Keys.Down, clusterPick, clusterLoadAll, clusterRefresh}}
}
