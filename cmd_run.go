package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/lint"
	"luascope/ui"
)

type runOpts struct {
	conn     *connFlags
	json     bool
	quiet    bool
	strategy string
	ro       bool
	code     string
	evalFile string
	function string
	library  string
	node     string
	noHist   bool
	explain  bool
	effects  bool
	yes      bool
}

func newRunCmd(conn *connFlags) *cobra.Command {
	o := &runOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "run [connection flags] [--json] [--strategy S] [--ro] (FILE | -e CODE | --function NAME) [KEY ...] [, ARG ...]",
		Short: "Run a script once and print its steps, reply and classified error",
		Long: `Run a script once, one round trip at a time, and print each step, the reply
like redis-cli prints it (with status and bulk replies told apart) and, when it
fails, the classified error. FILE may be - for stdin.

On a connection marked production in the config file, a run that may write
(not --ro, not a '#!lua flags=no-writes' script) asks for a typed yes on the
terminal, or needs --yes; without a terminal to ask on it is not sent (exit 2).

A signal (Ctrl-C, SIGTERM, SIGHUP) while the script runs closes the connection:
the run still prints its report (--json its document), the error says it was
interrupted, and the exit status is 128+signal (130 for Ctrl-C).

Exit status: 0 a reply, 1 an error reply, 2 usage, 3 connection (or a
--server-bin sandbox that cannot be started).`,
		Example: `  luascope run script.lua user:1 , 10
  luascope run -e "return redis.call('incr', KEYS[1])" counter
  luascope run --json --strategy evalsha-eval script.lua k , a
  luascope run -u redis://localhost:6380 --ro report.lua
  luascope run --connection prod --yes migrate.lua user:1`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.json, "json", false, "print the run as JSON (a stable contract; see README)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print only the reply")
	fs.StringVar(&o.strategy, "strategy", string(redisx.EvalshaLoad), "evalsha-load, evalsha-eval, eval or load-first")
	fs.BoolVar(&o.ro, "ro", false, "read-only: EVAL_RO / EVALSHA_RO / FCALL_RO; the server refuses writes")
	fs.StringVarP(&o.code, "code", "e", "", "the script's code, instead of a FILE")
	fs.StringVar(&o.evalFile, "eval", "", "FILE, as redis-cli --eval takes it: luascope run --eval FILE KEY … , ARG …")
	fs.StringVar(&o.function, "function", "", "call this Redis Function with FCALL instead of running a script")
	fs.StringVar(&o.library, "library", "", "with --function: FUNCTION LOAD REPLACE this library file first")
	fs.StringVar(&o.node, "node", "", "run on this node (host:port), e.g. a keyless script in a cluster")
	fs.BoolVar(&o.noHist, "no-history", false, "do not record this run in the history file")
	fs.BoolVar(&o.effects, "effects", false, "snapshot each key before and after the run and show what changed")
	fs.BoolVar(&o.explain, "explain", false, "explain how the Lua value became the reply, node by node, with warnings for lossy conversions")
	fs.BoolVar(&o.yes, "yes", false, yesHelp)
	dataWords(cmd)
	return cmd
}

