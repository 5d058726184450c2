package redisx

// Batch runs: one script over many KEYS/ARGV sets, pipelined per node.
//
// The input is streamed: a reader goroutine parses one line at a time,
// routes it (cluster: the primary owning its first key's slot), builds its
// go-redis command and hands it to that node's worker in chunks of up to a
// pipeline, through a channel of two chunks. Each worker sends up to
// --pipeline lines per round trip on its own go-redis connection, nodes in
// parallel. Only counters, a fixed-size latency histogram and the first
// few failures are kept, so memory is proportional to pipeline depth ×
// nodes (a few pipelines per node), never to the input's size.
//
// Every line ends with exactly one outcome. A line is only retried when
// the server said it did not run (NOSCRIPT, MOVED, ASK, CLUSTERDOWN,
// TRYAGAIN, LOADING) or when it was never written (its node could not be
// reached); a line whose reply did not arrive is "unknown", never resent.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// BatchOutcome is how one input line of a batch ended. Every line ends
// with exactly one, so the counts always add up to the input's calls.
type BatchOutcome string

// The outcomes of a batch line. Stable lower-case words: they appear in
// `luascope batch --json` output.
const (
	// BatchOK: the script ran and replied with anything but an error (nil included).
	BatchOK BatchOutcome = "ok"
	// BatchError: an error reply, classified; or the script could not be
	// loaded on the line's node.
	BatchError BatchOutcome = "error"
	// BatchCrossSlot: on a cluster, the line's keys hash to different
	// slots, which no node accepts; it was not sent.
	BatchCrossSlot BatchOutcome = "crossslot"
	// BatchUnknown: the line was sent but the connection broke before its
	// reply came, so the script may or may not have run. Never retried.
	BatchUnknown BatchOutcome = "unknown"
	// BatchSkipped: a dry run planned the line and sent nothing.
	BatchSkipped BatchOutcome = "skipped"
	// BatchNotSent: the line was never written to a server, so it did not
	// run: the batch was interrupted, or its node stayed unreachable.
	BatchNotSent BatchOutcome = "not_sent"
	// BatchInvalid: the input line could not be parsed; nothing was sent.
	BatchInvalid BatchOutcome = "invalid"
)

// BatchOutcomes lists the outcomes in the order reports print them.
var BatchOutcomes = []BatchOutcome{BatchOK, BatchError, BatchCrossSlot, BatchUnknown, BatchNotSent, BatchInvalid, BatchSkipped}

// Failed reports whether the outcome counts against the batch (exit
// status 1): anything but ok and a dry run's skipped.
func (o BatchOutcome) Failed() bool { return o != BatchOK && o != BatchSkipped }

// DefaultPipeline is the pipeline depth when BatchOptions.Pipeline is 0:
// deep enough to hide the round trip on a LAN, small enough that a broken
// connection leaves few lines in doubt.
const DefaultPipeline = 64

// DefaultDownWait is how long a node that does not answer is retried
// before its lines are given up as not sent: longer than a failover
// with Redis's default cluster-node-timeout of 15s.
const DefaultDownWait = 20 * time.Second

// MaxBatchLine bounds one input line; a longer line is reported invalid
// (and skipped to its end) rather than read into memory whole.
const MaxBatchLine = 1 << 20

// maxNoScript bounds the NOSCRIPT reloads of one line: a cache that is
// flushed again and again is reported, not chased for ever.
const maxNoScript = 3

// BatchOptions configures Session.Batch.
type BatchOptions struct {
	// Strategy: evalsha-load and load-first (SCRIPT LOAD once per node,
	// then EVALSHA; on NOSCRIPT, load again and re-send those lines),
	// evalsha-eval (EVALSHA; on NOSCRIPT, re-send those lines with EVAL)
	// or eval (EVAL every line). "" is evalsha-load.
	Strategy Strategy
	// ReadOnly sends EVALSHA_RO / EVAL_RO, which the server refuses to let
	// write. A read-only session always does.
	ReadOnly bool
	// DryRun plans every line (node, slot, crossslot) and sends nothing.
	DryRun bool
	// Pipeline is the number of calls per round trip and node; 0 means
	// DefaultPipeline.
	Pipeline int
	// Node receives the keyless lines (and, on a standalone server, every
	// line); "" means the seed the session connected to.
	Node string
	// MaxFailures is how many failed lines the report keeps (those with
	// the lowest line numbers); 0 means 20. OnResult sees all of them.
	MaxFailures int
	// DownWait is how long lines wait for a node that does not answer (a
	// failover, a restart) before they are given up as not sent; 0 means
	// DefaultDownWait.
	DownWait time.Duration
	// OnResult, when set, is called for every line whose outcome is not
	// ok, as soon as it is decided (not in input order), one call at a
	// time. It must not call back into the batch.
	OnResult func(BatchResult)
	// OnProgress, when set, is called every ProgressEvery from a goroutine
	// of its own, and once more at the end.
	OnProgress func(BatchProgress)
	// ProgressEvery is the OnProgress period; 0 means 100ms.
	ProgressEvery time.Duration
}

// BatchResult is the outcome of one input line that did not end ok.
type BatchResult struct {
	Line    int          `json:"line"`           // 1-based line number in the input
	Outcome BatchOutcome `json:"outcome"`        // how it ended
	Node    string       `json:"node,omitempty"` // where it was (or would be) sent
	// Slot is the cluster hash slot of the first key; -1 for a keyless
	// line or on a standalone server.
	Slot int `json:"slot"`
	// Class classifies an error, a crossslot line and a line lost to the
	// connection; "" for invalid, skipped and interrupted lines.
	Class classify.Class `json:"class,omitempty"`
	// Message is the error reply or the reason, raw (print it with resp.Escape).
	Message string `json:"message,omitempty"`
	// Attempts is how many times the line was written to a server.
	Attempts int `json:"attempts"`
}

// MarshalJSON tags the record "type":"line", so a reader of the JSON Lines
// output can tell lines from the summary. A message whose bytes are not
// UTF-8 (an error reply of binary data) is {"hex":"…"}, as replies are.
func (r BatchResult) MarshalJSON() ([]byte, error) {
	type plain BatchResult
	if utf8.ValidString(r.Message) {
		return resp.EncodeJSON(struct {
			Type string `json:"type"`
			plain
		}{"line", plain(r)})
	}
	return resp.EncodeJSON(struct {
		Type string `json:"type"`
		plain
		Message resp.ByteString `json:"message"`
	}{"line", plain(r), resp.ByteString(r.Message)})
}

// BatchNodeStats counts a batch's lines per node.
type BatchNodeStats struct {
	Addr    string `json:"addr"`     // host:port
	OK      int    `json:"ok"`       // lines that ended ok here
	Error   int    `json:"error"`    // error replies from here
	Unknown int    `json:"unknown"`  // lines whose reply from here was lost
	NotSent int    `json:"not_sent"` // lines meant for here that were never written
	Skipped int    `json:"skipped"`  // a dry run's lines planned here
	// Retried counts re-sends after NOSCRIPT on this node (the lines had not run).
	Retried int `json:"retried"`
	// Redirected counts lines that left this node for another (MOVED, ASK,
	// CLUSTERDOWN, a failover): they had not run here.
	Redirected int `json:"redirected"`
}

