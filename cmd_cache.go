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
	"luascope/redisx/incident"
	"luascope/redisx/resp"
)

type cacheOpts struct {
	conn     *connFlags
	json     bool
	check    bool
	replicas bool
	sha      string
	warnAt   int64
}

// generatedScripts is the default --warn-scripts: an application sends
// a handful of scripts; thousands in the cache are scripts generated
// with their values written into the body, each EVAL a new script.
const generatedScripts = 1000

func newCacheCmd(conn *connFlags) *cobra.Command {
	o := &cacheOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "cache [connection flags] [--json] [--check FILE... | --sha SHA [FILE...]]",
		Short: "Show every node's script cache, check scripts are cached, find a SHA's source",
		Long: `Without flags: per node (each primary and replica of a cluster, or the one
server) the script cache as INFO reports it: number_of_cached_scripts,
used_memory_scripts, used_memory_vm_eval and used_memory_vm_functions (7.0+),
evicted_scripts (Redis 8, Valkey 8.1). It warns when scripts are being evicted
(Redis 8 evicts EVAL-sent scripts past 500; EVALSHA of them then fails with
NOSCRIPT) and when a node caches --warn-scripts or more, the mark of scripts
generated with values written into their body: pass values as KEYS and ARGV
so that one script serves every call.

--check FILE...: for each file (its SHA1 computed here), the nodes whose cache
lacks it (SCRIPT EXISTS). Exit 1 when a primary lacks one. Redis does not pass
SCRIPT LOAD on to replicas, so replicas are shown but count only with
--replicas (for reads sent to replicas with EVALSHA_RO).

--sha SHA [FILE...]: where the script's source can be found: SCRIPT SHOW on
each node (Valkey 8.0+; other servers say "not supported by this server"),
luascope's run history, and the files given (their SHA1 computed). Prints the
source and where it came from, or says it is unknown (exit 1).

Exit status: 0 printed (all cached, source found), 1 a script is missing or
its source unknown, or an error reply, 2 usage, 3 a node could not be reached
(with --check: or read, e.g. BUSY: whether it caches a script is unknown).`,
		Example: `  luascope cache -p 30001
  luascope cache -p 30001 --check limit.lua queue.lua
  luascope cache -p 30001 --sha 6b1bf486c81ceb7edf3c093f4c48582e38c0e791 scripts/*.lua`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.json, "json", false, "print the result as JSON")
	fs.BoolVar(&o.check, "check", false, "check that each FILE's script is cached on every node")
	fs.BoolVar(&o.replicas, "replicas", false, "with --check: a replica lacking a script fails the check too")
	fs.StringVar(&o.sha, "sha", "", "find the source of the script with this SHA1 (server, history, FILEs)")
	fs.Int64Var(&o.warnAt, "warn-scripts", generatedScripts, "warn when a node caches at least this many scripts")
	return cmd
}

