package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/batch"
	"luascope/redisx/classify"
)

type batchOpts struct {
	conn     *connFlags
	code     string
	evalFile string
	input    string
	strategy string
	node     string
	ro       bool
	dryRun   bool
	json     bool
	pipeline int
	conns    int
	downWait time.Duration
	yes      bool
}

func newBatchCmd(conn *connFlags) *cobra.Command {
	o := &batchOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "batch [connection flags] (FILE | -e CODE) --input LINES [--ro] [--dry-run] [--json] [--pipeline N] [--connections N] [--strategy S]",
		Short: "Run one script over many key/argument sets, pipelined per node",
		Long: `Run one script once per line of LINES (a file, or - for stdin), each line
"KEY ... , ARG ..." like redis-cli --eval. Words are split on spaces; a word in
double quotes may hold spaces, a comma and escapes (\x00 \n \" \\ \u{202e}).
Blank lines and lines starting with # are skipped; a line that cannot be parsed
is reported with its number.

The script is loaded once per node, then sent with EVALSHA (EVALSHA_RO with
--ro) in pipelines of --pipeline calls, nodes in parallel, on --connections
connections per node (default 1), keeping two to eight pipelines in flight on
each (about 512 calls per node).
On a cluster each line goes to the primary that serves its first key's slot;
lines whose keys span slots are reported as crossslot and not sent. Lines that
got NOSCRIPT, MOVED or ASK did not run and are sent again; a line whose reply
was lost with the connection is reported unknown (it may have run) and never
sent again.
Ctrl-C stops sending, waits for the replies in flight and prints the report;
a second Ctrl-C (or SIGTERM) stops waiting: those lines end unknown. An
interrupted batch exits 128+signal (130 for Ctrl-C) after its report.

Every line ends with one outcome: ok, error, crossslot, unknown, not_sent,
invalid, or skipped (--dry-run). --json prints JSON Lines: one "type":"line"
record per line that did not end ok (every line with --dry-run), then one
"type":"summary" record.

On a connection marked production in the config file, a batch that may write
(not --ro, --dry-run or a '#!lua flags=no-writes' script) asks for a typed yes
on the terminal, or needs --yes; without a terminal to ask on (--input -, a
pipeline) nothing is sent (exit 2).

Exit status: 0 every line ok, 1 any line not ok, 2 usage, 3 connection.`,
		Example: `  luascope batch incr.lua --input calls.txt
  luascope batch -e "return redis.call('incrby', KEYS[1], ARGV[1])" --input - < calls.txt
  luascope batch -c -p 7000 --dry-run limit.lua --input calls.txt
  luascope batch --json --pipeline 128 incr.lua --input calls.txt | jq 'select(.type=="line")'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.code, "code", "e", "", "the script's code, instead of a FILE")
	fs.StringVar(&o.evalFile, "eval", "", "FILE, as redis-cli --eval takes it")
	fs.StringVar(&o.input, "input", "", "the calls, one per line: KEY ... , ARG ... (- for stdin)")
	fs.BoolVar(&o.ro, "ro", false, "read-only: EVALSHA_RO; the server refuses writes")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the plan (node per line, crossslot lines) and send nothing")
	fs.BoolVar(&o.json, "json", false, "print JSON Lines: a record per line not ok, then a summary")
	fs.IntVar(&o.pipeline, "pipeline", batch.DefaultPipeline, "calls per round trip and connection")
	fs.IntVar(&o.conns, "connections", 1, "connections per node, each with its own pipelines in flight")
	fs.StringVar(&o.strategy, "strategy", string(redisx.EvalshaLoad), "evalsha-load, load-first, evalsha-eval or eval")
	fs.StringVar(&o.node, "node", "", "send keyless lines (every line, on a standalone server) to this node (host:port)")
	fs.DurationVar(&o.downWait, "down-wait", batch.DefaultDownWait, "how long lines wait for a node that does not answer (failover, restart) before they end not_sent")
	fs.BoolVar(&o.yes, "yes", false, yesHelp)
	return cmd
}

// maxBatchPipeline bounds --pipeline: deeper only holds more lines in doubt
// when a connection breaks, without going faster.
const maxBatchPipeline = 100000

// maxBatchConnections bounds --connections: redis-benchmark's -c goes
// further, but past a few dozen a server is saturated and more
// connections only take file descriptors (and its maxclients).
const maxBatchConnections = 1000

func (o *batchOpts) run(cmd *cobra.Command, words []string) error {
	if o.input == "" {
		return usageErr("batch needs --input LINES (a file of KEY ... , ARG ... lines, or - for stdin)")
	}
	if o.pipeline < 1 || o.pipeline > maxBatchPipeline {
		return usageErr("--pipeline %d: want 1 to %d", o.pipeline, maxBatchPipeline)
	}
	if o.conns < 1 || o.conns > maxBatchConnections {
		return usageErr("--connections %d: want 1 to %d", o.conns, maxBatchConnections)
	}
	if o.downWait < 0 {
		return usageErr("--down-wait %s: must not be negative", o.downWait)
	}
	// The notice goes to stderr even with --json: the records are on stdout.
	env, err := newEnv(cmd, o.conn, envOpts{strategy: o.strategy, readOnly: o.ro})
	if err != nil {
		return err
	}
	var script redisx.Script
	if words, err = evalFileWords(cmd, o.evalFile, words, false); err != nil {
		return err
	}
	switch {
	case cmd.Flags().Changed("code"): // -e '' is an empty script, which Redis runs
		if len(words) > 0 {
			return usageErr("batch takes keys and arguments from --input, not the command line (got %q)", words[0])
		}
		script = redisx.NewScript(o.code)
	case len(words) == 1:
		if words[0] == "-" && o.input == "-" {
			return usageErr("the script and --input cannot both be stdin")
		}
		src, err := readScript(words[0], cmd.InOrStdin())
		if err != nil {
			return usageErr("%v", err)
		}
		script = redisx.NewScript(src)
	case len(words) > 1:
		return usageErr("batch takes keys and arguments from --input, not the command line (got %q)", words[1])
	default:
		return usageErr("no script: give a FILE or -e CODE")
	}

	var input io.Reader
	total := -1
	if o.input == "-" {
		input = cmd.InOrStdin()
	} else {
		f, err := os.Open(o.input)
		if err != nil {
			return usageErr("--input: %v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err != nil || st.IsDir() {
			return usageErr("--input %s: not a file", o.input)
		}
		input = f
	}
	stderr := cmd.ErrOrStderr()
	tty := isTerminal(stderr)
	if tty && o.input != "-" {
		// A second pass over a file is cheap and gives the bar its total.
		if f, err := os.Open(o.input); err == nil {
			if n, err := batch.CountCalls(f); err == nil {
				total = n
			}
			f.Close()
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn, err := env.connect(context.Background())
	if err != nil {
		return err
	}
	defer conn.close()
	if !o.dryRun && !conn.session.ReadOnly() && !script.Shebang.HasFlag("no-writes") {
		if err := guardProduction(cmd, conn, o.yes, "this batch may write on every line (--dry-run sends nothing, --ro sends EVALSHA_RO)"); err != nil {
			return err
		}
	}

	out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
	defer out.Flush()
	var outMu sync.Mutex // OnResult is serialised; the progress bar is not on stdout
	var writeErr error
	opt := batch.Options{
		Strategy: env.strategy, ReadOnly: o.ro, DryRun: o.dryRun, Pipeline: o.pipeline, Connections: o.conns, Node: o.node, DownWait: o.downWait,
	}
	switch {
	case o.json:
		opt.OnResult = func(r batch.Result) {
			outMu.Lock()
			defer outMu.Unlock()
			if err := writeJSON(out, r); err != nil && writeErr == nil {
				writeErr = err
			}
		}
	case o.dryRun:
		opt.OnResult = func(r batch.Result) {
			outMu.Lock()
			defer outMu.Unlock()
			if _, err := fmt.Fprintln(out, r.Text()); err != nil && writeErr == nil {
				writeErr = err
			}
		}
	}
	var bar *batchProgressLine
	if tty {
		bar = &batchProgressLine{w: stderr, total: total}
		opt.OnProgress = bar.draw
	}

	if os.Getenv("GOGC") == "" {
		// A batch keeps a small, bounded heap (pipeline × nodes) and makes
		// a few hundred bytes of garbage per call, so the default GOGC
		// collects every few MB: 400 measured ~15% more calls/s.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	// A signal stops sending, the report is printed all the same and the
	// status is 128+signal. Ctrl-C first waits for the replies in flight;
	// a second one, SIGTERM or SIGHUP closes the connections (those lines
	// end unknown).
	done := sendingWith(conn, cancel, func() {
		fmt.Fprintln(stderr, "\nluascope: interrupted: no new pipelines; waiting for the replies in flight (Ctrl-C again to stop waiting: those lines end unknown)")
	})
	rep, err := batch.Run(ctx, conn.session, script, input, opt)
	done()
	if bar != nil {
		bar.clear()
	}
	if err != nil {
		return batchSetupError(out, err, o.json)
	}
	if o.json {
		err = rep.WriteJSON(out)
	} else {
		if o.dryRun {
			fmt.Fprintln(out)
		}
		err = rep.WriteText(out)
	}
	if err == nil {
		err = writeErr
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "write output: " + err.Error()}
	}
	if rep.ExitCode() != exitOK {
		return &exitError{code: exitErrorReply}
	}
	return nil
}

// batchSetupError reports a batch that could not start: the script does
// not load (exit 1, with the classified error) or a node or the topology
// cannot be reached (exit 3).
func batchSetupError(out *bufio.Writer, err error, asJSON bool) error {
	c := classify.ClassifyError(err)
	code := exitErrorReply
	switch c.Class {
	case classify.Connection, classify.Timeout, classify.Auth:
		code = exitConnection
	}
	if asJSON {
		_ = writeJSON(out, struct {
			Type  string                  `json:"type"`
			Error classify.Classification `json:"error"`
		}{"error", c})
	} else {
		_ = redisx.WriteClassification(out, c)
	}
	_ = out.Flush()
	return &exitError{code: code, msg: "batch: " + err.Error()}
}

// batchProgressLine draws the batch's progress on one terminal line, about ten
// times a second: a bar when the total is known, counts and the rate.
type batchProgressLine struct {
	w     io.Writer
	total int
	drawn bool
}

const batchBarWidth = 24

func (p *batchProgressLine) draw(pr batch.Progress) {
	var b strings.Builder
	b.WriteString("\r\x1b[K")
	if p.total > 0 {
		frac := min(float64(pr.Done)/float64(p.total), 1)
		n := int(frac * batchBarWidth)
		b.WriteString("[" + strings.Repeat("#", n) + strings.Repeat(".", batchBarWidth-n) + "]")
		fmt.Fprintf(&b, " %3d%%  %s/%s", int(frac*100), batch.GroupDigits(int64(pr.Done)), batch.GroupDigits(int64(p.total)))
	} else {
		fmt.Fprintf(&b, "%s lines", batch.GroupDigits(int64(pr.Done)))
	}
	// "not ok", not "failed": after a Ctrl-C the lines read and not sent
	// count here too (not_sent), and nothing about them failed.
	fmt.Fprintf(&b, "  ok %s  not ok %s", batch.GroupDigits(int64(pr.OK)), batch.GroupDigits(int64(pr.Failed)))
	if s := pr.Elapsed.Seconds(); s > 0 {
		fmt.Fprintf(&b, "  %s calls/s", batch.GroupDigits(int64(float64(pr.Answered)/s)))
	}
	_, _ = io.WriteString(p.w, b.String())
	p.drawn = true
}

func (p *batchProgressLine) clear() {
	if p.drawn {
		_, _ = io.WriteString(p.w, "\r\x1b[K")
	}
}
