package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
	"luascope/redisx/suite"
)

type testOpts struct {
	conn   *connFlags
	update bool
	run    string
	json   bool
	junit  string
	bins   []string
	jobs   int
	init   string
	watch  bool
	target string
	flush  bool
}

// newTestCmd is `luascope test`: unit tests for scripts and functions,
// run on private real servers (redisx/suite, docs/testing.md).
func newTestCmd(conn *connFlags) *cobra.Command {
	o := &testOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "test [PATH...] [--update] [--run REGEX] [--json] [--junit FILE] [--server-bin PATH]... [-j N]",
		Short: "Run the *.test.toml tests of scripts and functions on private real servers",
		Long: `Run unit tests of Redis Lua scripts and Functions, written in *.test.toml
files (found under each PATH, default .), on private sandbox servers: real
redis-server (or valkey-server) processes on loopback, never a mock. Each
case starts on an empty server (FLUSHALL, SCRIPT FLUSH, FUNCTION FLUSH;
on --target, FLUSHDB of the URL's database instead of FLUSHALL),
runs its setup commands, calls the script (or FCALLs the function), and
checks the reply as luascope run prints it (types included), the error
class, and the keys' state after the run.

Each case prints a line as go test -v does (ok, FAIL, ERROR, skip); a
failure shows where the expected and actual replies part (the path of the
first difference, with types), the round trips and the classified error.

Exit status: 0 every case passed, 1 a case failed or could not run,
2 usage, a test file that does not read, or a --run that matches no case,
3 no server could be started.`,
		Example: `  luascope test                          # every *.test.toml under .
  luascope test tests/ --run 'limit'     # cases whose "file: name" matches
  luascope test --update tests/limit.test.toml   # write actual replies into expect
  luascope test --junit report.xml --server-bin redis-server --server-bin valkey-server`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.runTests(cmd, args) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.update, "update", false, "write the actual reply into the expect of each case that failed on its reply or has none (snapshot; keys_after is not rewritten; with several --server-bin, the first server's, and expect_on entries for servers that answer otherwise), keeping the file's layout")
	fs.StringVar(&o.run, "run", "", "run only the cases whose \"FILE: NAME\" matches this regular expression")
	fs.BoolVar(&o.json, "json", false, "print one JSON document (docs/testing.md)")
	fs.StringVar(&o.junit, "junit", "", "also write a JUnit XML report to FILE, for CI systems")
	fs.StringArrayVar(&o.bins, "server-bin", nil, "run the suite on a sandbox of this server binary (repeatable: once per server)")
	fs.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "cases run at once per server, each worker on its own sandbox")
	fs.StringVar(&o.init, "init", "", "write a starter test file for the script `FILE.lua` (FILE.test.toml): one case with the keys and args of its last run in history, its expect filled in from a run on a sandbox")
	fs.StringVar(&o.target, "target", "", "run on this server (redis://host:port[/db]) instead of private sandboxes; it is emptied between cases, so --allow-flush must say that is fine")
	fs.BoolVar(&o.flush, "allow-flush", false, "let --target's server be emptied before every case: FLUSHDB of the URL's database, SCRIPT FLUSH and FUNCTION FLUSH (server-wide)")
	fs.BoolVar(&o.watch, "watch", false, "run again whenever a test file, script or library changes (ctrl+c stops)")
	return cmd
}

// testRefused are the root's connection flags: tests run on private
// sandboxes, never on a server the user names (they empty it).
var testRefused = []string{"url", "host", "port", "pass", "user", "db", "tls", "cacert", "cert", "key", "sni", "insecure", "cluster", "askpass", "sandbox", "connection", "resp3"}

