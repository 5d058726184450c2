package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"luascope/redisx"
	"luascope/redisx/batch"
	"luascope/redisx/compare"
	"luascope/redisx/lint"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
)

type compareOpts struct {
	conn        *connFlags // the root's: -3, --config and --timeout count
	bins        []string
	conns       []string
	setup       []string
	allowWrites bool
	yes         bool
	json        bool
	strategy    string
	ro          bool
	code        string
	evalFile    string
	explain     bool
	effects     bool
	function    string
	library     string
}

func newCompareCmd(conn *connFlags) *cobra.Command {
	o := &compareOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "compare [--server-bin PATH]... [--connection NAME]... [--setup 'CMD ARG…']... [run flags] (FILE | -e CODE) [KEY ...] [, ARG ...]",
		Short: "Run a script on several servers and show what differs",
		Long: `Run the same script, with the same keys, args and run options, on several
servers, then show each run (reply with its wire types, error, steps, key
effects) and only the differences, each with its path (reply[2][1],
error.class, error.text, step 3, key foo) and each server's value.

Each --server-bin PATH starts a fresh private sandbox of that server binary
(redis-server, valkey-server, or a wrapper), stopped at the end; with none,
one sandbox of the redis-server on PATH takes part. --setup 'CMD ARG…'
(repeatable) sends a Redis command to each sandbox before the script; words
are split at spaces, "double quotes" group and take \n, \xNN escapes.

--connection NAME (repeatable) adds a named connection from the config file,
only when it is read-only (readonly = true), the run is --ro, or
--allow-writes is given; never one marked production without --yes. The
setup never runs there.

With --function NAME --library LIB.lua, each sandbox loads the library as
part of its setup (before --setup; --ro holds for the run, not for it).
Without --library, the sandboxes load the library as the first
--connection that has the function lists it (FUNCTION LIST WITHCODE).

Exit status: 0 all ran and agree, 1 they differ, 2 usage or refused (a
setup or library that got an error, or a server luascope refused to send
the script to: nothing compared), 3 a server could not be started or
reached.`,
		Example: `  luascope compare -3 -e 'return {double=3.9}' --server-bin redis-server --server-bin valkey-server
  luascope compare --server-bin /opt/redis-8/bin/redis-server --setup 'SET k 1' script.lua k
  luascope compare --json --connection staging --ro report.lua user:1`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&o.bins, "server-bin", nil, "start a sandbox of this server binary (repeatable; default: redis-server from PATH)")
	fs.StringArrayVar(&o.conns, "connection", nil, "also run on this named connection from the config file (repeatable; read-only, --ro or --allow-writes)")
	fs.StringArrayVar(&o.setup, "setup", nil, "a Redis command sent to each sandbox before the script, e.g. 'HSET h f 1' (repeatable)")
	fs.BoolVar(&o.allowWrites, "allow-writes", false, "let the script run on a --connection that is not read-only")
	fs.BoolVar(&o.yes, "yes", false, "let the script run on a --connection marked production")
	fs.BoolVar(&o.json, "json", false, "print one JSON document: each server's run report and the differences (see docs/compare.md)")
	fs.StringVar(&o.strategy, "strategy", string(redisx.EvalshaLoad), "evalsha-load, evalsha-eval, eval or load-first")
	fs.BoolVar(&o.ro, "ro", false, "read-only: EVAL_RO / EVALSHA_RO; the servers refuse writes")
	fs.StringVarP(&o.code, "code", "e", "", "the script's code, instead of a FILE")
	fs.StringVar(&o.evalFile, "eval", "", "FILE, as redis-cli --eval takes it")
	fs.BoolVar(&o.effects, "effects", false, "snapshot each key before and after the run, and compare what changed")
	fs.StringVar(&o.function, "function", "", "call this Redis Function with FCALL instead of running a script")
	fs.StringVar(&o.library, "library", "", "with --function: FUNCTION LOAD REPLACE this library on each sandbox as its setup (default: a --connection's copy; a named connection must have it loaded)")
	fs.BoolVar(&o.explain, "explain", false, "explain how the Lua value became the reply, and compare the lossy-conversion warnings")
	dataWords(cmd)
	return cmd
}

// compareServer is one server of a comparison: how to reach it, then its
// open connection and its run.
type compareServer struct {
	binary     string // a sandbox's binary, resolved on PATH; "" for a connection
	connection string // a named connection; "" for a sandbox
	conn       *connection
	name       string
	report     redisx.Report
	// notRun says why the server did not run the script at all (no round
	// trip: refused by luascope, or no node to send it to); "" when it ran.
	notRun     string
	notRunCode int // the exit status that failure calls for
}