// BatchLatency summarises call latency. A call's latency is the round
// trip of the pipeline that carried it, from writing the pipeline to
// reading its last reply: an upper bound of that call's own
// send-to-reply time, and what a client pipelining the same way waits.
// Percentiles are weighted by calls and exact to about 3%; Max is exact.
type BatchLatency struct {
	P50, P90, P99 time.Duration // percentiles over calls
	Max           time.Duration // the slowest round trip
	RoundTrips    int           // pipelines whose replies arrived
}

// MarshalJSON writes the durations as microseconds, like the run report.
func (l BatchLatency) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		P50        int64  `json:"p50_micros"`
		P90        int64  `json:"p90_micros"`
		P99        int64  `json:"p99_micros"`
		Max        int64  `json:"max_micros"`
		RoundTrips int    `json:"round_trips"`
		Basis      string `json:"basis"`
	}{l.P50.Microseconds(), l.P90.Microseconds(), l.P99.Microseconds(), l.Max.Microseconds(), l.RoundTrips, "pipeline round trip"})
}

// BatchProgress is a snapshot for a progress display.
type BatchProgress struct {
	Read     int           // input lines taken as calls so far
	Done     int           // lines with their outcome decided
	OK       int           // lines that ended ok
	Failed   int           // outcomes that are not ok or skipped
	Answered int           // calls that got a reply (ok + error), for a rate
	Elapsed  time.Duration // since the batch started
}

// BatchReport is a whole batch: what ran where, the counts, the speed
// and the first failures.
type BatchReport struct {
	Target   string   `json:"target"`   // redacted
	Mode     string   `json:"mode"`     // standalone, replica or cluster
	SHA      string   `json:"sha"`      // the script's SHA1
	Strategy Strategy `json:"strategy"` // how the script reached the nodes
	Command  string   `json:"command"`  // EVALSHA, EVALSHA_RO, EVAL or EVAL_RO
	ReadOnly bool     `json:"readonly"` // EVALSHA_RO / EVAL_RO were sent
	DryRun   bool     `json:"dry_run"`  // nothing was sent
	Pipeline int      `json:"pipeline"` // calls per round trip and node
	// Lines counts the input's calls: every line but blank ones and comments.
	Lines int `json:"lines"`
	// Outcomes counts the lines per outcome; every outcome is present.
	Outcomes map[BatchOutcome]int `json:"outcomes"`
	Nodes    []BatchNodeStats     `json:"nodes"`
	// Retried counts re-sends after NOSCRIPT; Redirected, lines moved to
	// another node. Neither had run where it was first sent.
	Retried           int `json:"retried"`
	Redirected        int `json:"redirected"`
	TopologyRefreshes int `json:"topology_refreshes"`
	// TopologyDenied: the user may not run CLUSTER NODES, so lines went to
	// the seed first and followed MOVED (Redirected counts them).
	TopologyDenied bool          `json:"topology_denied,omitempty"`
	Elapsed        time.Duration `json:"-"` // the whole batch; "micros" in JSON
	// CallsPerSec is the calls that got a reply (ok + error) per second of Elapsed.
	CallsPerSec float64      `json:"calls_per_sec"`
	Latency     BatchLatency `json:"latency"`
	// Failures are the failed lines with the lowest line numbers, at most
	// BatchOptions.MaxFailures of them; FailuresTotal counts all.
	Failures      []BatchResult `json:"-"`
	FailuresTotal int           `json:"failures"`
	// Stopped is set when ctx was cancelled: lines read but not sent are
	// not_sent, and LastLine says where reading stopped.
	Stopped    bool   `json:"stopped"`
	LastLine   int    `json:"last_line"`
	InputError string `json:"input_error,omitempty"`
}

// ExitCode maps the batch to the CLI's exit status: 0 when every line
// ended ok (or skipped, in a dry run), else 1.
func (r *BatchReport) ExitCode() int {
	if r.FailuresTotal > 0 || r.InputError != "" {
		return 1
	}
	return 0
}

// WriteJSON writes the summary as one JSON object tagged "type":"summary"
// and a newline: the last record of the CLI's JSON Lines output, after
// one "type":"line" record per failed line. It escapes as every --json
// output does (resp.WriteJSON).
func (r *BatchReport) WriteJSON(w io.Writer) error {
	return resp.WriteJSON(w, struct {
		Type string `json:"type"`
		*BatchReport
		Micros int64 `json:"micros"`
	}{"summary", r, r.Elapsed.Microseconds()})
}