func (o *cacheOpts) run(cmd *cobra.Command, files []string) error {
	sha := strings.ToLower(o.sha)
	switch {
	case o.check && o.sha != "":
		return usageErr("--check and --sha do not go together")
	case o.check && len(files) == 0:
		return usageErr("--check needs at least one script FILE")
	case !o.check && o.sha == "" && len(files) > 0:
		return usageErr("script files go with --check or --sha")
	case o.sha != "" && !isSHA1(sha):
		return usageErr("--sha %s: a script SHA1 is 40 hex digits", o.sha)
	case o.replicas && !o.check:
		return usageErr("--replicas goes with --check")
	}
	srcs := make([]string, len(files))
	for i, f := range files {
		src, err := readScript(f, cmd.InOrStdin())
		if err != nil {
			return usageErr("%v", err)
		}
		srcs[i] = src
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
	ctx, cancel := nodeCtx(o.conn)
	defer cancel()
	switch {
	case o.check:
		return o.runCheck(ctx, cmd, conn.session, files, srcs)
	case o.sha != "":
		return o.runSHA(ctx, cmd, env, conn.session, sha, files, srcs)
	}
	return o.runStats(ctx, cmd, conn.session)
}

// writeOut writes the JSON document or the text, and the exit status.
func (o *cacheOpts) writeOut(cmd *cobra.Command, doc any, text func() string, code int) error {
	return writeDoc(cmd, o.json, doc, func(w io.Writer) error {
		_, err := io.WriteString(w, text())
		return err
	}, code)
}

// cacheJSON is the --json document of `luascope cache`. A figure the
// server does not report is -1. Fields are only ever added.
type cacheJSON struct {
	Target   string          `json:"target"`
	Nodes    []cacheNodeJSON `json:"nodes"`
	Warnings []string        `json:"warnings"`
}

type cacheNodeJSON struct {
	Node    string `json:"node"`
	Role    string `json:"role"`
	Primary string `json:"primary,omitempty"`
	*redisx.ScriptCacheStats
	Error *classify.Classification `json:"error"`
}

func primaryAddrs(nodes []redisx.ClusterNode) map[string]string {
	out := map[string]string{}
	for _, n := range nodes {
		if n.ID != "" {
			out[n.ID] = n.Addr
		}
	}
	return out
}

func (o *cacheOpts) runStats(ctx context.Context, cmd *cobra.Command, s *redisx.Session) error {
	stats, err := s.ScriptCacheByNodeStats(ctx)
	if err != nil {
		return &exitError{code: errCode(err), msg: err.Error(), cause: err}
	}
	stats = redisx.PrimaryFirst(stats, func(st redisx.ScriptCacheStats) redisx.ClusterNode { return st.Node })
	nodes := make([]redisx.ClusterNode, len(stats))
	for i, st := range stats {
		nodes[i] = st.Node
	}
	prim := primaryAddrs(nodes)
	doc := cacheJSON{Target: s.Target().String(), Nodes: []cacheNodeJSON{}, Warnings: []string{}}
	code := exitOK
	for i := range stats {
		st := &stats[i]
		j := cacheNodeJSON{Node: st.Node.Addr, Role: st.Node.Role, Primary: prim[st.Node.PrimaryID]}
		if st.Err != nil {
			// A node that could not be read (BUSY, NOPERM, no answer): its
			// figures are unknown, as for functions and cache --check.
			c := classify.ClassifyError(st.Err)
			j.Error = &c
			code = exitUnread
		} else {
			j.ScriptCacheStats = st
			doc.Warnings = append(doc.Warnings, st.Warnings(o.warnAt)...)
		}
		doc.Nodes = append(doc.Nodes, j)
	}
	return o.writeOut(cmd, doc, func() string { return cacheText(doc) }, code)
}

// bytesText is a byte count as INFO's _human fields write it: 336B,
// 65.00K, 1.20M.
func bytesText(n int64) string {
	if n < 0 {
		return "-"
	}
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + "B"
	}
	f, suffix := float64(n)/unit, "K"
	for _, s := range []string{"M", "G", "T"} {
		if f < unit {
			break
		}
		f, suffix = f/unit, s
	}
	return strconv.FormatFloat(f, 'f', 2, 64) + suffix
}