func (o *testOpts) runTests(cmd *cobra.Command, paths []string) error {
	for _, name := range testRefused {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			why := ""
			switch name {
			case "resp3":
				why = " (a test file says resp = 3)"
			case "cluster":
				why = " (a test file says cluster = true)"
			}
			return usageErr("luascope test runs on private sandboxes it empties between cases, not on --%s%s; --target URL --allow-flush names a server to run on", name, why)
		}
	}
	if o.jobs < 1 || o.jobs > 64 {
		return usageErr("-j %d: 1 to 64", o.jobs)
	}
	switch {
	case o.target == "" && o.flush:
		return usageErr("--allow-flush goes with --target URL")
	case o.target != "" && !o.flush:
		db := "the database the URL selects"
		if t, err := redisx.ParseURL(o.target); err == nil {
			db = fmt.Sprintf("database %d", t.DB)
		}
		return usageErr("--target %s: luascope test empties that server before every case: FLUSHDB of %s (its other databases are left alone), then SCRIPT FLUSH and FUNCTION FLUSH, which drop every cached script and function library of the whole server; add --allow-flush if they may go, or leave --target out to run on private sandboxes", redisx.RedactURL(o.target), db)
	case o.target != "" && len(o.bins) > 0:
		return usageErr("--target and --server-bin: one or the other")
	}
	if o.init != "" {
		if len(paths) > 0 || o.update || o.watch || o.json {
			return usageErr("--init FILE.lua writes one test file: no paths, --update, --watch or --json with it")
		}
		return o.initFile(cmd)
	}
	if o.watch {
		if o.update || o.json || o.junit != "" {
			return usageErr("--watch prints each run: not with --update, --json or --junit")
		}
		return o.watchTests(cmd, paths)
	}
	return o.runOnce(cmd, paths)
}

// runOnce is one run of the suite under paths, with its reports.
func (o *testOpts) runOnce(cmd *cobra.Command, paths []string) error {
	var filter *regexp.Regexp
	if o.run != "" {
		re, err := regexp.Compile(o.run)
		if err != nil {
			return usageErr("--run: %v", err)
		}
		filter = re
	}
	var target *redisx.Target
	if o.target != "" {
		t, err := redisx.ParseURL(o.target)
		if err != nil {
			return usageErr("--target: %v", err)
		}
		t.Timeout = o.conn.timeout
		target = &t
	}
	var bins []string
	for _, b := range o.bins {
		p, err := sandbox.LookBinary(b)
		if err != nil {
			return &exitError{code: exitConnection, msg: "--server-bin: " + err.Error()}
		}
		bins = append(bins, p)
	}
	if len(bins) == 0 && target == nil {
		if _, err := sandbox.FindBinary(); err != nil {
			return &exitError{code: exitConnection, msg: err.Error()}
		}
	}
	names, err := suite.Discover(paths)
	if err != nil {
		return usageErr("%v", err)
	}
	if len(names) == 0 {
		where := strings.Join(paths, " ")
		if where == "" {
			where = "."
		}
		return usageErr("no test files (*%s) under %s", suite.Ext, where)
	}
	var files []*suite.File
	var problems []string
	for _, n := range names {
		f, err := suite.Load(n)
		if err != nil {
			problems = append(problems, printable(err.Error()))
			continue
		}
		files = append(files, f)
	}
	if len(problems) > 0 {
		return &exitError{code: exitUsage, msg: strings.Join(problems, "\n")}
	}
	if filter != nil {
		// A --run that matches nothing is a mistake (a typo, a renamed
		// case): exit 2 before anything starts, so that CI does not pass
		// on zero cases.
		n, matched := 0, 0
		for _, f := range files {
			for _, c := range f.Cases {
				n++
				if suite.Selected(filter, f, c) {
					matched++
				}
			}
		}
		if matched == 0 {
			return &exitError{code: exitUsage, msg: fmt.Sprintf("no case matches --run %s (%d %s in %d %s; it matches \"FILE: NAME\")", resp.Printable(o.run), n, plural(n, "case", "cases"), len(files), plural(len(files), "file", "files"))}
		}
	}
	var junit *os.File
	if o.junit != "" {
		// Before the run: a path that cannot be written must not hide
		// the run's own outcome behind a late usage error.
		f, err := os.Create(o.junit)
		if err != nil {
			return usageErr("--junit: %v", err)
		}
		defer f.Close()
		junit = f
	}
	out := cmd.OutOrStdout()
	if o.json {
		out = io.Discard
	}
	ctx := context.Background()
	server := ""
	on := "" // the server's name is the header; --target's URL goes beside it
	if target != nil {
		on = " on " + target.String()
	}
	results := suite.Run(ctx, files, suite.Options{Binaries: bins, Jobs: o.jobs, Filter: filter, Timeout: o.conn.timeout, Target: target}, func(name string, r suite.CaseResult) {
		if name != server {
			server = name
			head := name + on
			if target != nil && name == target.String() {
				head = name // it did not answer: the URL is all there is
			}
			fmt.Fprintf(out, "=== %s\n", resp.Printable(head))
		}
		io.WriteString(out, suite.CaseLine(r))
	})
	counts := suite.Count(results)
	started := false
	for _, s := range results {
		if s.Err != "" && len(s.Cases) > 0 && allErrors(s.Cases) {
			fmt.Fprintf(cmd.ErrOrStderr(), "luascope: %s: %s\n", resp.Printable(cmp.Or(s.Binary, s.Target, s.Name)), resp.Printable(s.Err))
		} else {
			started = true
		}
		if !o.json {
			sc := suite.Count([]suite.ServerResult{s})
			fmt.Fprintf(out, "--- %s: %s%s\n", resp.Printable(s.Name), suite.Summary(sc), suite.Overhead(s))
		}
	}
	if o.json {
		if err := suite.WriteJSON(cmd.OutOrStdout(), results); err != nil {
			return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
		}
	} else if len(results) > 1 {
		fmt.Fprintln(out, suite.Summary(counts))
	}
	if junit != nil {
		err := suite.WriteJUnit(junit, results)
		if cerr := junit.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return usageErr("--junit: %v", err)
		}
	}
	if o.update {
		if err := o.writeUpdates(cmd, files, results); err != nil {
			return err
		}
	}
	switch {
	case !started && counts.Errors > 0:
		return &exitError{code: exitConnection}
	case counts.Failed > 0 || counts.Errors > 0:
		return &exitError{code: exitErrorReply}
	}
	return nil
}