// compareRefused are the root's connection flags that name one server:
// compare takes its servers from --server-bin and --connection.
var compareRefused = []string{"url", "host", "port", "pass", "user", "db", "tls", "cacert", "cert", "key", "sni", "insecure", "cluster", "askpass", "sandbox"}

func (o *compareOpts) run(cmd *cobra.Command, words []string) error {
	words, err := checkDataWords(cmd, words)
	if err != nil {
		return err
	}
	for _, name := range compareRefused {
		if cmd.Flags().Changed(name) {
			return usageErr("compare runs on sandboxes (--server-bin) and named connections (--connection), not on --%s", name)
		}
	}
	env, err := newEnv(cmd, o.conn, envOpts{strategy: o.strategy, readOnly: o.ro, quiet: true})
	if err != nil {
		return err
	}
	if o.library != "" && o.function == "" {
		return usageErr("--library goes with --function NAME: the function to call")
	}
	call := redisx.Call{Strategy: env.strategy, ReadOnly: o.ro, Explain: o.explain, Effects: o.effects, Function: o.function}
	if err := readCall(cmd, &call, o.code, o.evalFile, o.library, words); err != nil {
		return err
	}
	setup, err := parseSetup(o.setup)
	if err != nil {
		return err
	}
	servers, err := o.plan(env)
	if err != nil {
		return err
	}
	if call.Function != "" && call.Library == "" && len(o.conns) == 0 && !setupLoadsLibrary(setup) {
		return usageErr("--function %s needs --library LIB.lua: each sandbox starts empty and loads it (or add a --connection that has the function: its copy is loaded)", resp.Printable(call.Function))
	}
	if !call.ReadOnly && o.anyReadOnly(env) {
		// The same run on each server: EVALSHA_RO on one and EVALSHA on
		// another would differ by luascope's choice, not the servers'.
		o.ro, call.ReadOnly = true, true
		fmt.Fprintln(cmd.ErrOrStderr(), "luascope: note: a named connection is read-only, so the script runs read-only (EVAL_RO / EVALSHA_RO) on every server")
	}
	if len(o.conns) > 0 && len(setup) > 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "luascope: note: --setup runs on the sandboxes only, not on the named connections")
	}
	if len(o.conns) > 0 && call.Function == "" && lint.MayBlock(call.Script.Source) {
		// What run refuses on a protected connection (error({…}) crashes
		// Redis 7.0), compare refuses before anything is started.
		found := lint.Lint(call.Script.Source, lint.Options{NumKeys: len(call.Keys), ReadOnly: true, Production: true})
		if b := lint.Blocking(found, true); len(b) > 0 {
			return &exitError{code: exitUsage, msg: fmt.Sprintf("not sent: line %d: %s (compare refuses it on a named connection)", b[0].Line, b[0].Message)}
		}
	}

	ctx := context.Background()
	defer func() {
		for _, s := range servers {
			if s.conn != nil {
				s.conn.close()
			}
		}
	}()
	// The connections first: a function's library may come from one.
	for _, s := range servers {
		if s.connection != "" {
			if err := o.open(ctx, cmd, s, "", nil); err != nil {
				return err
			}
		}
	}
	if call.Function != "" && call.Library == "" && !setupLoadsLibrary(setup) {
		if call.Library, err = connectionLibrary(ctx, cmd.ErrOrStderr(), servers, call.Function); err != nil {
			return err
		}
	}
	for _, s := range servers {
		if s.connection == "" {
			if err := o.open(ctx, cmd, s, call.Library, setup); err != nil {
				return err
			}
		}
	}
	nameServers(servers)
	// The library is part of each sandbox's setup (open), as a private
	// server's data is: the run is the FCALL alone, read-only or not, and
	// takes the same steps as on a named connection, which has its own.
	call.Library = ""
	runs := make([]compare.Run, 0, len(servers))
	var notRun []*compareServer
	for _, s := range servers {
		done := sending(s.conn)
		res := s.conn.session.Run(ctx, call, nil)
		done()
		markInterrupted(&res, s.conn.isSandbox())
		s.report = redisx.NewReport(s.conn.session, call, res)
		runs = append(runs, compare.Run{Name: s.name, Report: s.report})
		if interruptedBy() != nil {
			return &exitError{code: exitConnection, msg: "interrupted: " + s.name + " did not finish; the other servers were not compared"}
		}
		if why := res.NotSent(); why != "" {
			s.notRun, s.notRunCode = resp.Escape([]byte(why)), notRunCode(res)
			notRun = append(notRun, s)
		}
	}
	var diffs []compare.Difference
	if len(notRun) == 0 {
		diffs = compare.Compare(runs)
	}
	out := cmd.OutOrStdout()
	if o.json {
		err = writeCompareJSON(out, servers, diffs)
	} else {
		err = writeCompareText(out, servers, diffs)
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
	}
	if len(notRun) > 0 {
		// Two servers that both sent nothing have nothing to agree on.
		code, why := exitUsage, make([]string, len(notRun))
		for i, s := range notRun {
			why[i] = resp.Printable(s.name) + ": " + s.notRun
			if s.notRunCode == exitConnection {
				code = exitConnection
			}
		}
		return &exitError{code: code, msg: "not compared: the script did not run on " + strings.Join(why, "; ")}
	}
	if len(diffs) > 0 {
		return &exitError{code: exitErrorReply}
	}
	return nil
}

