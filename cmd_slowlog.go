package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/incident"
)

type slowlogOpts struct {
	conn  *connFlags
	json  bool
	count int
}

func newSlowlogCmd(conn *connFlags) *cobra.Command {
	o := &slowlogOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "slowlog [connection flags] [--json] [--count N] [FILE ...]",
		Short: "Show the slow log's script and function calls, grouped per script with its source",
		Long: `Read SLOWLOG GET from the server (from every node of a cluster) and show the
calls of EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, FCALL and FCALL_RO grouped per
script or function: how many, the slowest and the median (p50) duration, and
each call's node, time, keys and arguments. Other commands are counted, not
listed.

Each script is mapped to its source where one is known: the EVAL body in the
log (when it is whole), a FILE given here (its SHA1 computed; a library file,
#!lua name=…, answers for the functions it registers), or luascope's run
history. The slow log keeps at most 32 words of a command and 128 bytes of
each: a longer EVAL body is matched by its first 128 bytes only, and said so.

Everything the server sent is shown escaped. Only SLOWLOG GET is sent: read-only
connections allow it.

Exit status: 0 the log was read, 1 a node refused SLOWLOG GET (e.g. ACL),
2 usage, 3 a node could not be reached.`,
		Example: `  luascope slowlog -p 6380
  luascope slowlog -c -p 30001 --count 500 limit.lua lib.lua
  luascope slowlog --json | jq '.groups[] | {sha, count, max_us}'`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print the groups and entries as JSON")
	cmd.Flags().IntVar(&o.count, "count", 128, "entries to read from each node (SLOWLOG GET N; the server keeps slowlog-max-len, 128 by default)")
	return cmd
}

// slowlogJSON is the --json document of `luascope slowlog`. Fields are
// only ever added. Strings from the server (keys, args, bodies, client
// names) are escaped as in the text output (resp.Escape).
type slowlogJSON struct {
	Nodes  []slowNodeJSON  `json:"nodes"`
	Total  int             `json:"total"`
	Other  int             `json:"other"`
	Groups []slowGroupJSON `json:"groups"`
}

type slowNodeJSON struct {
	Node    string `json:"node"`
	Entries int    `json:"entries"`
	Error   string `json:"error,omitempty"`
}

type slowGroupJSON struct {
	Kind     string          `json:"kind"`
	SHA      string          `json:"sha,omitempty"`
	Function string          `json:"function,omitempty"`
	BodyCut  bool            `json:"body_cut,omitempty"`
	Commands []string        `json:"commands"`
	Source   *sourceJSON     `json:"source"`
	Count    int             `json:"count"`
	MaxUS    int64           `json:"max_us"`
	P50US    int64           `json:"p50_us"`
	Entries  []slowEntryJSON `json:"entries"`
}

type sourceJSON struct {
	From        string `json:"from"`
	Detail      string `json:"detail,omitempty"`
	PrefixMatch bool   `json:"prefix_match,omitempty"`
	FirstLine   string `json:"first_line"`
}

type slowEntryJSON struct {
	Node       string    `json:"node"`
	ID         int64     `json:"id"`
	Time       time.Time `json:"time"`
	DurationUS int64     `json:"duration_us"`
	Command    string    `json:"command"`
	Keys       []string  `json:"keys"`
	Args       []string  `json:"args"`
	Cut        bool      `json:"cut,omitempty"`
	Client     string    `json:"client,omitempty"`
	ClientName string    `json:"client_name,omitempty"`
}

