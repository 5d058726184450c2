package main

import (
	"cmp"
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
	conn    *connFlags
	all     bool
	json    bool
	yes     bool
	library bool
}

// loadJSON is the --json document of `luascope load`. Fields are only
// ever added. For a library, SHA is the SHA1 of its code, the hash
// `luascope functions` shows, and Library its name.
type loadJSON struct {
	SHA     string         `json:"sha"`
	Library string         `json:"library,omitempty"`
	Nodes   []loadNodeJSON `json:"nodes"`
}

type loadNodeJSON struct {
	Node    string                   `json:"node"`
	SHA     string                   `json:"sha,omitempty"`
	Library string                   `json:"library,omitempty"`
	Error   *classify.Classification `json:"error"`
}

func newLoadCmd(conn *connFlags) *cobra.Command {
	o := &loadOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "load [connection flags] [--all] [--library] [--json] FILE",
		Short: "SCRIPT LOAD a script, or FUNCTION LOAD a library, on the server or every primary of a cluster",
		Long: `SCRIPT LOAD FILE (- for stdin) on the server named, or with --all on every
primary of a cluster at once, and print each node's SHA1 or its classified
error. The script cache is per node and Redis 7 does not pass SCRIPT LOAD on
to replicas, so after a failover the new primary may not have it. A failed
primary whose slots went to its replica is skipped.

A Functions library (--library, or a file whose first line starts with
"#!lua name=", which SCRIPT LOAD could only refuse) is sent with FUNCTION LOAD
REPLACE instead: functions are part of each shard's data, so with --all every
primary gets it (its replicas follow by replication) and each node's reply is
the library's name. The SHA printed is the SHA1 of the library's code, the
hash "luascope functions" shows to find drift.

SCRIPT LOAD changes no data, so read-only connections allow it; FUNCTION LOAD
does, so a read-only connection refuses it (exit 2, nothing sent). On a
connection marked production in the config file either asks for a typed yes
on the terminal, or needs --yes (without a terminal to ask on, nothing is
sent: exit 2).

Exit status: 0 loaded everywhere, 1 a node refused it (e.g. a compile error),
2 usage, 3 a node could not be reached.`,
		Example: `  luascope load limit.lua
  luascope load -c -p 30001 --all limit.lua
  luascope load -c -p 30001 --all --library ratelimit_lib.lua`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	cmd.Flags().BoolVar(&o.all, "all", false, "load on every primary of the cluster, in parallel")
	cmd.Flags().BoolVar(&o.json, "json", false, `print {"sha","nodes":[{"node","sha","error"}]} as JSON`)
	cmd.Flags().BoolVar(&o.yes, "yes", false, yesHelp)
	cmd.Flags().BoolVar(&o.library, "library", false, `FUNCTION LOAD REPLACE FILE as a Functions library (implied by a first line "#!lua name=")`)
	return cmd
}

func (o *loadOpts) run(cmd *cobra.Command, file string) error {
	src, err := readScript(file, cmd.InOrStdin())
	if err != nil {
		return usageErr("%v", err)
	}
	library := o.library || isLibrary(src)
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
	what, args := "SCRIPT LOAD changes its script cache", []any{"SCRIPT", "LOAD", src}
	if library {
		if s.ReadOnly() {
			return &exitError{code: exitUsage, msg: "FUNCTION LOAD changes the server's data, and this connection is read-only: nothing was sent"}
		}
		what, args = "FUNCTION LOAD REPLACE changes its functions", []any{"FUNCTION", "LOAD", "REPLACE", src}
	}
	if err := guardProduction(cmd, conn, o.yes, what); err != nil {
		return err
	}
	ctx, cancel := nodeCtx(o.conn)
	defer cancel()
	var replies []redisx.NodeReply
	if o.all {
		if replies, err = s.OnAllPrimaries(ctx, args...); err != nil {
			return &exitError{code: errCode(err), msg: err.Error(), cause: err}
		}
	} else {
		addr := s.Target().Addr
		v, err := s.OnNode(ctx, addr, args...)
		replies = []redisx.NodeReply{{Addr: addr, Reply: v, Err: err}}
	}
	doc := loadJSON{SHA: redisx.SHA1(src)}
	if library {
		// Without a shebang the server refuses it ("Missing library
		// metadata"); the header still says what was tried.
		doc.Library = cmp.Or(libraryName(src), "?")
	}
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
		case library:
			n.Library = string(r.Reply.Str)
		default:
			n.SHA = string(r.Reply.Str)
		}
		doc.Nodes = append(doc.Nodes, n)
	}
	return writeDoc(cmd, o.json, doc, func(w io.Writer) error { return writeLoadText(w, doc) }, code)
}

func writeLoadText(w io.Writer, doc loadJSON) error {
	var b strings.Builder
	loaded := 0
	for _, n := range doc.Nodes {
		if n.Error == nil {
			loaded++
		}
	}
	plural := map[bool]string{true: "s"}[len(doc.Nodes) != 1]
	if doc.Library != "" {
		fmt.Fprintf(&b, "library %s  code sha %s, loaded on %d of %d node%s\n", esc(doc.Library), doc.SHA, loaded, len(doc.Nodes), plural)
	} else {
		fmt.Fprintf(&b, "script  sha %s, loaded on %d of %d node%s\n", doc.SHA, loaded, len(doc.Nodes), plural)
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, n := range doc.Nodes {
		if n.Error == nil && n.Library != "" {
			fmt.Fprintf(tw, "  %s\tlibrary %s\n", esc(n.Node), esc(n.Library))
			continue
		}
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

// isLibrary reports whether src is a Functions library: its first line is
// a "#!lua name=…" shebang, which FUNCTION LOAD requires and SCRIPT LOAD
// refuses ("Unknown lua shebang option: name"), so such a file can only
// have been meant for FUNCTION LOAD.
func isLibrary(src string) bool {
	return libraryName(src) != ""
}

// libraryName is the name= of src's "#!lua" shebang, "" when it has none.
func libraryName(src string) string {
	line, _, _ := strings.Cut(src, "\n")
	rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "#!")
	if !ok {
		return ""
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 || fields[0] != "lua" {
		return ""
	}
	for _, f := range fields[1:] {
		if name, ok := strings.CutPrefix(f, "name="); ok {
			return name
		}
	}
	return ""
}
