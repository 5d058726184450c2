package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"luascope/config"
	"luascope/history"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/lint"
	"luascope/redisx/resp"
	"luascope/ui"
)

const rootLong = `luascope shows what Redis does with a Lua script: every round trip
(EVALSHA, NOSCRIPT, SCRIPT LOAD, retry, MOVED), the exact reply with its wire
types, and a classified error with a hint.

Connection flags follow redis-cli: -h HOST -p PORT -a PASS --user NAME -n DB
-u URL --tls -c -3. With no server named and nothing at 127.0.0.1:6379,
luascope starts a private sandbox redis-server and stops it on exit.`

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "luascope [connection flags] [FILE [KEY ...] [, ARG ...]]",
		Short:         "Run, trace and explain Redis Lua scripts",
		Long:          rootLong,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version,
		Args:          cobra.ArbitraryArgs,
	}
	conn := &connFlags{}
	conn.register(root.PersistentFlags())
	tui := &tuiOpts{conn: conn}
	tui.register(root.Flags())
	root.RunE = tui.runTUI
	dataWords(root)
	debug := &cobra.Command{
		Use:   "debug [connection flags] FILE [KEY ...] [, ARG ...]",
		Short: "Open the terminal UI in Redis's Lua debugger (LDB) on FILE",
		Long: `Open the terminal UI straight in the step debugger: SCRIPT DEBUG YES (forked:
a copy of the server, changes rolled back). s/n step, c continue, b breakpoint,
p print, e eval, r redis command, m maxlen, a abort, esc leaves. Alt+F9 in the
UI starts SCRIPT DEBUG SYNC instead, after a typed confirmation.

Read-only (--ro, or readonly = true on the connection) debugs forked only:
SYNC is refused, the script runs as EVAL_RO so the server refuses its writes,
and r sends only commands the server's COMMAND INFO flags readonly.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tui.debug = true
			return tui.runTUI(cmd, args)
		},
	}
	tui.register(debug.Flags())
	dataWords(debug)
	root.AddCommand(debug)
	// cobra would give help the shorthand -h, which redis-cli users know as the host.
	root.PersistentFlags().Bool("help", false, "show help")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
	root.AddCommand(newRunCmd(conn), newExplainCmd(), newVersionCmd())
	root.AddCommand(newClusterCmd(conn), newKeyslotCmd(), newLoadCmd(conn))
	root.AddCommand(newBatchCmd(conn))
	root.AddCommand(newExamplesCmd(conn))
	root.AddCommand(newLintCmd())
	return root
}

// resolveStrategy is --strategy when given, else the config file's
// strategy, else the default: the same precedence for every command.
func resolveStrategy(cmd *cobra.Command, flag string, cfg config.Config) (redisx.Strategy, error) {
	if !cmd.Flags().Changed("strategy") && cfg.Strategy != "" {
		flag = cfg.Strategy
	}
	st, err := redisx.ParseStrategy(flag)
	if err != nil {
		return "", usageErr("--strategy: %v", err)
	}
	return st, nil
}

// writeJSON writes one JSON document and a newline by the rule every
// --json output follows (resp.WriteJSON): <, > and & as they are, and no
// control, bidi or other hidden character raw.
func writeJSON(w io.Writer, v any) error {
	return resp.WriteJSON(w, v)
}

// splitKeysArgs splits positional words at the first lone comma, like
// redis-cli --eval: KEY ... , ARG ...
func splitKeysArgs(words []string) (keys, args []string) {
	for i, w := range words {
		if w == "," {
			return words[:i], words[i+1:]
		}
	}
	return words, nil
}

type runOpts struct {
	conn     *connFlags
	json     bool
	quiet    bool
	strategy string
	ro       bool
	code     string
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

Exit status: 0 a reply, 1 an error reply, 2 usage, 3 connection.`,
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
	fs.StringVarP(&o.code, "eval", "e", "", "the script's code, instead of a FILE")
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
	cfg, err := o.conn.loadConfig()
	if err != nil {
		return err
	}
	strategy, err := resolveStrategy(cmd, o.strategy, cfg)
	if err != nil {
		return err
	}
	call := redisx.Call{Strategy: strategy, ReadOnly: o.ro, Function: o.function, Node: o.node, Explain: o.explain, Effects: o.effects}
	// -e '' is a script, an empty one, which Redis runs (it returns nil):
	// only no -e at all means no script was given.
	hasCode := cmd.Flags().Changed("eval")
	switch {
	case o.function != "":
		if hasCode {
			return usageErr("--function and -e do not go together")
		}
		if o.library != "" {
			// Capped like a script: a library is one.
			src, err := readScript(o.library, cmd.InOrStdin())
			if err != nil {
				return usageErr("--library: %v", err)
			}
			call.Library = src
		}
	case hasCode:
		call.Script = redisx.NewScript(o.code)
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

	ctx := context.Background()
	o.conn.readOnly = o.ro
	conn, err := o.conn.connect(ctx, cmd.Flags(), cmd.ErrOrStderr())
	if err != nil {
		if ex, ok := err.(*exitError); ok && o.json && ex.code == exitConnection {
			// --json promises one document per run, failed connections included.
			_ = redisx.ConnectFailureReport(o.conn.describe(), call, ex.cause).WriteJSON(cmd.OutOrStdout())
		}
		return err
	}
	defer conn.close()
	if conn.notice != "" && !o.json {
		fmt.Fprintln(cmd.ErrOrStderr(), "luascope: "+printable(conn.notice))
	}
	if call.Function == "" {
		// error() with a table without err crashes Redis 7.0.15: refused on
		// read-only and production connections, a warning elsewhere.
		protect := conn.production || conn.session.ReadOnly()
		found := lint.Lint(call.Script.Source, lint.Options{NumKeys: len(call.Keys), ReadOnly: conn.session.ReadOnly(), Production: protect})
		for _, f := range found {
			if f.Code != lint.CodeErrorTableNoErr {
				continue
			}
			if protect {
				return &exitError{code: exitErrorReply, msg: fmt.Sprintf("not sent: line %d: %s", f.Line, f.Message)}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "luascope: warning: line %d: %s\n", f.Line, printable(f.Message))
		}
	}
	if err := guardProduction(cmd, conn, o.yes, runWrites(call, conn)); err != nil {
		return err
	}
	done := sending(conn)
	res := conn.session.Run(ctx, call, nil)
	done()
	markInterrupted(&res, conn.isSandbox())
	if !o.noHist {
		recordRun(cmd.ErrOrStderr(), ui.HistoryEntry(conn.session, conn.label(), call, res))
	}
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

// maxScript bounds a script read from a file or stdin: Redis's own
// proto-max-bulk-len default is 512 MB, but a script of more than 64 MiB
// is a mistake (a binary file), not a script.
const maxScript = 64 << 20

func readScript(path string, stdin io.Reader) (string, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("read script: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxScript+1))
	if err != nil {
		return "", fmt.Errorf("read script %s: %w", path, err)
	}
	if len(b) > maxScript {
		return "", fmt.Errorf("script %s is larger than %d MiB", path, maxScript>>20)
	}
	return string(b), nil
}

func newExplainCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "explain-error [--json] (MESSAGE | -)",
		Short: "Classify an error message pasted from a log, a client or redis-cli",
		Example: `  luascope explain-error 'NOSCRIPT No matching script. Please use EVAL.'
  luascope explain-error "no such key script: 871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a"
  kubectl logs api | grep ResponseError | luascope explain-error -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var msg string
			switch {
			case len(args) == 1 && args[0] == "-":
				b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1<<20))
				if err != nil {
					return usageErr("read stdin: %v", err)
				}
				msg = strings.TrimSpace(string(b))
			case len(args) >= 1:
				msg = strings.Join(args, " ")
			default:
				return usageErr("explain-error needs a MESSAGE, or - to read it from stdin")
			}
			if msg == "" {
				return usageErr("explain-error: the message is empty")
			}
			classes := classify.ClassifyPasted(msg)
			out := cmd.OutOrStdout()
			if asJSON {
				if len(classes) == 1 {
					return writeJSON(out, classes[0])
				}
				return writeJSON(out, classes)
			}
			for i, c := range classes {
				if i > 0 {
					fmt.Fprintln(out)
				}
				if err := redisx.WriteClassification(out, c); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the classification as JSON")
	return cmd
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print luascope's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "luascope %s\n", version)
		},
	}
}

// recordRun appends a CLI run to the history the TUI browses, unless the
// config turns history off. A history problem is a warning, never a
// failed run.
func recordRun(stderr io.Writer, e history.Entry) {
	if cfgPath, err := config.DefaultPath(); err == nil {
		if cfg, err := config.Load(cfgPath); err == nil && !cfg.HistoryEnabled() {
			return
		}
	}
	p, err := history.DefaultPath()
	if err == nil {
		var s *history.Store
		if s, err = history.Open(p, history.Options{}); err == nil {
			err = s.Append(e)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "luascope: history: %v\n", err)
	}
}