// setupLoadsLibrary reports whether a --setup command loads a library
// itself (FUNCTION LOAD …), so that --function needs no --library.
func setupLoadsLibrary(setup [][]string) bool {
	for _, c := range setup {
		if len(c) >= 2 && strings.EqualFold(c[0], "FUNCTION") && strings.EqualFold(c[1], "LOAD") {
			return true
		}
	}
	return false
}

// connectionLibrary is the code of the library holding fn, as the first
// named connection that has it lists it (FUNCTION LIST WITHCODE, a
// read-only command), for the sandboxes to load: the TUI does the same
// with the Functions pane's copy. It says on w where the code came from.
func connectionLibrary(ctx context.Context, w io.Writer, servers []*compareServer, fn string) (string, error) {
	var looked []string
	for _, s := range servers {
		if s.connection == "" {
			continue
		}
		looked = append(looked, s.connection)
		libs, err := s.conn.session.Libraries(ctx)
		if err != nil {
			return "", &exitError{code: exitConnection, msg: fmt.Sprintf("--function %s without --library: connection %s: %v", resp.Printable(fn), s.connection, err), cause: err}
		}
		for _, l := range libs {
			for _, f := range l.Functions {
				if f.Name == fn {
					fmt.Fprintf(w, "luascope: note: --function %s without --library: each sandbox loads library %s as connection %s has it (FUNCTION LIST WITHCODE)\n",
						resp.Printable(fn), resp.Printable(l.Name), s.connection)
					return l.Code, nil
				}
			}
		}
	}
	return "", &exitError{code: exitUsage, msg: fmt.Sprintf("--function %s: no library on connection %s has it, and no --library was given: nothing was started or sent",
		resp.Printable(fn), strings.Join(looked, ", "))}
}

// notRunCode is the exit status of a run that sent no round trip
// (Result.NotSent): 2 when luascope refused to send it (read-only,
// keys of several cluster slots), 3 when there was no server to send it
// to (a cluster node unreachable).
func notRunCode(res redisx.Result) int {
	if res.ClientErr != nil && !errors.Is(res.ClientErr, redisx.ErrReadOnly) {
		return exitConnection
	}
	return exitUsage
}

// plan lists the servers, sandboxes first, and refuses a named connection
// the script must not run on, before any server is started or contacted.
func (o *compareOpts) plan(env *cliEnv) ([]*compareServer, error) {
	var servers []*compareServer
	bins := o.bins
	if len(bins) == 0 {
		bins = []string{""}
	}
	for _, b := range bins {
		path := b
		var err error
		if b == "" {
			path, err = sandbox.FindBinary()
		} else {
			path, err = exec.LookPath(b)
		}
		if err == nil {
			// The report names it absolute: "./redis-server" says little
			// in a saved document.
			path, err = filepath.Abs(path)
		}
		if err != nil {
			return nil, &exitError{code: exitConnection, msg: fmt.Sprintf("--server-bin %s: %v", b, err)}
		}
		servers = append(servers, &compareServer{binary: path})
	}
	seen := map[string]bool{}
	for _, name := range o.conns {
		if seen[name] {
			return nil, usageErr("--connection %s is named twice", name)
		}
		seen[name] = true
		nc, err := env.cfg.Connection(name)
		if err != nil {
			return nil, usageErr("--connection: %v", err)
		}
		switch {
		case nc.IsProduction() && !o.yes:
			return nil, &exitError{code: exitUsage, msg: fmt.Sprintf("connection %s is marked production: compare runs the script there only with --yes; nothing was started or sent", name)}
		case !nc.ReadOnly && !o.ro && !o.allowWrites:
			return nil, &exitError{code: exitUsage, msg: fmt.Sprintf("connection %s is not read-only and the script may write there: mark it readonly = true in the config, run with --ro, or add --allow-writes; nothing was started or sent", name)}
		}
		servers = append(servers, &compareServer{connection: name})
	}
	if len(servers) < 2 {
		return nil, usageErr("compare needs two servers or more: name them with --server-bin PATH (repeatable) or --connection NAME")
	}
	return servers, nil
}

