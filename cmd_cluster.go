package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// nodeTimeout bounds the per-node questions of `cluster` and `load` when
// --timeout is not given: one hung node must not hang the whole view.
const nodeTimeout = 10 * time.Second

// nodeCtx is the context for per-node round trips: --timeout when given
// (the target already applies it per reply), else nodeTimeout overall.
func nodeCtx(conn *connFlags) (context.Context, context.CancelFunc) {
	if conn.timeout > 0 {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), nodeTimeout)
}

// errCode maps a failure that is not a reply to the exit status: 3 when a
// node could not be reached or did not answer in time, else 1.
func errCode(err error) int {
	switch classify.ClassifyError(err).Class {
	case classify.Connection, classify.Timeout:
		return exitConnection
	}
	return exitErrorReply
}

func esc(s string) string { return resp.Escape([]byte(s)) }

type clusterOpts struct {
	conn *connFlags
	json bool
	sha  string
	file string
}

func newClusterCmd(conn *connFlags) *cobra.Command {
	o := &clusterOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "cluster [connection flags] [--json] [--sha SHA | --file FILE]",
		Short: "Show a cluster's nodes, its slot map and which nodes cache a script",
		Long: `Show the nodes of a Redis Cluster (role, primary, slots, link, fail flags,
epoch), a map of the 16384 slots (64 per cell, one letter per primary), and
with --sha or --file whether each node's script cache holds that script
(SCRIPT EXISTS on every primary and replica: the cache is per node).

On a server that is not a cluster it says so and shows the one server.
Without --timeout, the per-node questions give up after 10s.

Exit status: 0 the view was printed, 1 an error reply, 2 usage, 3 connection.`,
		Example: `  luascope cluster -p 30001
  luascope cluster -p 30001 --file limit.lua
  luascope cluster -p 30001 --json | jq '.slots'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.json, "json", false, "print the view as JSON")
	fs.StringVar(&o.sha, "sha", "", "show which nodes cache the script with this SHA1")
	fs.StringVar(&o.file, "file", "", "show which nodes cache this script file (- for stdin); its SHA1 is computed locally")
	return cmd
}

// clusterJSON is the --json document of `luascope cluster`. Fields are
// only ever added.
type clusterJSON struct {
	Target  string               `json:"target"`
	Server  redisx.ServerInfo    `json:"server"`
	Cluster bool                 `json:"cluster"`
	Nodes   []redisx.ClusterNode `json:"nodes"`
	Slots   []slotRangeJSON      `json:"slots"`
	Served  int                  `json:"slots_served"`
	Script  *scriptJSON          `json:"script"`
}

type slotRangeJSON struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Node  string `json:"node"`
}

type scriptJSON struct {
	SHA    string            `json:"sha"`
	Cached map[string]bool   `json:"cached"`
	Errors map[string]string `json:"errors,omitempty"`
}

func (o *clusterOpts) run(cmd *cobra.Command) error {
	if o.sha != "" && o.file != "" {
		return usageErr("--sha and --file do not go together")
	}
	sha := strings.ToLower(o.sha)
	if sha != "" && !isSHA1(sha) {
		return usageErr("--sha %s: a script SHA1 is 40 hex digits", o.sha)
	}
	if o.file != "" {
		src, err := readScript(o.file, cmd.InOrStdin())
		if err != nil {
			return usageErr("%v", err)
		}
		sha = redisx.SHA1(src)
	}
	env, err := newEnv(cmd, o.conn, envOpts{quiet: o.json})
	if err != nil {
		return err
	}
	conn, err := env.connect(context.Background())
	if err != nil {
		return err
	}
	defer conn.close()
	s := conn.session
	ctx, cancel := nodeCtx(o.conn)
	defer cancel()
	top, err := s.ServerTopology(ctx)
	if err != nil {
		return &exitError{code: errCode(err), msg: err.Error(), cause: err}
	}
	var caches []redisx.NodeScript
	if sha != "" {
		if caches, err = s.ScriptCacheByNode(ctx, sha); err != nil {
			return &exitError{code: errCode(err), msg: err.Error(), cause: err}
		}
	}
	v := newClusterView(s, top, sha, caches)
	out := cmd.OutOrStdout()
	if o.json {
		err = writeJSON(out, v.json())
	} else {
		_, err = io.WriteString(out, v.text())
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
	}
	return nil
}

func isSHA1(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// clusterView is what `luascope cluster` prints, computed once for both
// the text and the JSON form.
type clusterView struct {
	target  string
	info    redisx.ServerInfo
	cluster bool
	top     *redisx.Topology
	letter  map[string]byte // primary ID (or addr when no ID) → its letter in the slot map
	sha     string
	caches  map[string]redisx.NodeScript // by addr
}

func newClusterView(s *redisx.Session, top *redisx.Topology, sha string, caches []redisx.NodeScript) *clusterView {
	v := &clusterView{target: s.Target().String(), info: s.Info(), cluster: s.Info().Mode == "cluster",
		top: top, letter: map[string]byte{}, sha: sha}
	for i, p := range top.PrimariesBySlot() {
		v.letter[nodeKey(p)] = redisx.SlotMapLetter(i)
	}
	if caches != nil {
		v.caches = map[string]redisx.NodeScript{}
		for _, c := range caches {
			v.caches[c.Node.Addr] = c
		}
	}
	return v
}

// primaries are in slot order, so the slot map reads A, B, C… from left
// to right.
func (v *clusterView) primaries() []redisx.ClusterNode { return v.top.PrimariesBySlot() }

func nodeKey(n redisx.ClusterNode) string {
	if n.ID != "" {
		return n.ID
	}
	return n.Addr
}

// ordered lists the nodes shard by shard: each primary (in address
// order) followed by its replicas, then replicas of unknown primaries.
func (v *clusterView) ordered() []redisx.ClusterNode {
	var out []redisx.ClusterNode
	placed := map[int]bool{}
	for _, p := range v.primaries() {
		out = append(out, p)
		for i, n := range v.top.Nodes {
			if n.Role == "replica" && n.PrimaryID != "" && n.PrimaryID == p.ID {
				out = append(out, n)
				placed[i] = true
			}
		}
	}
	for i, n := range v.top.Nodes {
		if n.Role != "primary" && !placed[i] {
			out = append(out, n)
		}
	}
	return out
}

// slotRanges is who serves what: maximal runs of slots with one owner.
func (v *clusterView) slotRanges() []slotRangeJSON {
	out := []slotRangeJSON{}
	if !v.cluster {
		return out
	}
	for slot := 0; slot < redisx.SlotCount; {
		owner, ok := v.top.Owner(slot)
		end := slot
		for end+1 < redisx.SlotCount {
			next, ok2 := v.top.Owner(end + 1)
			if ok2 != ok || next.Addr != owner.Addr {
				break
			}
			end++
		}
		if ok {
			out = append(out, slotRangeJSON{Start: slot, End: end, Node: owner.Addr})
		}
		slot = end + 1
	}
	return out
}

func (v *clusterView) served() int {
	n := 0
	for _, r := range v.slotRanges() {
		n += r.End - r.Start + 1
	}
	return n
}

func (v *clusterView) json() clusterJSON {
	j := clusterJSON{Target: v.target, Server: v.info, Cluster: v.cluster, Nodes: v.top.Nodes,
		Slots: v.slotRanges(), Served: v.served()}
	if v.sha != "" {
		j.Script = &scriptJSON{SHA: v.sha, Cached: map[string]bool{}}
		for addr, c := range v.caches {
			if c.Err != nil {
				if j.Script.Errors == nil {
					j.Script.Errors = map[string]string{}
				}
				j.Script.Errors[addr] = c.Err.Error()
				continue
			}
			j.Script.Cached[addr] = c.Cached
		}
	}
	return j
}

// Slot map geometry: 64 columns × 4 rows = 256 cells of 64 slots each.
const (
	mapCols  = 64
	mapRows  = 4
	perCell  = redisx.SlotCount / (mapCols * mapRows)
	unserved = '.'
	mixed    = '!'
)

// cell is the slot map character of slots [start, start+perCell): the
// owner's letter when one primary serves them all, '.' when none is
// served, '!' when they are split between owners (or partly unserved) or
// one of them is migrating.
func (v *clusterView) cell(start int) byte {
	var c byte
	for slot := start; slot < start+perCell; slot++ {
		l := byte(unserved)
		if owner, ok := v.top.Owner(slot); ok {
			l = v.letter[nodeKey(owner)]
		}
		if slot > start && l != c {
			return mixed
		}
		c = l
	}
	for _, n := range v.top.Nodes {
		for slot := range n.Migrating {
			if slot >= start && slot < start+perCell {
				return mixed
			}
		}
		for slot := range n.Importing {
			if slot >= start && slot < start+perCell {
				return mixed
			}
		}
	}
	return c
}

func (v *clusterView) text() string {
	var b strings.Builder
	nodes := v.top.Nodes
	if v.cluster {
		failing := 0
		for _, n := range nodes {
			if n.Failing() {
				failing++
			}
		}
		fmt.Fprintf(&b, "cluster   %s (%s %s): %d nodes, %d primaries, %d/%d slots served", esc(v.target),
			esc(v.info.Flavor), esc(v.info.Version), len(nodes), len(v.top.Primaries()), v.served(), redisx.SlotCount)
		if failing > 0 {
			fmt.Fprintf(&b, ", %d failing", failing)
		}
		b.WriteString("\n")
	} else {
		fmt.Fprintf(&b, "not a cluster: %s is a %s %s server (%s, cluster_enabled:0); every key lives on it\n",
			esc(v.target), esc(v.info.Flavor), esc(v.info.Version), esc(v.info.Mode))
	}
	if v.sha != "" {
		cached, failed := 0, 0
		for _, c := range v.caches {
			if c.Err != nil {
				failed++
			} else if c.Cached {
				cached++
			}
		}
		fmt.Fprintf(&b, "script    %s cached on %d of %d nodes", v.sha, cached, len(nodes))
		if failed > 0 {
			fmt.Fprintf(&b, " (%d did not answer)", failed)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	header := "map\tid\taddress\trole\tprimary\tslots\tlink\tflags\tepoch"
	if v.sha != "" {
		header += "\tcached"
	}
	fmt.Fprintln(tw, header)
	byID := map[string]redisx.ClusterNode{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	for _, n := range v.ordered() {
		mapCol, primary := "-", "-"
		if n.Role == "primary" && v.cluster {
			mapCol = string(v.letter[nodeKey(n)])
		} else if p, ok := byID[n.PrimaryID]; ok && n.PrimaryID != "" {
			primary = string(v.letter[nodeKey(p)]) + " " + esc(p.ShortID())
		} else if n.PrimaryID != "" {
			primary = esc(n.PrimaryID[:min(8, len(n.PrimaryID))])
		}
		id := esc(n.ShortID())
		if id == "" {
			id = "-"
		}
		row := []string{mapCol, id, esc(n.Addr), esc(n.Role), primary, compactSlots(n.Slots),
			esc(n.Link), nodeFlags(n), strconv.FormatInt(n.Epoch, 10)}
		if v.sha != "" {
			row = append(row, v.cachedCell(n.Addr))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	_ = tw.Flush()
	if v.cluster {
		fmt.Fprintf(&b, "\nslots     %d per cell; a letter is the primary serving them all, %c unserved, %c split or migrating\n",
			perCell, unserved, mixed)
		for row := 0; row < mapRows; row++ {
			first := row * mapCols * perCell
			line := make([]byte, mapCols)
			for col := range line {
				line[col] = v.cell(first + col*perCell)
			}
			fmt.Fprintf(&b, "  %5d   %s\n", first, line)
		}
		b.WriteString("legend\n")
		count := map[string]int{}
		for _, r := range v.slotRanges() {
			count[r.Node] += r.End - r.Start + 1
		}
		for _, p := range v.primaries() {
			fmt.Fprintf(&b, "  %c  %s  %s  %d slots\n", v.letter[nodeKey(p)], esc(p.Addr), esc(p.ShortID()), count[p.Addr])
		}
		if len(v.top.Primaries()) > redisx.SlotMapLetters {
			fmt.Fprintf(&b, "  +  any primary after the first %d (see --json)\n", redisx.SlotMapLetters)
		}
	}
	var errs []string
	for _, n := range v.ordered() {
		if c, ok := v.caches[n.Addr]; ok && c.Err != nil {
			errs = append(errs, fmt.Sprintf("  %s  %s", esc(n.Addr), strings.ReplaceAll(printable(c.Err.Error()), "\n", " ")))
		}
	}
	if len(errs) > 0 {
		b.WriteString("errors\n" + strings.Join(errs, "\n") + "\n")
	}
	return b.String()
}

func (v *clusterView) cachedCell(addr string) string {
	c, ok := v.caches[addr]
	switch {
	case !ok:
		return "?"
	case c.Err != nil:
		return "error"
	case c.Cached:
		return "yes"
	}
	return "no"
}

// nodeFlags are the flags worth a glance: myself, fail, pfail (fail?),
// handshake, noaddr, nofailover; role flags have their own column.
func nodeFlags(n redisx.ClusterNode) string {
	var out []string
	for _, f := range n.Flags {
		switch f {
		case "master", "slave", "noflags", "":
		case "fail?":
			out = append(out, "pfail")
		default:
			out = append(out, esc(f))
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

// maxRangesShown keeps the slots column readable for a fragmented node;
// --json has them all.
const maxRangesShown = 4

// compactSlots merges adjacent ranges ("0-99,100-199" → "0-199") and
// shows at most maxRangesShown of them.
func compactSlots(rs []redisx.SlotRange) string {
	if len(rs) == 0 {
		return "-"
	}
	sorted := append([]redisx.SlotRange(nil), rs...)
	for i := 1; i < len(sorted); i++ { // insertion sort: a handful of ranges
		for j := i; j > 0 && sorted[j].Start < sorted[j-1].Start; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	merged := []redisx.SlotRange{sorted[0]}
	for _, r := range sorted[1:] {
		last := &merged[len(merged)-1]
		if r.Start <= last.End+1 {
			last.End = max(last.End, r.End)
			continue
		}
		merged = append(merged, r)
	}
	var parts []string
	for i, r := range merged {
		if i == maxRangesShown {
			parts = append(parts, fmt.Sprintf("+%d more", len(merged)-i))
			break
		}
		if r.Start == r.End {
			parts = append(parts, strconv.Itoa(r.Start))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", r.Start, r.End))
		}
	}
	return strings.Join(parts, ",")
}