// allErrors reports whether every case that was to run is an ERROR (the
// server never answered): skipped cases do not say the server started.
func allErrors(cases []suite.CaseResult) bool {
	n := 0
	for _, c := range cases {
		switch c.Outcome {
		case suite.Skip:
		case suite.Error:
			n++
		default:
			return false
		}
	}
	return n > 0
}

// writeUpdates writes what the run found into the files (suite.PlanUpdate):
// expect from the first server's reply, and an expect_on entry for each
// other server that replied otherwise, so the same run passes next time.
func (o *testOpts) writeUpdates(cmd *cobra.Command, files []*suite.File, results []suite.ServerResult) error {
	plan := suite.PlanUpdate(files, results)
	for _, n := range plan.Notes {
		fmt.Fprintf(cmd.ErrOrStderr(), "luascope: --update: %s\n", n)
	}
	paths := make([]string, 0, len(plan.Files))
	for p := range plan.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		cases := plan.Files[path]
		if err := suite.UpdateCases(path, cases); err != nil {
			return &exitError{code: exitUsage, msg: resp.Printable(err.Error())}
		}
		var on []string
		for _, ch := range cases {
			for k := range ch.SetOn {
				if !slices.Contains(on, k) {
					on = append(on, k)
				}
			}
		}
		sort.Strings(on)
		also := ""
		if len(on) > 0 {
			also = " (expect_on " + strings.Join(on, ", ") + ")"
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "luascope: updated %d case(s) in %s%s\n", len(cases), resp.Printable(path), resp.Printable(also))
	}
	if len(paths) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "luascope: --update: nothing to update")
	}
	return nil
}
