package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/resp"
	"luascope/ui"
)

type examplesOpts struct {
	conn     *connFlags
	run      bool
	explain  bool
	json     bool
	quiet    bool
	source   bool
	tag      string
	strategy string
	noHist   bool
	yes      bool
}

func newExamplesCmd(conn *connFlags) *cobra.Command {
	o := &examplesOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "examples [NAME [--run [connection flags] [--explain] [--json]]]",
		Short: "A gallery of scripts that teach: list them, read one, run it",
		Long: `A gallery of Redis Lua scripts that teach: conversion rules (3.9 → 3, false →
nil, arrays cut at a nil), errors on purpose, RESP3 types, and patterns people
run in production (rate limiters, lock release, stock, leaderboards, job claims,
cluster-safe multi-key updates).

  luascope examples                 list them (--tag T to filter)
  luascope examples NAME            print the lesson and the script
  luascope examples NAME --source   print only the script (to save and edit)
  luascope examples NAME --run      run it: its setup commands first, then the
                                    script with its keys and arguments, exactly
                                    like 'luascope run'

--run writes: the setup deletes and recreates the example's keys. With no
server named it uses a private sandbox redis-server, even if one answers at
127.0.0.1:6379. On any other server (-p, -u, --connection) it names the
commands and keys and asks for a typed yes on the terminal, or needs --yes;
without a terminal to ask on nothing is sent (exit 2). It refuses connections
marked production or read-only, even with --yes: a lesson's setup has no
business there.

Exit status of --run: 0 a reply, 1 an error reply (several examples end in an
error on purpose), 2 usage, 3 connection.`,
		Example: `  luascope examples --tag pattern
  luascope examples nil-holes
  luascope examples average-rating --run --explain
  luascope examples resp3-profile-map --run -3 --json
  luascope examples cart-hash-tags --run --sandbox=cluster`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return examples.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error { return o.exec(cmd, args) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.run, "run", false, "run the example: setup commands, then the script (writes the example's keys)")
	fs.BoolVar(&o.explain, "explain", false, "with --run: explain how the Lua value became the reply")
	fs.BoolVar(&o.json, "json", false, "print JSON: the list, the example, or with --run the run (as 'luascope run --json')")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "with --run: print only the reply")
	fs.BoolVar(&o.source, "source", false, "print only the example's Lua source")
	fs.StringVar(&o.tag, "tag", "", "list only examples with this tag: "+strings.Join(examples.Tags, ", "))
	fs.StringVar(&o.strategy, "strategy", string(redisx.EvalshaLoad), "with --run: evalsha-load, evalsha-eval, eval or load-first")
	fs.BoolVar(&o.noHist, "no-history", false, "with --run: do not record the run in the history file")
	fs.BoolVar(&o.yes, "yes", false, "with --run: run the setup on a server that is not a sandbox without asking")
	return cmd
}

func (o *examplesOpts) exec(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		for _, name := range []string{"run", "explain", "quiet", "source", "strategy", "no-history", "yes"} {
			if cmd.Flags().Changed(name) {
				return usageErr("--%s needs an example NAME (luascope examples lists them)", name)
			}
		}
		return o.list(cmd.OutOrStdout())
	}
	if cmd.Flags().Changed("tag") {
		return usageErr("--tag filters the list: give it without a NAME")
	}
	e, err := examples.Get(args[0])
	if err != nil {
		return usageErr("%v", err)
	}
	if !o.run {
		for _, name := range []string{"explain", "quiet", "strategy", "no-history", "yes"} {
			if cmd.Flags().Changed(name) {
				return usageErr("--%s goes with --run", name)
			}
		}
	}
	switch {
	case o.source && (o.run || o.json):
		return usageErr("--source prints the script only: not with --run or --json")
	case o.source:
		_, err := io.WriteString(cmd.OutOrStdout(), e.Source)
		return err
	case o.run:
		return o.runExample(cmd, e)
	case o.json:
		return writeExampleJSON(cmd.OutOrStdout(), e)
	}
	return writeExampleText(cmd.OutOrStdout(), e)
}

func (o *examplesOpts) list(w io.Writer) error {
	if o.tag != "" && !slices.Contains(examples.Tags, o.tag) {
		return usageErr("--tag %s: the tags are %s", o.tag, strings.Join(examples.Tags, ", "))
	}
	var list []examples.Example
	for _, e := range examples.All() {
		if o.tag == "" || e.HasTag(o.tag) {
			list = append(list, e)
		}
	}
	if o.json {
		type item struct {
			Name  string   `json:"name"`
			Title string   `json:"title"`
			Tags  []string `json:"tags"`
		}
		items := make([]item, len(list))
		for i, e := range list {
			items[i] = item{e.Name, e.Title, e.Tags}
		}
		return writeJSON(w, items)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, e.Title, strings.Join(e.Tags, ","))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d examples. 'luascope examples NAME' shows one; add --run to run it.\n", len(list))
	return err
}

