package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/classify"
)

type functionsOpts struct {
	conn  *connFlags
	json  bool
	check bool
}

func newFunctionsCmd(conn *connFlags) *cobra.Command {
	o := &functionsOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "functions [connection flags] [--check] [--json]",
		Short: "List every node's Functions libraries and flag drift between nodes",
		Long: `Ask every node, each primary and replica of a cluster or the one server,
for its Functions libraries (FUNCTION LIST WITHCODE) and print each library's
name, engine, functions with their flags, and a short SHA1 of its code.

Functions are part of each shard's data: a client that loads a library on one
shard leaves the others without it, and an update that reached only some
primaries runs old code on the rest. So every library is checked on every
primary (missing, or different code: "drift"), and every replica against its
own primary. A replica may lag its primary for a moment right after a
FUNCTION LOAD; drift that is gone on a second look was replication in flight.
"luascope load --all --library FILE" puts one library on every primary.

--check is for CI and cron: exit 1 when there is drift, 0 when all nodes
agree. A node that could not be read (no answer, or an error reply such as
BUSY or NOPERM) is listed with its error, never counted as in sync or as
missing a library: nothing is known of it. Without --timeout, the per-node
questions give up after 10s.

Exit status: 0 printed (with --check: no drift), 1 drift (--check) or an
error reply to CLUSTER NODES, 2 usage, 3 a node could not be reached or
read (with or without --check).`,
		Example: `  luascope functions -p 30001
  luascope functions -p 30001 --check || alert "functions drift"
  luascope functions -p 30001 --json | jq '.drift'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.json, "json", false, `print {"target","nodes":[…],"drift":[…],"in_sync"} as JSON`)
	fs.BoolVar(&o.check, "check", false, "exit 1 when nodes disagree about any library (for CI and cron)")
	return cmd
}

// functionsJSON is the --json document of `luascope functions`. Fields
// are only ever added.
type functionsJSON struct {
	Target string              `json:"target"`
	Nodes  []functionsNodeJSON `json:"nodes"`
	Drift  []redisx.Drift      `json:"drift"`
	// InSync is true when every node answered and there is no drift.
	InSync bool `json:"in_sync"`
	// Unread are the nodes that could not be read (each has its error):
	// their libraries are unknown, so they are in neither InSync nor Drift.
	Unread []string `json:"unread"`
}

// exitUnread is the exit status when a node could not be read, for
// whatever reason (no answer, BUSY, NOPERM): as for a node that cannot be
// reached, since nothing is known of its libraries, which is neither
// "in sync" (0) nor drift (1).
const exitUnread = exitConnection

type functionsNodeJSON struct {
	Node      string                   `json:"node"`
	Role      string                   `json:"role"`
	Primary   string                   `json:"primary,omitempty"`
	Libraries []libraryJSON            `json:"libraries"`
	Error     *classify.Classification `json:"error"`
}

type libraryJSON struct {
	Name      string                   `json:"library_name"`
	Engine    string                   `json:"engine"`
	SHA       string                   `json:"sha"`
	Functions []redisx.LibraryFunction `json:"functions"`
}

func (o *functionsOpts) run(cmd *cobra.Command) error {
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
	nodes, err := s.LibrariesByNode(ctx)
	if err != nil {
		return &exitError{code: errCode(err), msg: err.Error(), cause: err}
	}
	nodes = redisx.PrimaryFirst(nodes, func(n redisx.NodeFunctions) redisx.ClusterNode { return n.Node })
	doc := functionsJSON{Target: s.Target().String(), Nodes: []functionsNodeJSON{}, Drift: redisx.FindDrift(nodes), Unread: []string{}}
	if doc.Drift == nil {
		doc.Drift = []redisx.Drift{}
	}
	addrByID := map[string]string{}
	for _, n := range nodes {
		if n.Node.ID != "" {
			addrByID[n.Node.ID] = n.Node.Addr
		}
	}
	code := exitOK
	for _, n := range nodes {
		j := functionsNodeJSON{Node: n.Node.Addr, Role: n.Node.Role, Primary: addrByID[n.Node.PrimaryID], Libraries: []libraryJSON{}}
		if n.Err != nil {
			c := classify.ClassifyError(n.Err)
			j.Error = &c
			doc.Unread = append(doc.Unread, n.Node.Addr)
			code = exitUnread
		}
		for _, l := range n.Libraries {
			// FUNCTION LIST's order is the server's hash table's: sorted,
			// two nodes' rows compare at a glance.
			fs := slices.SortedFunc(slices.Values(l.Functions), func(a, b redisx.LibraryFunction) int { return strings.Compare(a.Name, b.Name) })
			j.Libraries = append(j.Libraries, libraryJSON{Name: l.Name, Engine: l.Engine, SHA: redisx.LibraryHash(l), Functions: fs})
		}
		slices.SortFunc(j.Libraries, func(a, b libraryJSON) int { return strings.Compare(a.Name, b.Name) })
		doc.Nodes = append(doc.Nodes, j)
	}
	doc.InSync = len(doc.Unread) == 0 && len(doc.Drift) == 0
	if o.check && len(doc.Drift) > 0 {
		code = max(code, exitErrorReply)
	}
	return writeDoc(cmd, o.json, doc, func(w io.Writer) error {
		_, err := io.WriteString(w, functionsText(doc))
		return err
	}, code)
}

// shortHash is the 7-digit form of a code hash, as git shows commits:
// enough to tell versions apart in a table.
func shortHash(h string) string { return h[:min(7, len(h))] }

// functionsText is the table `luascope functions` prints: one row per
// library per node, then the drift, each line escaped (names, flags and
// errors come from the server).
func functionsText(doc functionsJSON) string {
	var b strings.Builder
	libs := map[string]bool{}
	for _, n := range doc.Nodes {
		for _, l := range n.Libraries {
			libs[l.Name] = true
		}
	}
	plural := func(n int, one, many string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	var states []string
	if len(doc.Drift) > 0 {
		states = append(states, plural(len(doc.Drift), "drift", "drifts"))
	}
	if len(doc.Unread) > 0 {
		// Never "in sync": nothing is known of these nodes' libraries.
		states = append(states, plural(len(doc.Unread), "node", "nodes")+" could not be read")
	}
	state := "in sync"
	if len(states) > 0 {
		state = strings.Join(states, ", ")
	}
	fmt.Fprintf(&b, "functions  %s, %s: %s\n", plural(len(doc.Nodes), "node", "nodes"), plural(len(libs), "library", "libraries"), state)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tROLE\tLIBRARY\tENGINE\tCODE\tFUNCTIONS")
	for _, n := range doc.Nodes {
		role := n.Role
		if n.Primary != "" {
			role += " of " + esc(n.Primary)
		}
		if n.Error != nil {
			// The error has a line of its own below: in a column, one
			// long server text widened the whole table.
			fmt.Fprintf(tw, "%s\t%s\t(could not be read)\n", esc(n.Node), role)
			continue
		}
		if len(n.Libraries) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t(none)\n", esc(n.Node), role)
			continue
		}
		for i, l := range n.Libraries {
			node, r := esc(n.Node), role
			if i > 0 {
				node, r = "", ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", node, r, esc(l.Name), esc(l.Engine), shortHash(l.SHA), functionsList(l.Functions))
		}
	}
	_ = tw.Flush()
	if len(doc.Unread) > 0 {
		b.WriteString("could not be read (libraries unknown, left out of the comparison):\n")
		for _, n := range doc.Nodes {
			if n.Error != nil {
				b.WriteString(unreadLine(n.Node, n.Error))
			}
		}
	}
	if len(doc.Drift) > 0 {
		b.WriteString("drift:\n")
		for _, d := range doc.Drift {
			b.WriteString("  " + driftLine(d) + "\n")
		}
	}
	return b.String()
}

// functionsList is "hello, ro (no-writes)": each function with its flags.
func functionsList(fs []redisx.LibraryFunction) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = esc(f.Name)
		if len(f.Flags) > 0 {
			flags := make([]string, len(f.Flags))
			for j, fl := range f.Flags {
				flags[j] = esc(fl)
			}
			parts[i] += " (" + strings.Join(flags, ",") + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// driftLine says one drift in words, with the short hashes to compare.
func driftLine(d redisx.Drift) string {
	name := esc(d.Library)
	nodes := make([]string, len(d.Nodes))
	for i, n := range d.Nodes {
		nodes[i] = esc(n)
	}
	switch d.Kind {
	case redisx.DriftMissing:
		word := "primary"
		if len(nodes) > 1 {
			word = "primaries"
		}
		return fmt.Sprintf("library %s missing on %s %s (other primaries have it)", name, word, strings.Join(nodes, ", "))
	case redisx.DriftCode:
		return fmt.Sprintf("library %s has different code on the primaries: %s", name, hashesText(d.Hashes))
	case redisx.DriftReplicaMissing:
		return fmt.Sprintf("library %s missing on replica %s (its primary %s has it)", name, nodes[0], esc(d.Primary))
	case redisx.DriftReplicaExtra:
		return fmt.Sprintf("library %s on replica %s but not on its primary %s", name, nodes[0], esc(d.Primary))
	case redisx.DriftReplicaCode:
		return fmt.Sprintf("library %s differs on replica %s from its primary %s: %s", name, nodes[0], esc(d.Primary), hashesText(d.Hashes))
	}
	return fmt.Sprintf("library %s: %s on %s", name, d.Kind, strings.Join(nodes, ", "))
}

// hashesText is "3f2a9c1 on a, b; 9b1e2d0 on c", hashes in order.
func hashesText(h map[string][]string) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		addrs := make([]string, len(h[k]))
		for j, a := range h[k] {
			addrs[j] = esc(a)
		}
		parts[i] = shortHash(k) + " on " + strings.Join(addrs, ", ")
	}
	return strings.Join(parts, "; ")
}