func (o *slowlogOpts) run(cmd *cobra.Command, files []string) error {
	if o.count <= 0 {
		return usageErr("--count %d: want 1 or more", o.count)
	}
	known, err := knownSources(cmd, files)
	if err != nil {
		return err
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
	if env.historyOn(false) {
		known = append(known, historySources(cmd)...)
	}
	ctx, cancel := nodeCtx(o.conn)
	defer cancel()
	addrs, err := allNodes(ctx, conn.session)
	if err != nil {
		return &exitError{code: errCode(err), msg: err.Error(), cause: err}
	}
	logs := incident.SlowLog(ctx, conn.session, addrs, o.count)
	doc := slowlogJSON{Groups: []slowGroupJSON{}}
	var all []incident.SlowEntry
	code := exitOK
	for _, l := range logs {
		n := slowNodeJSON{Node: l.Node, Entries: len(l.Entries)}
		if l.Err != nil {
			n.Error = l.Err.Error()
			code = max(code, errCode(l.Err))
		}
		doc.Nodes = append(doc.Nodes, n)
		all = append(all, l.Entries...)
	}
	sum := incident.Summarize(all, incident.NewResolver(known))
	doc.Total, doc.Other = sum.Total, sum.Other
	for _, g := range sum.Groups {
		doc.Groups = append(doc.Groups, groupJSON(g))
	}
	return writeDoc(cmd, o.json, doc, func(w io.Writer) error { return writeSlowlogText(w, doc) }, code)
}

func groupJSON(g incident.Group) slowGroupJSON {
	j := slowGroupJSON{Kind: string(g.Kind), SHA: esc(g.SHA), Function: esc(g.Function), Commands: g.Commands,
		Count: g.Count, MaxUS: g.Max.Microseconds(), P50US: g.P50.Microseconds()}
	if g.Source != nil {
		j.Source = &sourceJSON{From: g.Source.From, Detail: esc(g.Source.Detail), PrefixMatch: g.Source.Prefix,
			FirstLine: esc(firstLine(g.Source.Text))}
	}
	for _, e := range g.Entries {
		j.BodyCut = j.BodyCut || e.Call.BodyCut
		j.Entries = append(j.Entries, slowEntryJSON{Node: e.Node, ID: e.ID, Time: e.Time,
			DurationUS: e.Duration.Microseconds(), Command: e.Call.Command, Keys: escAll(e.Call.Keys),
			Args: escAll(e.Call.Args), Cut: e.Call.Cut, Client: esc(e.Client), ClientName: esc(e.ClientName)})
	}
	return j
}

func writeSlowlogText(w io.Writer, doc slowlogJSON) error {
	var b strings.Builder
	calls := doc.Total - doc.Other
	nodes := make([]string, 0, len(doc.Nodes))
	for _, n := range doc.Nodes {
		nodes = append(nodes, esc(n.Node))
	}
	fmt.Fprintf(&b, "slowlog of %s: %d entr%s, %d script call%s in %d group%s; %d other command%s not listed\n",
		strings.Join(nodes, " "), doc.Total, plural(doc.Total, "y", "ies"), calls, plural(calls, "", "s"),
		len(doc.Groups), plural(len(doc.Groups), "", "s"), doc.Other, plural(doc.Other, "", "s"))
	for _, n := range doc.Nodes {
		if n.Error != "" {
			fmt.Fprintf(&b, "  %s: %s\n", esc(n.Node), esc(n.Error))
		}
	}
	for _, g := range doc.Groups {
		b.WriteString("\n")
		switch {
		case g.Kind == "function":
			fmt.Fprintf(&b, "function %s", g.Function)
		case g.SHA != "":
			fmt.Fprintf(&b, "script %s", g.SHA)
		default:
			b.WriteString("script (SHA unknown: the log cut the EVAL body at 128 bytes)")
		}
		fmt.Fprintf(&b, "  %s  %d call%s  max %s  p50 %s\n", strings.Join(g.Commands, "/"), g.Count, plural(g.Count, "", "s"),
			fmtUS(g.MaxUS), fmtUS(g.P50US))
		switch s := g.Source; {
		case s == nil && g.Kind == "function":
			b.WriteString("  source: unknown (give the library file as an argument, or run it once with luascope)\n")
		case s == nil:
			b.WriteString("  source: unknown (give the script file as an argument, or run it once with luascope)\n")
		default:
			b.WriteString("  " + describeSource(s) + "\n")
		}
		for _, e := range g.Entries {
			fmt.Fprintf(&b, "  #%d  %s  %s  %s  keys [%s]  args [%s]", e.ID, e.Time.Local().Format("2006-01-02 15:04:05"),
				esc(e.Node), fmtUS(e.DurationUS), strings.Join(e.Keys, " "), strings.Join(e.Args, " "))
			if e.Cut {
				b.WriteString("  (cut by the log)")
			}
			if e.ClientName != "" {
				fmt.Fprintf(&b, "  client %s", e.ClientName)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtUS shows microseconds as a duration a person reads: 152.301ms.
func fmtUS(us int64) string { return (time.Duration(us) * time.Microsecond).String() }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func escAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = esc(s)
	}
	return out
}

// firstLine is the first line of a source that is not blank, for a
// one-line reminder of which script it is (cut at 80 bytes).
func firstLine(src string) string {
	for _, l := range strings.Split(src, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 80 {
				l = l[:80] + "…"
			}
			return l
		}
	}
	return ""
}

// knownSources reads the files given as arguments: each answers for its
// SHA1, and a library for its functions.
func knownSources(cmd *cobra.Command, files []string) ([]incident.Known, error) {
	var out []incident.Known
	for _, f := range files {
		src, err := readScript(f, cmd.InOrStdin())
		if err != nil {
			return nil, usageErr("%v", err)
		}
		out = append(out, incident.Known{From: "file", Detail: f, SHA: redisx.SHA1(src), Text: src})
	}
	return out, nil
}

// historySources is luascope's run history as sources (historyKnown): a
// problem reading it is a warning, never a failure.
func historySources(cmd *cobra.Command) []incident.Known {
	known, err := historyKnown()
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "luascope: history: %v\n", err)
	}
	return known
}

// historyKnown is every run of luascope's history, newest first, as
// incident.Known: the resolver takes each SHA's newest full source and
// counts the rest as sightings (cache --sha's runs).
func historyKnown() ([]incident.Known, error) {
	p, err := history.DefaultPath()
	if err != nil {
		return nil, err
	}
	st, err := history.Open(p, history.Options{})
	if err != nil {
		return nil, err
	}
	entries, _, err := st.Load()
	if err != nil {
		return nil, err
	}
	out := make([]incident.Known, 0, len(entries))
	for _, e := range history.NewestFirst(entries) {
		out = append(out, incident.Known{From: "history", SHA: e.SHA, Function: e.Function, Text: e.Source,
			Time: e.Time, Target: e.Target, Truncated: e.Truncated,
			Detail: "run " + e.Time.Local().Format("2006-01-02 15:04") + " on " + e.Target})
	}
	return out, nil
}

// allNodes is every node of a cluster (replicas run EVAL_RO and FCALL_RO
// too), or the one server.
func allNodes(ctx context.Context, s *redisx.Session) ([]string, error) {
	top, err := s.ServerTopology(ctx)
	if err != nil {
		return nil, err
	}
	return top.Reachable(), nil
}

// describeSource is a source's line: where it was found and its first
// line (already escaped).
func describeSource(s *sourceJSON) string {
	line := "source: " + s.From
	if s.Detail != "" {
		line += " (" + s.Detail + ")"
	}
	if s.PrefixMatch {
		line += ", matched by the body's first 128 bytes (the log keeps no more)"
	}
	return line + ": " + s.FirstLine
}