// WriteText writes the report for a person. Server messages are escaped.
func (r *BatchReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "target    %s (%s)\n", resp.Printable(r.Target), resp.Printable(r.Mode))
	ro := ""
	if r.ReadOnly {
		ro = " (read-only)"
	}
	fmt.Fprintf(&b, "script    sha %s, %s, strategy %s%s, pipeline %d\n", r.SHA, r.Command, r.Strategy, ro, r.Pipeline)
	if r.DryRun {
		b.WriteString("dry run   nothing was sent\n")
	}
	var parts []string
	for _, o := range BatchOutcomes {
		if n := r.Outcomes[o]; n > 0 || o == BatchOK && !r.DryRun {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(string(o), "_", " "), n))
		}
	}
	fmt.Fprintf(&b, "lines     %d: %s\n", r.Lines, strings.Join(parts, ", "))
	if !r.DryRun {
		fmt.Fprintf(&b, "time      %s, %s calls/s\n", fmtDur(r.Elapsed), GroupDigits(int64(r.CallsPerSec+0.5)))
		if r.Latency.RoundTrips > 0 {
			fmt.Fprintf(&b, "latency   p50 %s  p90 %s  p99 %s  max %s  (a call's pipeline round trip; %d round trip%s)\n",
				fmtDur(r.Latency.P50), fmtDur(r.Latency.P90), fmtDur(r.Latency.P99), fmtDur(r.Latency.Max), r.Latency.RoundTrips, plural(r.Latency.RoundTrips))
		}
		fmt.Fprintf(&b, "retries   %d re-sent after NOSCRIPT, %d re-routed (MOVED/ASK/failover); none of them had run\n", r.Retried, r.Redirected)
		if r.TopologyDenied {
			b.WriteString("topology  this user may not run CLUSTER NODES: lines went to the seed first and followed MOVED\n")
		}
	}
	if len(r.Nodes) > 0 {
		width := len("node")
		for _, n := range r.Nodes {
			width = max(width, len(n.Addr))
		}
		if r.DryRun {
			fmt.Fprintf(&b, "nodes     %-*s  %8s\n", width, "node", "planned")
			for _, n := range r.Nodes {
				fmt.Fprintf(&b, "          %-*s  %8d\n", width, resp.Escape([]byte(n.Addr)), n.Skipped)
			}
		} else {
			fmt.Fprintf(&b, "nodes     %-*s  %8s  %6s  %7s  %8s\n", width, "node", "ok", "error", "unknown", "not sent")
			for _, n := range r.Nodes {
				fmt.Fprintf(&b, "          %-*s  %8d  %6d  %7d  %8d\n", width, resp.Escape([]byte(n.Addr)), n.OK, n.Error, n.Unknown, n.NotSent)
			}
		}
	}
	if r.Stopped {
		fmt.Fprintf(&b, "stopped   interrupted after reading line %d: lines read but not sent are not_sent\n", r.LastLine)
	}
	if r.InputError != "" {
		fmt.Fprintf(&b, "input     read failed after line %d: %s\n", r.LastLine, resp.Escape([]byte(r.InputError)))
	}
	if r.FailuresTotal > 0 {
		more := ""
		if r.FailuresTotal > len(r.Failures) {
			more = fmt.Sprintf("; the first %d by line number, --json lists all", len(r.Failures))
		}
		fmt.Fprintf(&b, "failures  %d line%s%s\n", r.FailuresTotal, plural(r.FailuresTotal), more)
		for _, f := range r.Failures {
			b.WriteString("  " + f.Text() + "\n")
		}
		if n := r.FailuresTotal - len(r.Failures); n > 0 {
			fmt.Fprintf(&b, "  … and %d more\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Text is the result on one line for a person, everything escaped:
// "line 17  error  command  WRONGTYPE …".
func (r BatchResult) Text() string {
	s := fmt.Sprintf("line %-6d %-9s", r.Line, r.Outcome)
	if r.Class != "" && string(r.Class) != string(r.Outcome) {
		s += fmt.Sprintf(" %-12s", r.Class)
	}
	if r.Node != "" && r.Outcome != BatchSkipped {
		s += " " + resp.Escape([]byte(r.Node))
	}
	if r.Outcome == BatchSkipped {
		s += " -> " + resp.Escape([]byte(r.Node))
		if r.Slot >= 0 {
			s += fmt.Sprintf("  slot %d", r.Slot)
		}
	}
	if r.Message != "" {
		if r.Outcome == BatchInvalid {
			// luascope's own message about the input: control bytes escaped,
			// its backslashes left as written.
			s += "  " + resp.Printable(r.Message)
		} else {
			s += "  " + resp.Escape([]byte(r.Message))
		}
	}
	return strings.TrimRight(s, " ")
}

func fmtDur(d time.Duration) string { return fmtMicros(d.Microseconds()) }

// GroupDigits writes n with thousands separators (1,234,567): counts in
// batch reports are read at a glance.
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ParseBatchLine reads one input line of a batch: KEY ... , ARG ...
// Words are separated by spaces or tabs; the first lone comma separates
// keys from arguments (redis-cli --eval's convention). A word in double
// quotes may hold spaces, a comma, and the escapes of Unescape (\x00,
// \n, \", \\, \u{…}), so any binary key or argument can be written;
// unquoted words are taken literally. call is false for a blank line or
// a comment (# as the first non-blank character).
func ParseBatchLine(text string) (keys, args []string, call bool, err error) {
	words, sep, call, err := parseBatchWords(text, make([]string, 0, 4))
	if !call || err != nil {
		return nil, nil, call, err
	}
	return words[:sep], words[sep:], true, nil
}

// parseBatchWords is ParseBatchLine appending to words (so a caller can
// bring its own storage); sep is where the arguments start.
func parseBatchWords(text string, words []string) (_ []string, sep int, call bool, err error) {
	text = strings.TrimRight(text, "\r\n")
	trimmed := strings.TrimLeft(text, " \t")
	if trimmed == "" || trimmed[0] == '#' {
		return nil, 0, false, nil
	}
	sep = -1
	i := 0
	for i < len(text) {
		c := text[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		if c == '"' {
			start := i
			j := i + 1
			for j < len(text) && text[j] != '"' {
				if text[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(text) {
				return nil, 0, true, fmt.Errorf("column %d: the quote is never closed", start+1)
			}
			if j+1 < len(text) && text[j+1] != ' ' && text[j+1] != '\t' {
				return nil, 0, true, fmt.Errorf("column %d: a closing quote must be followed by a space", j+2)
			}
			w, err := Unescape(text[start+1 : j])
			if err != nil {
				return nil, 0, true, fmt.Errorf("quoted word at column %d: %v", start+1, err)
			}
			words = append(words, w)
			i = j + 1
			continue
		}
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		w := text[i:j]
		if w == "," && sep < 0 {
			sep = len(words)
		} else {
			words = append(words, w)
		}
		i = j
	}
	if sep < 0 {
		sep = len(words)
	}
	return words, sep, true, nil
}

// readBatchLine returns the next line without its newline. A line longer
// than MaxBatchLine is read to its end but not kept (tooLong). At the end
// of the input it returns io.EOF, with the last line if it had no newline.
func readBatchLine(br *bufio.Reader) (line string, tooLong bool, err error) {
	var buf []byte
	size := 0
	for {
		frag, e := br.ReadSlice('\n')
		size += len(frag)
		if size > MaxBatchLine {
			tooLong, buf = true, nil
		} else if e == nil && buf == nil {
			return string(frag[:len(frag)-1]), false, nil
		} else {
			buf = append(buf, frag...)
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e == nil {
			return string(buf[:len(buf)-1]), tooLong, nil
		}
		if size == 0 {
			return "", false, e
		}
		if e == io.EOF {
			return string(buf), tooLong, nil
		}
		return string(buf), tooLong, e
	}
}

// CountBatchCalls counts the calls in a batch input (every line but blank
// ones and comments) without parsing them, for a progress bar's total.
func CountBatchCalls(r io.Reader) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	n := 0
	for {
		line, _, err := readBatchLine(br)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		t := strings.TrimLeft(line, " \t\r")
		if t != "" && t[0] != '#' {
			n++
		}
	}
}

// bline is one call on its way through the batch.
type bline struct {
	n          int
	keys, args []string
	slot       int
	attempts   int
	noscripts  int
	redirects  int
	asking     bool      // send ASKING first (an ASK redirect)
	useEval    bool      // evalsha-eval after NOSCRIPT
	waitSince  time.Time // first time it could not be sent or was refused as transient
	dispatched bool      // counted in pending
	// cmd is the command for the next send, built by the reader (off the
	// round trips' critical path); nil after a send, rebuilt for a retry.
	cmd   *redis.Cmd
	node  string    // where the reader sent it
	words [4]string // storage for keys and args of short lines: one allocation less per line
}

// batch is the state of one Session.Batch.
type batch struct {
	s        *Session
	opt      BatchOptions
	script   Script
	target   Target
	cluster  bool
	seed     string // keyless lines (and standalone) go here
	preload  bool
	evalCmd  string // EVAL or EVAL_RO
	shaCmd   string // EVALSHA or EVALSHA_RO
	evalHead [2]any // EVAL(_RO) and the source, boxed once
	shaHead  [2]any // EVALSHA(_RO) and the SHA, boxed once
	ctx      context.Context
	execCtx  context.Context // never cancelled: in-flight replies are awaited
	start    time.Time
	maxFails int

	tmu         sync.RWMutex
	topo        *Topology
	moved       map[int]string
	refreshedAt time.Time
	refreshes   int
	// noTopology: CLUSTER NODES was denied (NOPERM); routing learns from MOVED.
	noTopology bool

	wmu     sync.Mutex
	workers map[string]*worker
	wg      sync.WaitGroup

	mu        sync.Mutex
	pending   int
	inputDone bool
	done      chan struct{}
	stopped   bool
	counts    map[BatchOutcome]int
	read      int
	lastLine  int
	nodes     map[string]*BatchNodeStats
	failures  []BatchResult
	failTotal int
	retried   int
	redirect  int
	lat       latHist
	inputErr  error
}

// Batch runs script once per call in input (see ParseBatchLine for the
// format) and returns the report. It streams: memory stays proportional
// to the pipeline depth times the nodes, whatever the input's size.
//
// On a standalone server every line goes to one node. On a cluster the
// topology is read once, each line goes to the primary serving its first
// key's slot, lines whose keys span slots end as crossslot before
// anything is sent, and keyless lines go to opt.Node or the seed. The
// script is loaded once per node, and each node gets pipelines of
// opt.Pipeline EVALSHA calls, nodes in parallel.
//
// Cancelling ctx stops sending new pipelines: replies in flight are
// awaited, and the lines read but not sent end as not_sent. A reader
// blocked in input.Read is abandoned, not waited for.
//
// The error is non-nil only when the batch could not start: the script
// does not load on the seed (a redis.Error: compile, noperm…), the seed
// or the cluster topology cannot be reached, or a sentinel was given.
func (s *Session) Batch(ctx context.Context, script Script, input io.Reader, opt BatchOptions) (*BatchReport, error) {
	if opt.Strategy == "" {
		opt.Strategy = EvalshaLoad
	}
	if _, err := ParseStrategy(string(opt.Strategy)); err != nil {
		return nil, err
	}
	if opt.Pipeline <= 0 {
		opt.Pipeline = DefaultPipeline
	}
	if opt.DownWait <= 0 {
		opt.DownWait = DefaultDownWait
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 100 * time.Millisecond
	}
	if s.ro.Load() {
		opt.ReadOnly = true
	}
	info := s.Info()
	if info.Mode == "sentinel" {
		return nil, errors.New("batch: this is a sentinel; connect to the primary it names")
	}
	b := &batch{
		s: s, opt: opt, script: script, target: s.Target(), cluster: info.Mode == "cluster",
		ctx: ctx, execCtx: context.WithoutCancel(ctx), start: time.Now(),
		moved: map[int]string{}, workers: map[string]*worker{}, done: make(chan struct{}),
		counts: map[BatchOutcome]int{}, nodes: map[string]*BatchNodeStats{}, maxFails: opt.MaxFailures,
		evalCmd: "EVAL", shaCmd: "EVALSHA",
	}
	if b.maxFails == 0 {
		b.maxFails = 20
	}
	if opt.ReadOnly {
		b.evalCmd, b.shaCmd = "EVAL_RO", "EVALSHA_RO"
	}
	b.evalHead = [2]any{b.evalCmd, script.Source}
	b.shaHead = [2]any{b.shaCmd, script.SHA}
	b.seed = b.target.Addr
	if opt.Node != "" {
		b.seed = opt.Node
	}
	b.preload = opt.Strategy == EvalshaLoad || opt.Strategy == LoadFirst
	if b.cluster {
		topo, err := s.Topology(ctx)
		switch {
		case err == nil:
		case classify.ClassifyError(err).Class == classify.NoPerm:
			// An application's ACL user may run scripts but not CLUSTER
			// NODES: start on the seed and learn each slot's node from
			// MOVED, as cluster clients did before CLUSTER SLOTS.
			topo, b.noTopology = &Topology{}, true
		default:
			return nil, fmt.Errorf("batch: read the cluster topology: %w", err)
		}
		b.topo, b.refreshedAt = topo, time.Now()
	}
	if b.preload && !opt.DryRun {
		// One load before anything else, so a script that does not compile
		// is one error, not one per line.
		if err := b.loadOn(b.seed); err != nil {
			return nil, err
		}
	}

	stopProgress := b.progressLoop()
	go b.readInput(input)
	go func() {
		select {
		case <-ctx.Done():
			b.mu.Lock()
			b.stopped = true
			b.endInputLocked()
			b.mu.Unlock()
		case <-b.done:
		}
	}()
	<-b.done
	elapsed := time.Since(b.start)
	b.wg.Wait()
	b.wmu.Lock()
	for _, w := range b.workers {
		_ = w.client.Close()
	}
	b.wmu.Unlock()
	stopProgress()
	return b.report(elapsed), nil
}

// loadOn sends SCRIPT LOAD to addr on a connection of its own.
func (b *batch) loadOn(addr string) error {
	c, err := b.newClient(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	sha, err := c.ScriptLoad(b.execCtx, b.script.Source).Result()
	if err != nil {
		return fmt.Errorf("load the script on %s: %w", addr, err)
	}
	if sha != b.script.SHA {
		return fmt.Errorf("load the script on %s: the server named it %s, not %s", addr, sha, b.script.SHA)
	}
	return nil
}

// newClient is a go-redis client of the batch's own for one node, with
// the target's credentials and TLS: one connection, no silent retries.
func (b *batch) newClient(addr string) (*redis.Client, error) {
	t := b.target
	if addr != t.Addr {
		t = t.WithAddr(addr)
	}
	opt, err := t.Options()
	if err != nil {
		return nil, err
	}
	return newGuardedClient(opt), nil
}

// progressLoop calls OnProgress every ProgressEvery until the returned
// function is called, which reports once more and waits for the loop.
func (b *batch) progressLoop() func() {
	if b.opt.OnProgress == nil {
		return func() {}
	}
	stop, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(b.opt.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				b.opt.OnProgress(b.progress())
				return
			case <-t.C:
				b.opt.OnProgress(b.progress())
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
	}
}

func (b *batch) progress() BatchProgress {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := BatchProgress{Read: b.read, OK: b.counts[BatchOK], Failed: b.failTotal, Answered: b.counts[BatchOK] + b.counts[BatchError], Elapsed: time.Since(b.start)}
	for _, n := range b.counts {
		p.Done += n
	}
	return p
}

// readInput parses, routes and dispatches the input, one line at a time.
// Lines travel to the workers in chunks of up to a pipeline's depth (one
// channel operation per chunk, not per line); a partial chunk is sent
// whenever the next read might wait for more input, so a slow producer
// never leaves lines waiting in the reader.
func (b *batch) readInput(input io.Reader) {
	br := bufio.NewReaderSize(input, 64<<10)
	rd := &chunker{b: b, chunks: map[*worker][]*bline{}, workers: map[string]*worker{}}
	end := func(err error) {
		rd.flush()
		b.mu.Lock()
		if err != nil && err != io.EOF && !b.inputDone {
			b.inputErr = err
		}
		b.endInputLocked()
		b.mu.Unlock()
	}
	for n := 1; ; n++ {
		if !lineBuffered(br) && !rd.flush() {
			return
		}
		text, tooLong, err := readBatchLine(br)
		if err != nil && text == "" && !tooLong {
			end(err)
			return
		}
		if n == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if !b.admitLine(rd, n, text, tooLong) {
			rd.drop()
			return
		}
		if err != nil {
			end(err)
			return
		}
	}
}

// lineBuffered reports whether a whole line is already buffered, so that
// reading it cannot block.
func lineBuffered(br *bufio.Reader) bool {
	p, _ := br.Peek(br.Buffered())
	return bytes.IndexByte(p, '\n') >= 0
}

// chunker collects the reader's lines per worker. Lines become pending
// (counted, owned by the workers) a chunk at a time, under one lock.
type chunker struct {
	b       *batch
	chunks  map[*worker][]*bline
	workers map[string]*worker // the reader's cache of b.workers
}

// worker returns the worker of addr; errStopped once the input is closed.
func (c *chunker) worker(addr string) (*worker, error) {
	if w, ok := c.workers[addr]; ok {
		return w, nil
	}
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inputDone {
		// Interrupted: no new worker may start once Batch waits for them.
		return nil, errStopped
	}
	w, err := b.workerFor(addr)
	if err == nil {
		c.workers[addr] = w
	}
	return w, err
}

var errStopped = errors.New("interrupted")

// add queues a line; a full chunk goes to its worker at once.
func (c *chunker) add(w *worker, l *bline) bool {
	ch := append(c.chunks[w], l)
	if len(ch) < c.b.opt.Pipeline {
		c.chunks[w] = ch
		return true
	}
	delete(c.chunks, w)
	if !c.send(w, ch) {
		c.drop()
		return false
	}
	return true
}

// flush sends every partial chunk; false when interrupted.
func (c *chunker) flush() bool {
	for w, ch := range c.chunks {
		delete(c.chunks, w)
		if !c.send(w, ch) {
			c.drop()
			return false
		}
	}
	return true
}

// send makes a chunk's lines pending and hands them to the worker.
func (c *chunker) send(w *worker, ch []*bline) bool {
	b := c.b
	b.mu.Lock()
	if b.inputDone {
		c.abandonLocked(ch)
		b.mu.Unlock()
		return false
	}
	for _, l := range ch {
		l.dispatched = true
	}
	b.pending += len(ch)
	b.read += len(ch)
	b.lastLine = max(b.lastLine, ch[len(ch)-1].n)
	b.mu.Unlock()
	select {
	case w.inbox <- ch:
		return true
	case <-b.ctx.Done():
		for _, l := range ch {
			b.finish(l, BatchResult{Line: l.n, Slot: l.slot, Node: l.node, Outcome: BatchNotSent, Message: "interrupted before it was sent"})
		}
		return false
	}
}

// drop ends the lines the reader still holds as not sent.
func (c *chunker) drop() {
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	for w, ch := range c.chunks {
		delete(c.chunks, w)
		c.abandonLocked(ch)
	}
}

// abandonLocked counts lines that were read but never handed over as
// not sent (interrupted).
func (c *chunker) abandonLocked(ch []*bline) {
	b := c.b
	for _, l := range ch {
		b.read++
		b.lastLine = max(b.lastLine, l.n)
		b.finishLocked(l, BatchResult{Line: l.n, Slot: l.slot, Node: l.node, Outcome: BatchNotSent, Message: "interrupted before it was sent"})
	}
}

// admitLine handles one input line; false means stop reading.
func (b *batch) admitLine(rd *chunker, n int, text string, tooLong bool) bool {
	res := BatchResult{Line: n, Slot: -1}
	if tooLong {
		res.Outcome, res.Message = BatchInvalid, fmt.Sprintf("longer than %d bytes", MaxBatchLine)
		return b.settle(nil, res)
	}
	l := &bline{n: n, slot: -1}
	words, sep, call, err := parseBatchWords(text, l.words[:0])
	if !call {
		return true
	}
	if err != nil {
		res.Outcome, res.Message = BatchInvalid, err.Error()
		return b.settle(nil, res)
	}
	l.keys, l.args = words[:sep], words[sep:]
	keys := l.keys
	if b.cluster && len(keys) > 0 {
		l.slot = KeySlot(keys[0])
		if j, bad := otherSlot(keys, b.script.Shebang); bad {
			res.Slot, res.Outcome, res.Class = l.slot, BatchCrossSlot, classify.CrossSlot
			res.Message = fmt.Sprintf("keys in slots %d (%s) and %d (%s): a script's keys must share a slot (a {hash tag} does it); not sent",
				l.slot, keys[0], KeySlot(keys[j]), keys[j])
			return b.settle(nil, res)
		}
	}
	addr := b.route(l)
	if b.opt.DryRun {
		res.Outcome, res.Node, res.Slot = BatchSkipped, addr, l.slot
		return b.settle(nil, res)
	}
	l.node = addr
	w, err := rd.worker(addr)
	if err == errStopped {
		return false
	}
	if err != nil {
		return b.settle(nil, BatchResult{Line: n, Slot: l.slot, Node: addr, Outcome: BatchNotSent, Class: classify.Connection, Message: err.Error()})
	}
	l.cmd = redis.NewCmd(b.execCtx, b.command(l)...)
	return rd.add(w, l)
}

// settle records the outcome of a line decided before sending; false
// means the input is closed (interrupted).
func (b *batch) settle(l *bline, res BatchResult) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inputDone {
		return false
	}
	b.read++
	b.lastLine = max(b.lastLine, res.Line)
	b.finishLocked(l, res)
	return true
}

// endInputLocked marks the input finished (or abandoned); the batch is
// done once every dispatched line has its outcome.
func (b *batch) endInputLocked() {
	b.inputDone = true
	b.checkDoneLocked()
}

func (b *batch) checkDoneLocked() {
	if b.inputDone && b.pending == 0 {
		select {
		case <-b.done:
		default:
			close(b.done)
		}
	}
}

func (b *batch) finish(l *bline, res BatchResult) {
	b.mu.Lock()
	b.finishLocked(l, res)
	b.mu.Unlock()
}

// finishLocked records a line's final outcome (not ok; see okLocked).
func (b *batch) finishLocked(l *bline, res BatchResult) {
	if l != nil {
		res.Attempts = l.attempts
		if l.dispatched {
			b.pending--
			defer b.checkDoneLocked()
		}
	}
	b.counts[res.Outcome]++
	if res.Node != "" {
		st := b.nodeLocked(res.Node)
		switch res.Outcome {
		case BatchError:
			st.Error++
		case BatchUnknown:
			st.Unknown++
		case BatchNotSent:
			st.NotSent++
		case BatchSkipped:
			st.Skipped++
		}
	}
	if res.Outcome.Failed() {
		b.failTotal++
		if b.maxFails > 0 {
			i := sort.Search(len(b.failures), func(i int) bool { return b.failures[i].Line > res.Line })
			if i < b.maxFails {
				b.failures = append(b.failures, BatchResult{})
				copy(b.failures[i+1:], b.failures[i:])
				b.failures[i] = res
				if len(b.failures) > b.maxFails {
					b.failures = b.failures[:b.maxFails]
				}
			}
		}
	}
	if b.opt.OnResult != nil {
		b.opt.OnResult(res)
	}
}

func (b *batch) nodeLocked(addr string) *BatchNodeStats {
	st, ok := b.nodes[addr]
	if !ok {
		st = &BatchNodeStats{Addr: addr}
		b.nodes[addr] = st
	}
	return st
}

// route picks the node for a line: the seed (or Node) on a standalone
// server and for keyless lines; on a cluster, the node a MOVED named for
// the slot, else the topology's owner, else the seed.
func (b *batch) route(l *bline) string {
	if !b.cluster || l.slot < 0 {
		return b.seed
	}
	b.tmu.RLock()
	defer b.tmu.RUnlock()
	if a, ok := b.moved[l.slot]; ok {
		return a
	}
	if n, ok := b.topo.Owner(l.slot); ok {
		return n.Addr
	}
	return b.seed
}

// refresh reads the cluster topology again (at most every 100ms): from
// the seed, or, when the seed does not answer, from any node in use.
func (b *batch) refresh() {
	if !b.cluster || b.noTopology {
		return // denied once: asking again only fills ACL LOG
	}
	b.tmu.Lock()
	defer b.tmu.Unlock()
	if time.Since(b.refreshedAt) < 100*time.Millisecond {
		return
	}
	b.refreshedAt = time.Now()
	ctx, cancel := context.WithTimeout(b.execCtx, 5*time.Second)
	defer cancel()
	topo, err := b.s.Topology(ctx)
	if err != nil {
		b.wmu.Lock()
		clients := make([]*redis.Client, 0, len(b.workers))
		for _, w := range b.workers {
			clients = append(clients, w.client)
		}
		b.wmu.Unlock()
		for _, c := range clients {
			text, e := c.ClusterNodes(ctx).Result()
			if e != nil {
				continue
			}
			host, _, _ := net.SplitHostPort(c.Options().Addr)
			if topo, err = ParseClusterNodes(text, host); err == nil {
				break
			}
		}
	}
	if err == nil && topo != nil {
		b.topo = topo
		b.refreshes++
	}
}

// learn remembers the node a MOVED named for a slot.
func (b *batch) learn(slot int, addr string) {
	b.tmu.Lock()
	b.moved[slot] = addr
	b.tmu.Unlock()
}

// workerFor returns (starting on first use) the worker of a node.
func (b *batch) workerFor(addr string) (*worker, error) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if w, ok := b.workers[addr]; ok {
		return w, nil
	}
	c, err := b.newClient(addr)
	if err != nil {
		return nil, err
	}
	w := &worker{b: b, addr: addr, client: c, inbox: make(chan []*bline, 2), wake: make(chan struct{}, 1)}
	b.workers[addr] = w
	b.wg.Add(1)
	go w.run()
	return w, nil
}

// smallInts are numkeys values boxed once: each line's command is built
// in the hot path, and boxing a string allocates.
var smallInts = func() (a [16]any) {
	for i := range a {
		a[i] = strconv.Itoa(i)
	}
	return a
}()

// command is the EVALSHA (or EVAL) for a line.
func (b *batch) command(l *bline) []any {
	args := make([]any, 0, 3+len(l.keys)+len(l.args))
	if b.opt.Strategy == EvalOnly || l.useEval {
		args = append(args, b.evalHead[0], b.evalHead[1])
	} else {
		args = append(args, b.shaHead[0], b.shaHead[1])
	}
	if n := len(l.keys); n < len(smallInts) {
		args = append(args, smallInts[n])
	} else {
		args = append(args, strconv.Itoa(n))
	}
	for _, k := range l.keys {
		args = append(args, k)
	}
	for _, a := range l.args {
		args = append(args, a)
	}
	return args
}

// classifyReply classifies an error reply to a line's script.
func (b *batch) classifyReply(msg string) classify.Classification {
	c := classify.Classify(msg)
	if c.Class == classify.Arguments {
		// luascope computes numkeys itself, so EVALSHA's own arguments are
		// right: the error came from a command the script called (see Run).
		c.Class, c.Source = classify.Command, classify.SourceRedisCall
	}
	return c
}

func (b *batch) report(elapsed time.Duration) *BatchReport {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &BatchReport{
		Target: b.target.String(), Mode: b.s.Info().Mode, SHA: b.script.SHA, Strategy: b.opt.Strategy,
		Command: b.shaCmd, ReadOnly: b.opt.ReadOnly, DryRun: b.opt.DryRun, Pipeline: b.opt.Pipeline,
		Outcomes: map[BatchOutcome]int{}, Retried: b.retried, Redirected: b.redirect,
		Elapsed: elapsed, Failures: b.failures, FailuresTotal: b.failTotal, Stopped: b.stopped, LastLine: b.lastLine,
	}
	if b.opt.Strategy == EvalOnly {
		r.Command = b.evalCmd
	}
	if b.inputErr != nil {
		r.InputError = b.inputErr.Error()
	}
	b.tmu.RLock()
	if b.refreshes > 0 {
		r.TopologyRefreshes = b.refreshes
	}
	r.TopologyDenied = b.noTopology
	b.tmu.RUnlock()
	for _, o := range BatchOutcomes {
		r.Outcomes[o] = b.counts[o]
		r.Lines += b.counts[o]
	}
	r.Nodes = []BatchNodeStats{}
	for _, st := range b.nodes {
		r.Nodes = append(r.Nodes, *st)
	}
	sort.Slice(r.Nodes, func(i, j int) bool { return r.Nodes[i].Addr < r.Nodes[j].Addr })
	if r.Failures == nil {
		r.Failures = []BatchResult{}
	}
	if s := elapsed.Seconds(); s > 0 {
		r.CallsPerSec = float64(b.counts[BatchOK]+b.counts[BatchError]) / s
	}
	r.Latency = b.lat.summary()
	return r
}

// worker sends one node's lines, a pipeline at a time.
type worker struct {
	b      *batch
	addr   string
	client *redis.Client
	inbox  chan []*bline // chunks from the reader, bounded

	mu    sync.Mutex
	retry []*bline // re-sends and lines from other workers, sent first
	wake  chan struct{}

	// Owned by the worker's goroutine.
	carry     []*bline // the rest of a chunk that did not fit the last pipeline
	loaded    bool
	downSince time.Time
	dead      bool
	lastErr   error
	backoff   time.Duration
}

// push hands the worker a line from another worker (or itself). The list
// is not bounded, but it only ever holds lines that were in flight, so
// at most a pipeline per node; a bounded channel here could deadlock two
// workers handing lines to each other.
func (w *worker) push(ls ...*bline) {
	if len(ls) == 0 {
		return
	}
	w.mu.Lock()
	w.retry = append(w.retry, ls...)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) run() {
	defer w.b.wg.Done()
	for {
		lines := w.collect()
		if lines == nil {
			return
		}
		b := w.b
		if b.isStopped() {
			for _, l := range lines {
				b.finish(l, BatchResult{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: BatchNotSent, Message: "interrupted before it was sent"})
			}
			continue
		}
		if w.dead {
			w.unreachable(lines, w.lastErr)
			continue
		}
		if !w.loaded && b.preload {
			if !w.load(lines) {
				continue
			}
		}
		w.roundTrip(lines)
	}
}

func (b *batch) isStopped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped
}

// collect waits for lines and takes up to a pipeline's worth: re-sends
// first, then what the reader has queued. nil means the batch is done.
func (w *worker) collect() []*bline {
	n := w.b.opt.Pipeline
	out := make([]*bline, 0, n)
	take := func(from []*bline) []*bline {
		k := min(n-len(out), len(from))
		out = append(out, from[:k]...)
		return from[k:]
	}
	for {
		w.mu.Lock()
		rest := take(w.retry)
		w.retry = append(w.retry[:0], rest...)
		w.mu.Unlock()
		w.carry = take(w.carry)
	drain:
		for len(out) < n {
			select {
			case ch := <-w.inbox:
				w.carry = take(ch)
			default:
				break drain
			}
		}
		if len(out) > 0 {
			return out
		}
		select {
		case ch := <-w.inbox:
			w.carry = ch
		case <-w.wake:
		case <-w.b.done:
			return nil
		}
	}
}

// load sends SCRIPT LOAD before the first pipeline (and after NOSCRIPT or
// a reconnect). false means the lines were dealt with otherwise.
func (w *worker) load(lines []*bline) bool {
	b := w.b
	err := w.client.ScriptLoad(b.execCtx, b.script.Source).Err()
	switch {
	case err == nil:
		w.loaded = true
		return true
	case isRedisError(err) && !transientError(err.Error()):
		c := classify.ClassifyError(err)
		for _, l := range lines {
			b.finish(l, BatchResult{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: BatchError, Class: c.Class,
				Message: "SCRIPT LOAD failed, not sent: " + err.Error()})
		}
	default:
		w.unreachable(lines, err)
	}
	return false
}

// roundTrip sends one pipeline and settles or re-queues each line.
func (w *worker) roundTrip(lines []*bline) {
	b := w.b
	all := make([]*redis.Cmd, 0, len(lines))
	queued := make([]redis.Cmder, 0, len(lines))
	idx := make([]int, len(lines))
	for i, l := range lines {
		if l.asking {
			a := redis.NewCmd(b.execCtx, "ASKING")
			all, queued = append(all, a), append(queued, a)
			l.asking = false
		}
		if l.cmd == nil {
			l.cmd = redis.NewCmd(b.execCtx, b.command(l)...)
		}
		idx[i] = len(all)
		all, queued = append(all, l.cmd), append(queued, l.cmd)
		l.cmd = nil // a command is used once; a retry builds its own
	}
	pipe := w.client.Pipeline()
	_ = pipe.BatchProcess(b.execCtx, queued...)
	start := time.Now()
	_, err := pipe.Exec(b.execCtx)
	rt := time.Since(start)
	got := repliedPrefix(all)
	if got == 0 && err != nil && (isDialError(err) || isRedisError(err)) {
		// Nothing was written: no connection, or its handshake (AUTH,
		// HELLO, SELECT) failed. The lines did not run.
		w.unreachable(lines, err)
		return
	}
	w.downSince, w.backoff = time.Time{}, 0

	var okN int
	var noscript, transient []*bline
	type redirect struct {
		l    *bline
		kind string
		slot int
		addr string
		msg  string
	}
	var redirects []redirect
	var final []BatchResult
	var finalLines []*bline
	fail := func(l *bline, res BatchResult) {
		res.Line, res.Slot, res.Node = l.n, l.slot, w.addr
		finalLines, final = append(finalLines, l), append(final, res)
	}
	for i, l := range lines {
		l.attempts++
		if idx[i] >= got {
			c := classify.ClassifyError(err)
			fail(l, BatchResult{Outcome: BatchUnknown, Class: c.Class, Message: "no reply, the script may have run: " + errString(err)})
			continue
		}
		e := all[idx[i]].Err()
		if e == nil || errors.Is(e, redis.Nil) || !isRedisError(e) {
			okN++
			continue
		}
		msg := e.Error()
		switch {
		case strings.HasPrefix(msg, "NOSCRIPT"):
			noscript = append(noscript, l)
		case b.cluster && (strings.HasPrefix(msg, "MOVED ") || strings.HasPrefix(msg, "ASK ")):
			kind, slot, addr, ok := ParseRedirect(msg)
			if !ok {
				c := b.classifyReply(msg)
				fail(l, BatchResult{Outcome: BatchError, Class: c.Class, Message: msg})
				continue
			}
			redirects = append(redirects, redirect{l, kind, slot, addr, msg})
		case transientError(msg):
			transient = append(transient, l)
		default:
			c := b.classifyReply(msg)
			fail(l, BatchResult{Outcome: BatchError, Class: c.Class, Message: msg})
		}
	}
	b.mu.Lock()
	if got > 0 {
		b.lat.add(rt, got)
	}
	if okN > 0 {
		b.counts[BatchOK] += okN
		b.nodeLocked(w.addr).OK += okN
		b.pending -= okN
	}
	for i, res := range final {
		b.finishLocked(finalLines[i], res)
	}
	b.checkDoneLocked()
	b.mu.Unlock()

	if len(noscript) > 0 {
		w.noScript(noscript)
	}
	if len(redirects) > 0 {
		refreshed := false
		for _, r := range redirects {
			l := r.l
			l.redirects++
			if l.redirects > maxRedirects {
				c := b.classifyReply(r.msg)
				b.finish(l, BatchResult{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: BatchError, Class: c.Class,
					Message: fmt.Sprintf("still redirected after %d redirects: %s", maxRedirects, r.msg)})
				continue
			}
			if r.kind == "MOVED" {
				b.learn(r.slot, r.addr)
				if !refreshed {
					b.refresh()
					refreshed = true
				}
			} else {
				l.asking = true
			}
			w.forward(l, r.addr)
		}
	}
	if len(transient) > 0 {
		w.wait(transient, nil)
	}
}

// noScript re-queues lines that got NOSCRIPT: the script did not run.
func (w *worker) noScript(lines []*bline) {
	b := w.b
	var again []*bline
	for _, l := range lines {
		l.noscripts++
		if l.noscripts > maxNoScript {
			b.finish(l, BatchResult{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: BatchError, Class: classify.NoScript,
				Message: fmt.Sprintf("NOSCRIPT after %d reloads: the script cache keeps being emptied", maxNoScript)})
			continue
		}
		if b.opt.Strategy == EvalshaEval {
			l.useEval = true
		}
		again = append(again, l)
	}
	if len(again) == 0 {
		return
	}
	w.loaded = false
	b.mu.Lock()
	b.retried += len(again)
	b.nodeLocked(w.addr).Retried += len(again)
	b.mu.Unlock()
	w.push(again...)
}

// forward hands a line to the worker of addr; it had not run here.
func (w *worker) forward(l *bline, addr string) {
	b := w.b
	if addr == w.addr {
		w.push(l)
		return
	}
	to, err := b.workerFor(addr)
	if err != nil {
		b.finish(l, BatchResult{Line: l.n, Slot: l.slot, Node: addr, Outcome: BatchNotSent, Class: classify.Connection, Message: err.Error()})
		return
	}
	b.mu.Lock()
	b.redirect++
	b.nodeLocked(w.addr).Redirected++
	b.mu.Unlock()
	to.push(l)
}

// unreachable deals with lines that were not written because the node
// did not answer (err): they wait, at most DownWait from the first
// failure, for the node to come back or for the topology to name another
// owner (a failover); then they end as not sent.
func (w *worker) unreachable(lines []*bline, err error) {
	b := w.b
	w.loaded = false
	if err != nil {
		w.lastErr = err
	}
	if w.downSince.IsZero() {
		w.downSince = time.Now()
	}
	if !w.dead && time.Since(w.downSince) >= b.opt.DownWait {
		w.dead = true
	}
	w.wait(lines, w.lastErr)
}

// wait backs off, reads the topology again and re-routes lines that did
// not run: to their slot's new owner, or back into this worker's queue.
// Lines that have waited longer than DownWait end as not sent (err set:
// unreachable) or as errors (a transient error reply, e.g. CLUSTERDOWN).
func (w *worker) wait(lines []*bline, err error) {
	b := w.b
	now := time.Now()
	for _, l := range lines {
		if l.waitSince.IsZero() {
			l.waitSince = now
		}
	}
	if !w.dead {
		w.backoff = min(max(2*w.backoff, 50*time.Millisecond), time.Second)
		if !b.sleep(w.backoff) {
			w.giveUp(lines, err, "interrupted before it was sent")
			return
		}
	}
	b.refresh()
	var stay []*bline
	for _, l := range lines {
		if addr := b.route(l); addr != w.addr {
			w.forward(l, addr)
			continue
		}
		if w.dead || time.Since(l.waitSince) >= b.opt.DownWait {
			w.giveUp([]*bline{l}, err, "")
			continue
		}
		stay = append(stay, l)
	}
	w.push(stay...)
}

// giveUp ends lines that could not be sent (err) or kept getting a
// transient error reply.
func (w *worker) giveUp(lines []*bline, err error, why string) {
	b := w.b
	for _, l := range lines {
		res := BatchResult{Line: l.n, Slot: l.slot, Node: w.addr, Outcome: BatchNotSent}
		switch {
		case why != "":
			res.Message = why
		case err != nil:
			res.Class = classify.ClassifyError(err).Class
			res.Message = fmt.Sprintf("not sent: %s did not answer for %s: %s", w.addr, b.opt.DownWait, errString(err))
		default:
			res.Outcome, res.Class = BatchError, classify.ClusterDown
			res.Message = fmt.Sprintf("refused for %s (CLUSTERDOWN, TRYAGAIN or LOADING); the script did not run", b.opt.DownWait)
		}
		b.finish(l, res)
	}
}

// sleep waits d unless the batch is stopped first (false).
func (b *batch) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-b.ctx.Done():
		return false
	}
}

// transientError reports an error reply that the server sends before
// running anything and that goes away by itself: the line can be sent
// again safely.
func transientError(msg string) bool {
	for _, p := range []string{"CLUSTERDOWN", "TRYAGAIN", "LOADING"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func errString(err error) string {
	if err == nil {
		return "connection lost"
	}
	return err.Error()
}

// repliedPrefix returns how many of a pipeline's commands, in order, got
// their whole reply. go-redis reads replies in order and, when the
// connection breaks at command i, stamps the error on every command that
// had none, including those before i that did get a reply; those still
// hold the value they read, while command i holds nothing or a partial
// value ("" from a cut bulk string, a nil slice or map from a cut array).
// A complete reply that looks like a partial one ("") is counted as not
// arrived: its line ends unknown rather than ok, never the other way.
func repliedPrefix(cmds []*redis.Cmd) int {
	for i, c := range cmds {
		err := c.Err()
		switch {
		case err == nil:
			// Read without trouble; a nil value means it was never sent
			// (go-redis does not stamp a handshake's error reply).
			if c.Val() == nil {
				return i
			}
		case isRedisError(err):
			// An error reply or a nil reply: it arrived.
		case !completeValue(c.Val()):
			return i
		}
	}
	return len(cmds)
}

func completeValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return x != nil
	case map[any]any:
		return x != nil
	}
	return true
}

// latHist is a latency histogram of fixed size: values in microseconds,
// exact below 64µs, then 32 buckets per power of two (about 3%).
type latHist struct {
	counts [64 + 48*32]int64
	total  int64
	trips  int
	max    time.Duration
}

func latBucket(us uint64) int {
	if us < 64 {
		return int(us)
	}
	e := bits.Len64(us) - 6 // us >> e is in [32, 63]
	i := 64 + (e-1)*32 + int(us>>e) - 32
	return min(i, 64+48*32-1)
}

// latUpper is the largest value of bucket i.
func latUpper(i int) uint64 {
	if i < 64 {
		return uint64(i)
	}
	e := (i-64)/32 + 1
	m := uint64((i-64)%32 + 32)
	return (m+1)<<e - 1
}

func (h *latHist) add(d time.Duration, weight int) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	h.counts[latBucket(uint64(us))] += int64(weight)
	h.total += int64(weight)
	h.trips++
	h.max = max(h.max, d)
}

func (h *latHist) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := int64(q*float64(h.total) + 0.5)
	rank = min(max(rank, 1), h.total)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(latUpper(i))*time.Microsecond, h.max)
		}
	}
	return h.max
}

func (h *latHist) summary() BatchLatency {
	return BatchLatency{P50: h.quantile(0.50), P90: h.quantile(0.90), P99: h.quantile(0.99), Max: h.max, RoundTrips: h.trips}
}