// writeExampleText prints an example for a person: what it teaches, how it is
// called, what Redis answers, and the script.
func writeExampleText(w io.Writer, e examples.Example) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n", e.Name, e.Title)
	fmt.Fprintf(&b, "tags      %s\n\n", strings.Join(e.Tags, ", "))
	for _, line := range strings.Split(ansi.Wordwrap(strings.Join(strings.Fields(e.Lesson), " "), 78, ""), "\n") {
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "keys      %s\n", exampleWords(e.Keys))
	fmt.Fprintf(&b, "args      %s\n", exampleWords(e.Args))
	if e.User != "" {
		fmt.Fprintf(&b, "user      %s  (the setup creates it; the script runs as this ACL user)\n", e.User)
	}
	for i, c := range e.Setup {
		label := "setup"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(&b, "%-9s %s\n", label, exampleWords(c))
	}
	for _, proto := range []int{2, 3} {
		want, ok := e.Expect[proto]
		if !ok {
			continue
		}
		label := "reply"
		if len(e.Expect) > 1 {
			label = fmt.Sprintf("RESP%d", proto)
		}
		var v resp.Value
		if err := json.Unmarshal([]byte(want), &v); err != nil {
			return fmt.Errorf("example %s: expected reply: %w", e.Name, err)
		}
		for i, line := range strings.Split(resp.Text(v), "\n") {
			if i > 0 {
				label = ""
			}
			fmt.Fprintf(&b, "%-9s %s\n", label, line)
		}
	}
	fmt.Fprintf(&b, "\n-- %s.lua\n%s", e.Name, e.Source)
	if !strings.HasSuffix(e.Source, "\n") {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nrun it: luascope examples %s --run [--explain] [-3]\n", e.Name)
	_, err := io.WriteString(w, b.String())
	return err
}

// exampleWords joins command words for display, quoting the ones a shell would
// split or that are empty, and escaping every byte a terminal would act on.
func exampleWords(ws []string) string {
	if len(ws) == 0 {
		return "(none)"
	}
	out := make([]string, len(ws))
	for i, s := range ws {
		e := resp.Escape([]byte(s))
		if e != s || s == "" || strings.ContainsAny(s, " \t'\"") {
			e = resp.Quote([]byte(s))
		}
		out[i] = e
	}
	return strings.Join(out, " ")
}

func writeExampleJSON(w io.Writer, e examples.Example) error {
	expect := map[string]json.RawMessage{}
	for proto, v := range e.Expect {
		expect[fmt.Sprint(proto)] = json.RawMessage(v)
	}
	// Keys and args are [] rather than null when an example has none.
	return writeJSON(w, struct {
		Name   string                     `json:"name"`
		Title  string                     `json:"title"`
		Lesson string                     `json:"lesson"`
		Tags   []string                   `json:"tags"`
		Keys   []string                   `json:"keys"`
		Args   []string                   `json:"args"`
		Setup  [][]string                 `json:"setup"`
		User   string                     `json:"user,omitempty"`
		Expect map[string]json.RawMessage `json:"expect"`
		Source string                     `json:"source"`
	}{e.Name, e.Title, e.Lesson, e.Tags, append([]string{}, e.Keys...), append([]string{}, e.Args...), e.Setup, e.User, expect, e.Source})
}