// anyReadOnly reports whether a named connection is read-only in the
// config (plan has checked that each exists).
func (o *compareOpts) anyReadOnly(env *cliEnv) bool {
	for _, name := range o.conns {
		if nc, err := env.cfg.Connection(name); err == nil && nc.ReadOnly {
			return true
		}
	}
	return false
}

// open starts a sandbox (and loads the library, when a function is
// compared, then sends the setup there) or connects to a named
// connection, and names the server by its flavor and version.
func (o *compareOpts) open(ctx context.Context, cmd *cobra.Command, s *compareServer, library string, setup [][]string) error {
	if s.connection != "" {
		// A flag set of its own per connection: connect marks the URL it
		// applies as given, which would keep the next connection's.
		cf := &connFlags{}
		fs := pflag.NewFlagSet("compare", pflag.ContinueOnError)
		cf.register(fs)
		fs.Bool(wordsFlag, false, "")
		_ = fs.MarkHidden(wordsFlag)
		cf.connection, cf.configPath, cf.cfg = s.connection, o.conn.configPath, o.conn.cfg
		cf.resp3, cf.timeout, cf.readOnly = o.conn.resp3, o.conn.timeout, o.ro
		c, err := cf.connect(ctx, fs, cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		s.conn = c
	} else {
		srv, err := sandbox.Start(ctx, sandbox.Options{Binary: s.binary})
		if err != nil {
			return &exitError{code: exitConnection, msg: fmt.Sprintf("start %s: %v", s.binary, err)}
		}
		s.conn = &connection{sandbox: srv}
		proto := 2
		if o.conn.resp3 {
			proto = 3
		}
		// Not read-only yet: the setup writes; --ro holds for the run.
		t := redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: proto, Label: "sandbox", Timeout: o.conn.timeout}
		if s.conn.session, err = redisx.Connect(ctx, t); err != nil {
			return &exitError{code: exitConnection, msg: err.Error(), cause: err}
		}
		if library != "" {
			// Before the setup, which may call the library's functions.
			if err := s.conn.session.LoadLibrary(ctx, library); err != nil {
				what := fmt.Sprintf("the library (FUNCTION LOAD REPLACE, %d bytes)", len(library))
				var reply redis.Error
				if errors.As(err, &reply) {
					return &exitError{code: exitUsage, msg: fmt.Sprintf("%s on %s %s: %s; nothing was compared", what, srv.Version(), s.binary, reply.Error())}
				}
				return &exitError{code: exitConnection, msg: fmt.Sprintf("%s on %s: %v", what, s.binary, err), cause: err}
			}
		}
		for _, c := range setup {
			args := make([]any, len(c))
			for i, a := range c {
				args[i] = a
			}
			what := "setup " + setupWords(c)
			v, err := s.conn.session.Admin(ctx, args...)
			if err != nil {
				return &exitError{code: exitConnection, msg: fmt.Sprintf("%s on %s: %v", what, s.binary, err), cause: err}
			}
			if v.Kind == resp.Error {
				return &exitError{code: exitUsage, msg: fmt.Sprintf("%s on %s %s: %s; nothing was compared", what, srv.Version(), s.binary, resp.Escape(v.Str))}
			}
		}
		s.conn.session.SetReadOnly(o.ro)
	}
	info := s.conn.session.Info()
	s.name = info.Flavor + " " + info.Version
	return nil
}

// parseSetup splits each --setup command into its words, as a batch
// input line is split ("double quotes" and their escapes). A batch line
// takes its first lone comma for the keys' end and drops it, so one
// more word is parsed after the command's: with a lone comma it lands
// among the args, and the comma must be written quoted.
func parseSetup(lines []string) ([][]string, error) {
	out := make([][]string, 0, len(lines))
	for _, l := range lines {
		words, args, ok, err := batch.ParseLine(l + " end")
		switch {
		case err != nil:
			return nil, usageErr("--setup %q: %v", l, err)
		case len(args) > 0:
			return nil, usageErr("--setup %q: a lone comma is written \",\"", l)
		case !ok || len(words) < 2:
			return nil, usageErr("--setup %q: no command", l)
		}
		out = append(out, words[:len(words)-1])
	}
	return out, nil
}

