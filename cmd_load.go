package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

type loadOpts struct {
	conn *connFlags
	all  bool
	json bool
	yes  bool
}

type loadJSON struct {
	SHA   string         `json:"sha"`
	Nodes []loadNodeJSON `json:"nodes"`
}

type loadNodeJSON struct {
	Node  string                   `json:"node"`
	SHA   string                   `json:"sha,omitempty"`
	Error *classify.Classification `json:"error"`
}

func newLoadCmd(conn *connFlags) *cobra.Command {
	o := &loadOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "load [connection flags] [--all] [--json] FILE",
		Short: "SCRIPT LOAD a script on the server, or on every primary of a cluster",
		Long: `SCRIPT LOAD FILE (- for stdin) on the server named, or with --all on every
primary of a cluster at once, and print each node's SHA1 or its classified
error. The script cache is per node and Redis 7 does not pass SCRIPT LOAD on
to replicas, so after a failover the new primary may not have it. A failed
primary whose slots went to its replica is skipped.

SCRIPT LOAD changes no data, so read-only connections allow it; on a
connection marked production in the config file it asks for a typed yes on the
terminal, or needs --yes (without a terminal to ask on, nothing is sent: exit 2).

Exit status: 0 loaded everywhere, 1 a node refused it (e.g. a compile error),
2 usage, 3 a node could not be reached.`,
		Example: `  luascope load limit.lua
  luascope load -c -p 30001 --all limit.lua`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	cmd.Flags().BoolVar(&o.all, "all", false, "load on every primary of the cluster, in parallel")
	cmd.Flags().BoolVar(&o.json, "json", false, `print {"sha","nodes":[{"node","sha","error"}]} as JSON`)
	cmd.Flags().BoolVar(&o.yes, "yes", false, yesHelp)
	return cmd
}

func (o *loadOpts) run(cmd *cobra.Command, file string) error {
	src, err := readScript(file, cmd.InOrStdin())
	if err != nil {
		return usageErr("%v", err)
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
	if err := guardProduction(cmd, conn, o.yes, "SCRIPT LOAD changes its script cache"); err != nil {
		return err
	}
	s := conn.session
	ctx, cancel := nodeCtx(o.conn)
	defer cancel()
	var replies []redisx.NodeReply
	if o.all {
		if replies, err = s.LoadOnAllPrimaries(ctx, src); err != nil {
			return &exitError{code: errCode(err), msg: err.Error(), cause: err}
		}
	} else {
		addr := s.Target().Addr
		v, err := s.OnNode(ctx, addr, "SCRIPT", "LOAD", src)
		replies = []redisx.NodeReply{{Addr: addr, Reply: v, Err: err}}
	}
	doc := loadJSON{SHA: redisx.SHA1(src)}
	code := exitOK
	for _, r := range replies {
		n := loadNodeJSON{Node: r.Addr}
		switch {
		case r.Err != nil:
			c := classify.ClassifyError(r.Err)
			n.Error = &c
			code = max(code, errCode(r.Err))
		case r.Reply.Kind == resp.Error:
			c := classify.Classify(string(r.Reply.Str))
			n.Error = &c
			code = max(code, exitErrorReply)
		default:
			n.SHA = string(r.Reply.Str)
		}
		doc.Nodes = append(doc.Nodes, n)
	}
	out := cmd.OutOrStdout()
	if o.json {
		err = writeJSON(out, doc)
	} else {
		err = writeLoadText(out, doc)
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
	}
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

func writeLoadText(w io.Writer, doc loadJSON) error {
	var b strings.Builder
	loaded := 0
	for _, n := range doc.Nodes {
		if n.Error == nil {
			loaded++
		}
	}
	fmt.Fprintf(&b, "script  sha %s, loaded on %d of %d node%s\n", doc.SHA, loaded, len(doc.Nodes), map[bool]string{true: "s"}[len(doc.Nodes) != 1])
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, n := range doc.Nodes {
		if n.Error == nil {
			fmt.Fprintf(tw, "  %s\t%s\n", esc(n.Node), esc(n.SHA))
			continue
		}
		fmt.Fprintf(tw, "  %s\terror (%s) %s\n", esc(n.Node), n.Error.Class, esc(n.Error.Message))
		if n.Error.Hint != "" {
			fmt.Fprintf(tw, "  \thint: %s\n", esc(n.Error.Hint))
		}
	}
	_ = tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}
