package batch

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// Result is the outcome of one input line that did not end ok.
type Result struct {
	Line    int     `json:"line"`           // 1-based line number in the input
	Outcome Outcome `json:"outcome"`        // how it ended
	Node    string  `json:"node,omitempty"` // where it was (or would be) sent
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
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
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

// NodeStats counts a batch's lines per node.
type NodeStats struct {
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

// Latency summarises call latency. A call's latency is the round
// trip of the pipeline that carried it, from writing the pipeline to
// reading its last reply: an upper bound of that call's own
// send-to-reply time, and what a client pipelining the same way waits.
// Percentiles are weighted by calls and exact to about 3%; Max is exact.
type Latency struct {
	P50, P90, P99 time.Duration // percentiles over calls
	Max           time.Duration // the slowest round trip
	RoundTrips    int           // pipelines whose replies arrived
}

// MarshalJSON writes the durations as microseconds, like the run report.
func (l Latency) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		P50        int64  `json:"p50_micros"`
		P90        int64  `json:"p90_micros"`
		P99        int64  `json:"p99_micros"`
		Max        int64  `json:"max_micros"`
		RoundTrips int    `json:"round_trips"`
		Basis      string `json:"basis"`
	}{l.P50.Microseconds(), l.P90.Microseconds(), l.P99.Microseconds(), l.Max.Microseconds(), l.RoundTrips, "pipeline round trip"})
}

// Progress is a snapshot for a progress display.
type Progress struct {
	Read     int           // input lines taken as calls so far
	Done     int           // lines with their outcome decided
	OK       int           // lines that ended ok
	Failed   int           // outcomes that are not ok or skipped
	Answered int           // calls that got a reply (ok + error), for a rate
	Elapsed  time.Duration // since the batch started
}

// Report is a whole batch: what ran where, the counts, the speed
// and the first failures.
type Report struct {
	Target   string          `json:"target"`   // redacted
	Mode     string          `json:"mode"`     // standalone, replica or cluster
	SHA      string          `json:"sha"`      // the script's SHA1
	Strategy redisx.Strategy `json:"strategy"` // how the script reached the nodes
	Command  string          `json:"command"`  // EVALSHA, EVALSHA_RO, EVAL or EVAL_RO
	ReadOnly bool            `json:"readonly"` // EVALSHA_RO / EVAL_RO were sent
	DryRun   bool            `json:"dry_run"`  // nothing was sent
	Pipeline int             `json:"pipeline"` // calls per round trip and connection
	// Connections is the connections per node (Options.Connections).
	Connections int `json:"connections"`
	// Lines counts the input's calls: every line but blank ones and comments.
	Lines int `json:"lines"`
	// Outcomes counts the lines per outcome; every outcome is present.
	Outcomes map[Outcome]int `json:"outcomes"`
	Nodes    []NodeStats     `json:"nodes"`
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
	CallsPerSec float64 `json:"calls_per_sec"`
	Latency     Latency `json:"latency"`
	// Failures are the failed lines with the lowest line numbers, at most
	// Options.MaxFailures of them; FailuresTotal counts all.
	Failures      []Result `json:"-"`
	FailuresTotal int      `json:"failures"`
	// Stopped is set when ctx was cancelled: lines read but not sent are
	// not_sent, and LastLine says where reading stopped.
	Stopped    bool   `json:"stopped"`
	LastLine   int    `json:"last_line"`
	InputError string `json:"input_error,omitempty"`
}

// ExitCode maps the batch to the CLI's exit status: 0 when every line
// ended ok (or skipped, in a dry run), else 1.
func (r *Report) ExitCode() int {
	if r.FailuresTotal > 0 || r.InputError != "" {
		return 1
	}
	return 0
}

// WriteJSON writes the summary as one JSON object tagged "type":"summary"
// and a newline: the last record of the CLI's JSON Lines output, after
// one "type":"line" record per failed line. It escapes as every --json
// output does (resp.WriteJSON).
func (r *Report) WriteJSON(w io.Writer) error {
	return resp.WriteJSON(w, struct {
		Type string `json:"type"`
		*Report
		Micros int64 `json:"micros"`
	}{"summary", r, r.Elapsed.Microseconds()})
}

// WriteText writes the report for a person. Server messages are escaped.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "target    %s (%s)\n", resp.Printable(r.Target), resp.Printable(r.Mode))
	ro := ""
	if r.ReadOnly {
		ro = " (read-only)"
	}
	conns := ""
	if r.Connections > 1 {
		conns = fmt.Sprintf(", %d connections per node", r.Connections)
	}
	fmt.Fprintf(&b, "script    sha %s, %s, strategy %s%s, pipeline %d%s\n", r.SHA, r.Command, r.Strategy, ro, r.Pipeline, conns)
	if r.DryRun {
		b.WriteString("dry run   nothing was sent\n")
	}
	var parts []string
	for _, o := range Outcomes {
		if n := r.Outcomes[o]; n > 0 || o == OK && !r.DryRun {
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
	if r.FailuresTotal > 0 && r.DryRun {
		// The plan above the report has every line, these among them.
		fmt.Fprintf(&b, "failures  %d line%s would not be sent (crossslot or invalid: in the plan above)\n", r.FailuresTotal, plural(r.FailuresTotal))
	} else if r.FailuresTotal > 0 {
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
func (r Result) Text() string {
	s := fmt.Sprintf("line %-6d %-9s", r.Line, r.Outcome)
	if r.Class != "" && string(r.Class) != string(r.Outcome) {
		s += fmt.Sprintf(" %-12s", r.Class)
	}
	if r.Node != "" && r.Outcome != Skipped {
		s += " " + resp.Escape([]byte(r.Node))
	}
	if r.Outcome == Skipped {
		s += " -> " + resp.Escape([]byte(r.Node))
		if r.Slot >= 0 {
			s += fmt.Sprintf("  slot %d", r.Slot)
		}
	}
	if r.Message != "" {
		if r.Outcome == Invalid {
			// luascope's own message about the input: control bytes escaped,
			// its backslashes left as written.
			s += "  " + resp.Printable(r.Message)
		} else {
			s += "  " + resp.Escape([]byte(r.Message))
		}
	}
	return strings.TrimRight(s, " ")
}

func fmtDur(d time.Duration) string { return redisx.FormatMicros(d.Microseconds()) }

// GroupDigits writes n with thousands separators (1,234,567): counts in
// GroupDigits writes n with thousands separators (resp.GroupDigits), kept
// here for the batch's callers.
func GroupDigits(n int64) string { return resp.GroupDigits(n) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