// runExample runs an example the way `luascope run` runs a script, after
// sending its setup commands on the session's admin connection.
func (o *examplesOpts) runExample(cmd *cobra.Command, e examples.Example) error {
	var call redisx.Call
	eo := envOpts{strategy: o.strategy, quiet: true}
	if o.json {
		eo.failureJSON = func(cause error) error {
			return redisx.ConnectFailureReport(o.conn.describe(), call, cause).WriteJSON(cmd.OutOrStdout())
		}
	}
	env, err := newEnv(cmd, o.conn, eo)
	if err != nil {
		return err
	}
	call = redisx.Call{Script: redisx.NewScript(e.Source), Keys: e.Keys, Args: e.Args, Strategy: env.strategy, Explain: o.explain}

	// The setup deletes and rewrites keys: never on a server the user did
	// not name (a local development server at 6379 is still someone's data).
	if !o.conn.explicit(cmd.Flags()) && o.conn.connection == "" {
		o.conn.sandbox = "standalone"
	}
	ctx := context.Background()
	conn, err := env.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.close()
	if conn.production {
		return usageErr("examples --run writes and deletes the example's keys: refusing on %s, a connection marked production", conn.label())
	}
	if conn.session.ReadOnly() {
		return usageErr("examples --run writes the example's keys (its setup): not on a read-only connection")
	}
	if err := examples.CanRunAsUser(conn.session, e); err != nil {
		return usageErr("%v", err)
	}
	if !conn.isSandbox() && !o.yes {
		cmds := make([]string, len(e.Setup))
		for i, c := range e.Setup {
			cmds[i] = exampleWords(c)
		}
		q := fmt.Sprintf("%s is not a sandbox, and example %s's setup deletes and rewrites %s there (%s)",
			conn.session.Target(), e.Name, exampleWords(e.Keys), strings.Join(cmds, "; "))
		if e.User != "" {
			// The user's name, never its password (the house rule, even for
			// the lesson's fixed one: it is in the example's setup).
			q += fmt.Sprintf(", and creates (or resets) the ACL user %s that the script runs as", e.User)
		}
		if err := confirmOrRefuse(cmd, q); err != nil {
			return err
		}
	}
	stderr, out := cmd.ErrOrStderr(), cmd.OutOrStdout()
	if conn.notice != "" && !o.json {
		// Said after the questions above (the notice is not one), and
		// here rather than by env.connect for that reason.
		fmt.Fprintln(stderr, "luascope: "+printable(conn.notice))
	}
	if !o.json && !o.quiet {
		fmt.Fprintf(out, "example   %s — %s\n", e.Name, e.Title)
	}
	for _, c := range e.Setup {
		v, moved, err := examples.SetupCommand(ctx, conn.session, c)
		if err != nil {
			return &exitError{code: exitConnection, msg: fmt.Sprintf("setup %s: %v", exampleWords(c), err), cause: err}
		}
		if v.Kind == resp.Error {
			return &exitError{code: exitErrorReply, msg: fmt.Sprintf("setup %s: %s", exampleWords(c), resp.Escape(v.Str))}
		}
		if !o.json && !o.quiet {
			where := ""
			if moved != "" {
				where = "  (MOVED: sent to " + moved + ")"
			}
			fmt.Fprintf(out, "setup     %s  <- %s%s\n", exampleWords(c), resp.Summary(*v, 60), where)
		}
	}

	// An example about a user's rights runs its script as that user, on
	// a connection of its own (the setup above created the user).
	run := conn
	if e.User != "" {
		u, err := examples.AsUser(ctx, conn.session, e)
		if err != nil {
			return &exitError{code: exitConnection, msg: err.Error(), cause: err}
		}
		defer u.Close()
		run = &connection{session: u, sandbox: conn.sandbox, cluster: conn.cluster, production: conn.production}
		if !o.json && !o.quiet {
			fmt.Fprintf(out, "user      %s  (the script runs as this ACL user)\n", e.User)
		}
	}
	done := sending(run)
	res := run.session.Run(ctx, call, nil)
	done()
	markInterrupted(&res, conn.isSandbox())
	env.record(o.noHist, ui.HistoryEntry(run.session, conn.label(), call, res))
	rep := redisx.NewReport(run.session, call, res)
	if o.json {
		err = rep.WriteJSON(out)
	} else {
		err = rep.WriteText(out, o.quiet)
		if err == nil && !o.quiet && res.Reply != nil {
			err = writeExampleExpectation(out, e, *res.Reply, res, conn.session.Info())
		}
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
	}
	if code := res.ExitCode(); code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// writeExampleExpectation tells whether Redis answered what the example expects,
// which is the point of running it: a difference means another Redis
// version, or data the setup did not control. The expectation is the one
// recorded for this server (Valkey flattens some maps in another order).
func writeExampleExpectation(w io.Writer, e examples.Example, got resp.Value, res redisx.Result, info redisx.ServerInfo) error {
	want := e.ExpectedOn(info.Flavor+" "+info.Version, info.Protocol)
	b, err := json.Marshal(got)
	if err != nil {
		return err
	}
	gotJSON := string(b)
	if res.SentSHA != "" && res.SentSHA != res.SHA {
		// Explain mode sends a wrapper, whose SHA Redis names in the
		// "script: SHA" suffix of error() replies.
		gotJSON = strings.ReplaceAll(gotJSON, res.SentSHA, res.SHA)
	}
	if exampleCanonicalReply(gotJSON) == exampleCanonicalReply(want) {
		_, err = fmt.Fprintf(w, "expected  yes: the reply the example expects for a RESP%d caller\n", info.Protocol)
		return err
	}
	var v resp.Value
	if err := json.Unmarshal([]byte(want), &v); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "expected  ⚠ the example expects, for a RESP%d caller (as redis 7.0.15, redis 8.0.2 and valkey 8.1.1 answer):\n%s\n", info.Protocol, resp.Text(v))
	return err
}

// exampleCanonicalReply re-encodes a JSON reply node with map entries and set
// members sorted: they come from a Lua table, whose order is no contract.
func exampleCanonicalReply(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	b, _ := json.Marshal(exampleSortUnordered(v))
	return string(b)
}

func exampleSortUnordered(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if e, ok := m["key"]; ok {
		m["key"], m["value"] = exampleSortUnordered(e), exampleSortUnordered(m["value"])
	}
	for _, field := range []string{"items", "entries", "attributes"} {
		switch list := m[field].(type) {
		case []any:
			for i := range list {
				list[i] = exampleSortUnordered(list[i])
			}
			if t := m["type"]; t == "set" || t == "map" || t == "attribute" {
				sort.Slice(list, func(i, j int) bool {
					a, _ := json.Marshal(list[i])
					b, _ := json.Marshal(list[j])
					return string(a) < string(b)
				})
			}
		case map[string]any:
			m[field] = exampleSortUnordered(list)
		}
	}
	return m
}