// setupWords is a setup command for a message, escaped; a long or
// multi-line word (a library's code) is cut to its first line.
func setupWords(c []string) string {
	w := make([]string, len(c))
	for i, a := range c {
		if first, _, multi := strings.Cut(a, "\n"); multi || len(a) > 60 {
			if r := []rune(first); len(r) > 40 {
				first = string(r[:40])
			}
			w[i] = resp.Escape([]byte(first)) + fmt.Sprintf("…(%d bytes)", len(a))
			continue
		}
		w[i] = resp.Escape([]byte(a))
	}
	return strings.Join(w, " ")
}

// nameServers makes the servers' names unique: two sandboxes of one
// binary are "redis 7.0.15" and "redis 7.0.15 #2".
func nameServers(servers []*compareServer) {
	count := map[string]int{}
	for _, s := range servers {
		count[s.name]++
		if n := count[s.name]; n > 1 {
			s.name += " #" + strconv.Itoa(n)
		}
	}
}

// where is how a server was reached, for a person: its binary or its
// named connection.
func (s *compareServer) where() string {
	if s.connection != "" {
		return "connection " + s.connection + " (" + s.conn.session.Target().String() + ")"
	}
	return s.binary
}

// writeCompareText prints each run as `luascope run` does, then only the
// differences. Names, paths and values are escaped.
func writeCompareText(w io.Writer, servers []*compareServer, diffs []compare.Difference) error {
	width := 0
	for _, s := range servers {
		width = max(width, len([]rune(resp.Printable(s.name))))
	}
	for i, s := range servers {
		if _, err := fmt.Fprintf(w, "== %d. %s  %s\n", i+1, resp.Printable(s.name), resp.Printable(s.where())); err != nil {
			return err
		}
		if err := s.report.WriteText(w, false); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	var b strings.Builder
	notRun := false
	for _, s := range servers {
		if s.notRun != "" {
			fmt.Fprintf(&b, "not compared: %s did not run the script (0 round trips): %s\n", resp.Printable(s.name), resp.Printable(s.notRun))
			notRun = true
		}
	}
	switch {
	case notRun:
	case len(diffs) == 0:
		fmt.Fprintf(&b, "no differences: the %d servers agree\n", len(servers))
	default:
		fmt.Fprintf(&b, "differences (%d)\n", len(diffs))
		for _, d := range diffs {
			fmt.Fprintf(&b, "  %s\n", resp.Printable(d.Path))
			for _, s := range servers {
				fmt.Fprintf(&b, "    %-*s  %s\n", width, resp.Printable(s.name), resp.Printable(d.Values[s.name]))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// compareDoc is compare's --json document (docs/compare.md): a stable
// contract, fields only ever added.
type compareDoc struct {
	Servers     []compareDocServer   `json:"servers"`
	Differences []compare.Difference `json:"differences"`
	Agree       bool                 `json:"agree"`
}

// compareDocServer is one server in compareDoc: its name (the key of
// each difference's values), how it was reached, and its run's report,
// as `luascope run --json` prints it.
type compareDocServer struct {
	Name       string        `json:"name"`
	Binary     string        `json:"binary"`
	Connection string        `json:"connection,omitempty"`
	Report     redisx.Report `json:"report"`
	// NotRun says why the server did not run the script at all (no
	// round trip); absent when it ran. Then nothing is compared.
	NotRun string `json:"not_run,omitempty"`
}

// writeCompareJSON writes the document as Report.WriteJSON writes a run's:
// the replies streamed in (resp.JSONStream), never through encoding/json.
func writeCompareJSON(w io.Writer, servers []*compareServer, diffs []compare.Difference) error {
	doc := compareDoc{Differences: diffs, Agree: len(diffs) == 0}
	for _, s := range servers {
		if s.notRun != "" {
			doc.Agree = false
		}
	}
	if doc.Differences == nil {
		doc.Differences = []compare.Difference{}
	}
	var js resp.JSONStream
	for _, s := range servers {
		rep := s.report
		rep.Reply = js.Ref(rep.Reply)
		if rep.Steps != nil {
			rep.Steps = slices.Clone(rep.Steps)
			for i := range rep.Steps {
				rep.Steps[i].Reply = js.Ref(rep.Steps[i].Reply)
			}
		}
		doc.Servers = append(doc.Servers, compareDocServer{Name: s.name, Binary: s.binary, Connection: s.connection, Report: rep, NotRun: s.notRun})
	}
	return js.WriteJSON(w, doc)
}