func countText(n int64) string {
	if n < 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

func nodeRole(role, primary string) string {
	if primary != "" {
		return role + " of " + esc(primary)
	}
	return role
}

func cacheText(doc cacheJSON) string {
	var b strings.Builder
	unread := 0
	for _, n := range doc.Nodes {
		if n.Error != nil {
			unread++
		}
	}
	fmt.Fprintf(&b, "script cache  %d %s (- where the server does not report it)", len(doc.Nodes), plural(len(doc.Nodes), "node", "nodes"))
	if unread > 0 {
		fmt.Fprintf(&b, "; %d could not be read (below)", unread)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tROLE\tSCRIPTS\tSCRIPTS MEMORY\tVM EVAL\tVM FUNCTIONS\tEVICTED")
	for _, n := range doc.Nodes {
		if n.Error != nil {
			// The error on a line of its own below: in a column it
			// widened the whole table.
			fmt.Fprintf(tw, "%s\t%s\t(could not be read)\n", esc(n.Node), nodeRole(n.Role, n.Primary))
			continue
		}
		st := n.ScriptCacheStats
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", esc(n.Node), nodeRole(n.Role, n.Primary), countText(st.CachedScripts),
			bytesText(st.UsedMemoryScripts), bytesText(st.VMEval), bytesText(st.VMFunctions), countText(st.EvictedScripts))
	}
	_ = tw.Flush()
	if unread > 0 {
		b.WriteString("could not be read (their figures are unknown):\n")
		for _, n := range doc.Nodes {
			if n.Error != nil {
				b.WriteString(unreadLine(n.Node, n.Error))
			}
		}
	}
	if len(doc.Warnings) > 0 {
		b.WriteString("warnings:\n")
		for _, w := range doc.Warnings {
			b.WriteString("  " + printable(w) + "\n")
		}
	}
	return b.String()
}

// cacheCheckJSON is the --json document of `luascope cache --check`.
type cacheCheckJSON struct {
	Target  string            `json:"target"`
	Scripts []cacheScriptJSON `json:"scripts"`
	// Errors are the nodes that could not say, by address.
	Errors map[string]*classify.Classification `json:"errors"`
	// AllCached is true when every script is on every node that counts
	// (the primaries, and with --replicas the replicas too).
	AllCached bool `json:"all_cached"`
}

type cacheScriptJSON struct {
	File            string   `json:"file"`
	SHA             string   `json:"sha"`
	MissingPrimary  []string `json:"missing_primaries"`
	MissingReplicas []string `json:"missing_replicas"`
	CachedOn        []string `json:"cached_on"`
}

func (o *cacheOpts) runCheck(ctx context.Context, cmd *cobra.Command, s *redisx.Session, files, srcs []string) error {
	shas := make([]string, len(srcs))
	for i, src := range srcs {
		shas[i] = redisx.SHA1(src)
	}
	nodes, err := s.ScriptsExistByNode(ctx, shas)
	if err != nil {
		return &exitError{code: errCode(err), msg: err.Error(), cause: err}
	}
	doc := cacheCheckJSON{Target: s.Target().String(), Errors: map[string]*classify.Classification{}, AllCached: true}
	code := exitOK
	for _, n := range nodes {
		if n.Err != nil {
			c := classify.ClassifyError(n.Err)
			doc.Errors[n.Node.Addr] = &c
			code = exitUnread
		}
	}
	for i, f := range files {
		sc := cacheScriptJSON{File: f, SHA: shas[i], MissingPrimary: []string{}, MissingReplicas: []string{}, CachedOn: []string{}}
		for _, n := range nodes {
			switch {
			case n.Err != nil:
			case n.Cached[i]:
				sc.CachedOn = append(sc.CachedOn, n.Node.Addr)
			case n.Node.Role == "replica":
				sc.MissingReplicas = append(sc.MissingReplicas, n.Node.Addr)
			default:
				sc.MissingPrimary = append(sc.MissingPrimary, n.Node.Addr)
			}
		}
		if len(sc.MissingPrimary) > 0 || (o.replicas && len(sc.MissingReplicas) > 0) {
			doc.AllCached = false
			code = max(code, exitErrorReply)
		}
		doc.Scripts = append(doc.Scripts, sc)
	}
	if len(doc.Errors) > 0 {
		doc.AllCached = false
	}
	return o.writeOut(cmd, doc, func() string { return cacheCheckText(doc, len(nodes)) + checkHints(doc, o.replicas) }, code)
}

func cacheCheckText(doc cacheCheckJSON, nodes int) string {
	var b strings.Builder
	escAll := func(addrs []string) string {
		out := make([]string, len(addrs))
		for i, a := range addrs {
			out[i] = esc(a)
		}
		return strings.Join(out, ", ")
	}
	for _, sc := range doc.Scripts {
		fmt.Fprintf(&b, "%s  sha %s: %s\n", printable(sc.File), sc.SHA, cachedOnText(len(sc.CachedOn), nodes, len(doc.Errors)))
		if len(sc.MissingPrimary) > 0 {
			fmt.Fprintf(&b, "  missing on primary %s\n", escAll(sc.MissingPrimary))
		}
		if len(sc.MissingReplicas) > 0 {
			fmt.Fprintf(&b, "  missing on replica %s\n", escAll(sc.MissingReplicas))
		}
	}
	b.WriteString(unreadText(doc.Errors))
	return b.String()
}

// cacheSHAJSON is the --json document of `luascope cache --sha`.
type cacheSHAJSON struct {
	SHA string `json:"sha"`
	// Source is the script's text, "" when unknown; From says where it
	// came from: "server NODE", "history", "file PATH".
	Source  string          `json:"source"`
	From    string          `json:"from"`
	Servers []shaServerJSON `json:"servers"`
	History *shaHistoryJSON `json:"history"`
	Files   []shaFileJSON   `json:"files"`
}

type shaServerJSON struct {
	Node string `json:"node"`
	// Status is "found", "not cached", "not supported by this server" or
	// "error".
	Status string                   `json:"status"`
	Error  *classify.Classification `json:"error,omitempty"`
}

type shaHistoryJSON struct {
	Runs   int       `json:"runs"`
	Last   time.Time `json:"last,omitzero"` // absent when history has no run of it (omitempty keeps a zero time)
	Target string    `json:"target,omitempty"`
	// Truncated: the newest run's source was cut to history's limits.
	Truncated bool   `json:"truncated"`
	Note      string `json:"note,omitempty"`
}

type shaFileJSON struct {
	File  string `json:"file"`
	SHA   string `json:"sha"`
	Match bool   `json:"match"`
}

func (o *cacheOpts) runSHA(ctx context.Context, cmd *cobra.Command, env *cliEnv, s *redisx.Session, sha string, files, srcs []string) error {
	doc := cacheSHAJSON{SHA: sha, Servers: []shaServerJSON{}, Files: []shaFileJSON{}}
	top, err := s.ServerTopology(ctx)
	if err != nil {
		return &exitError{code: errCode(err), msg: err.Error(), cause: err}
	}
	addrs := make([]string, len(top.Nodes))
	for i, n := range top.Nodes {
		addrs[i] = n.Addr
	}
	// The places in the order of trust, the resolver taking the first
	// that has the source: a node's own copy, the newest full run in
	// history, a file given.
	shown := incident.Show(ctx, s, addrs, sha)
	for _, sh := range shown {
		j := shaServerJSON{Node: sh.Node, Status: string(sh.Status)}
		switch {
		case sh.Err != nil:
			c := classify.ClassifyError(sh.Err)
			j.Error = &c
		case sh.Status == incident.ShowFailed:
			c := classify.Classify(sh.Message)
			j.Error = &c
		}
		doc.Servers = append(doc.Servers, j)
	}
	known := incident.ServerSources(shown, sha)
	doc.History = &shaHistoryJSON{}
	if env.historyOn(false) {
		hist, err := historyKnown()
		if err != nil {
			doc.History.Note = err.Error()
		}
		known = append(known, hist...)
	} else {
		doc.History.Note = "history is off in the config file"
	}
	for i, f := range files {
		fs := shaFileJSON{File: f, SHA: redisx.SHA1(srcs[i])}
		fs.Match = fs.SHA == sha
		doc.Files = append(doc.Files, fs)
		known = append(known, incident.Known{From: "file", Detail: f, SHA: fs.SHA, Text: srcs[i]})
	}
	res := incident.NewResolver(known)
	if src := res.Resolve(incident.Call{SHA: sha}); src != nil {
		doc.Source, doc.From = src.Text, src.From
		if src.From != "history" {
			doc.From += " " + src.Detail // "server NODE", "file PATH"
		}
	}
	h := doc.History
	for _, k := range res.Sightings(sha) {
		if k.From != "history" {
			continue
		}
		if h.Runs == 0 {
			h.Last, h.Target, h.Truncated = k.Time, k.Target, k.Truncated
		}
		h.Runs++
	}
	code := exitOK
	if doc.Source == "" {
		code = exitErrorReply
	}
	return o.writeOut(cmd, doc, func() string { return cacheSHAText(doc) }, code)
}

func cacheSHAText(doc cacheSHAJSON) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sha %s\n", doc.SHA)
	// Nodes that say the same are one line: six "not supported" lines
	// for a cluster of Redis servers say nothing six does not.
	var order []string
	same := map[string][]string{}
	for _, s := range doc.Servers {
		what := s.Status
		if s.Error != nil {
			what += " (" + string(s.Error.Class) + ") " + esc(s.Error.Message)
		}
		if _, seen := same[what]; !seen {
			order = append(order, what)
		}
		same[what] = append(same[what], esc(s.Node))
	}
	for _, what := range order {
		fmt.Fprintf(&b, "  SCRIPT SHOW on %s: %s\n", strings.Join(same[what], ", "), what)
	}
	if h := doc.History; h != nil {
		switch {
		case h.Note != "":
			fmt.Fprintf(&b, "  history: %s\n", printable(h.Note))
		case h.Runs == 0:
			b.WriteString("  history: no run with this SHA\n")
		default:
			fmt.Fprintf(&b, "  history: %d run%s, the last %s on %s\n", h.Runs, map[bool]string{true: "s"}[h.Runs != 1],
				h.Last.Local().Format("2006-01-02 15:04:05"), printable(h.Target))
		}
	}
	for _, f := range doc.Files {
		state := "a different script (sha " + shortHash(f.SHA) + ")"
		if f.Match {
			state = "this script"
		}
		fmt.Fprintf(&b, "  file %s: %s\n", printable(f.File), state)
	}
	if doc.Source == "" {
		b.WriteString("source unknown: not in any node's SCRIPT SHOW, luascope's history or the files given\n")
		return b.String()
	}
	fmt.Fprintf(&b, "source (from %s):\n", printable(doc.From))
	for _, line := range strings.Split(strings.TrimRight(doc.Source, "\n"), "\n") {
		b.WriteString("  " + resp.Printable(line) + "\n")
	}
	return b.String()
}