func (o *runOpts) run(cmd *cobra.Command, words []string) error {
	words, err := checkDataWords(cmd, words)
	if err != nil {
		return err
	}
	if o.library != "" && o.function == "" {
		return usageErr("--library needs --function NAME (the function to call after loading it)")
	}
	if o.library != "" && o.ro {
		return usageErr("--library loads a library (FUNCTION LOAD), a write that --ro refuses: load it without --ro first")
	}
	var call redisx.Call
	eo := envOpts{strategy: o.strategy, readOnly: o.ro, quiet: o.json}
	if o.json {
		// --json promises one document per run, failed connections included.
		eo.failureJSON = func(cause error) error {
			return redisx.ConnectFailureReport(o.conn.describe(), call, cause).WriteJSON(cmd.OutOrStdout())
		}
	}
	env, err := newEnv(cmd, o.conn, eo)
	if err != nil {
		return err
	}
	call = redisx.Call{Strategy: env.strategy, ReadOnly: o.ro, Function: o.function, Node: o.node, Explain: o.explain, Effects: o.effects}
	if err := readCall(cmd, &call, o.code, o.evalFile, o.library, words); err != nil {
		return err
	}

	ctx := context.Background()
	// One round trip for a warm run: the handshake goes with the script's
	// first command, unless something must be known of the server first:
	// a snapshot (--effects), another node (--node), or whether it is a
	// cluster, which refuses keys in several slots before anything is sent.
	_, multiSlot := redisx.OtherSlot(call.Keys, nil)
	o.conn.deferHandshake = !o.effects && o.node == "" && !multiSlot
	conn, err := env.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.close()
	if call.Function == "" && lint.MayBlock(call.Script.Source) {
		// error() with a table without err crashes the server: refused on
		// read-only and production connections (lint.Blocking, as the TUI
		// does), a warning elsewhere. A script without the word "error"
		// cannot hold one: no lint. Elsewhere a script over the budget is
		// not linted (seconds for 10 MB), and the user is told; where the
		// lint is the guard, the whole script is linted.
		protect := conn.production || conn.session.ReadOnly()
		opt := lint.Options{NumKeys: len(call.Keys), ReadOnly: conn.session.ReadOnly(), Production: protect, MaxBytes: lint.DefaultBudget,
			Server: lint.Server{Flavor: conn.session.Info().Flavor, Version: conn.session.Info().Version}}
		if protect {
			opt.MaxBytes = 0
		}
		found := lint.Lint(call.Script.Source, opt)
		if lint.Skipped(found) {
			fmt.Fprintf(cmd.ErrOrStderr(), "luascope: note: %s, so error({…}) (crashes the server) was not looked for; %s\n", found[0].Message, found[0].Hint)
		}
		if b := lint.Blocking(found, protect); len(b) > 0 {
			if err := conn.session.Ready(ctx); err != nil {
				return env.connectFailed(err) // as if the handshake had come first
			}
			return &exitError{code: exitErrorReply, msg: fmt.Sprintf("not sent: line %d: %s", b[0].Line, b[0].Message)}
		}
		for _, f := range lint.Blocking(found, true) { // what would block here, had it been protected
			fmt.Fprintf(cmd.ErrOrStderr(), "luascope: warning: line %d: %s\n", f.Line, printable(f.Message))
		}
	}
	if err := guardProduction(cmd, conn, o.yes, runWrites(call, conn)); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// From here the heap is the reply: decoded once into buffers that
		// stay live until it is printed (streamed), with little garbage
		// besides (at most the reply's bytes once more). A collection finds
		// nothing to free and costs a scan of every element: for a reply
		// of 1,000,000 integers, a third of the run (docs/performance.md).
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
	}
	done := sending(conn)
	res := conn.session.Run(ctx, call, nil)
	done()
	if ce := (*redisx.ConnectError)(nil); errors.As(res.ClientErr, &ce) {
		return env.connectFailed(ce) // a deferred handshake failed: nothing ran
	}
	markInterrupted(&res, conn.isSandbox())
	env.record(o.noHist, ui.HistoryEntry(conn.session, conn.label(), call, res))
	rep := redisx.NewReport(conn.session, call, res)
	out := cmd.OutOrStdout()
	if o.json {
		err = rep.WriteJSON(out)
	} else {
		err = rep.WriteText(out, o.quiet)
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
	}
	if code := res.ExitCode(); code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// runWrites says what a run may change, for the production question, or
// "" when it cannot write: read-only (EVAL_RO, FCALL_RO, whether from
// --ro or the connection's config) or a script declaring no-writes,
// which Redis itself holds to. An FCALL is asked about: its function's
// flags live on the server.
func runWrites(call redisx.Call, conn *connection) string {
	switch {
	case conn.session.ReadOnly():
		return "" // --library too: read-only refuses FUNCTION LOAD
	case call.Library != "":
		return "--library replaces a function library (FUNCTION LOAD REPLACE)"
	case call.Function != "":
		return "FCALL " + call.Function + " may write (--ro sends FCALL_RO)"
	case call.Script.Shebang.HasFlag("no-writes"):
		return ""
	}
	return "this script may write (--ro runs it read-only)"
}

// readCall fills call's script (or --library), keys and args from the
// words and the -e/--eval flags of cmd, as run and compare take them;
// call.Function is already set when it calls a function. Its errors are
// usage errors.
func readCall(cmd *cobra.Command, call *redisx.Call, code, evalFile, library string, words []string) error {
	// -e '' is a script, an empty one, which Redis runs (it returns nil):
	// only no -e at all means no script was given.
	hasCode := cmd.Flags().Changed("code")
	words, err := evalFileWords(cmd, evalFile, words, call.Function != "")
	if err != nil {
		return err
	}
	switch {
	case call.Function != "":
		if hasCode {
			return usageErr("--function and -e do not go together")
		}
		if library != "" {
			// Capped like a script: a library is one.
			src, err := readScript(library, cmd.InOrStdin())
			if err != nil {
				return usageErr("--library: %v", err)
			}
			call.Library = src
		}
	case hasCode:
		call.Script = redisx.NewScript(code)
	case len(words) > 0 && words[0] != ",":
		src, err := readScript(words[0], cmd.InOrStdin())
		if err != nil {
			return usageErr("%v", err)
		}
		call.Script = redisx.NewScript(src)
		words = words[1:]
	default:
		return usageErr("%v", errNoScript)
	}
	call.Keys, call.Args = splitKeysArgs(words)
	return nil
}
