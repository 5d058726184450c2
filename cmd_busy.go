package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/incident"
	"luascope/redisx/resp"
)

type busyOpts struct {
	conn *connFlags
	kill bool
	yes  bool
	json bool
	ro   bool
}

func newBusyCmd(conn *connFlags) *cobra.Command {
	o := &busyOpts{conn: conn}
	cmd := &cobra.Command{
		Use:   "busy [connection flags] [--kill [--yes]] [--json] [FILE ...]",
		Short: "Say what script or function holds the server (BUSY), and stop it with --kill",
		Long: `Ask the server (every node of a cluster) what script or function it is
running, with the only questions a BUSY server answers: FUNCTION STATS names a
running function, the command that called it and how long it has run; while an
EVAL script runs, FUNCTION STATS answers BUSY, which says it is a script (its
SHA is not available until it ends: afterwards, luascope slowlog shows it).
A function is mapped to its library where one is known (a FILE given here, or
luascope's history).

--kill sends what stops it: SCRIPT KILL for EVAL/EVALSHA, FUNCTION KILL for
FCALL. It asks first on a terminal (type yes), or needs --yes; on a connection
marked production it needs --yes; read-only connections (--ro, readonly = true)
refuse it. A script that has already written cannot be killed (UNKILLABLE): the
only way to stop it before it ends is SHUTDOWN NOSAVE, which loses every change
since the last save — luascope says so and never sends it.

It also says what to change: busy-reply-threshold (lua-time-limit), read with
CONFIG GET when the server is not busy and the ACL allows it, and how to batch.

Exit status: 0 nothing runs, or it was killed; 1 something runs (not killed, or
UNKILLABLE); 2 usage, or a kill refused or not confirmed; 3 connection.`,
		Example: `  luascope busy -p 6380
  luascope busy -p 6380 --kill
  luascope busy -c -p 30001 --json`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	cmd.Flags().BoolVar(&o.kill, "kill", false, "stop what runs: SCRIPT KILL or FUNCTION KILL, whichever applies (asks first)")
	cmd.Flags().BoolVar(&o.yes, "yes", false, "kill without asking (needed on a connection marked production)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print what runs, the kill's outcome and the advice as JSON")
	cmd.Flags().BoolVar(&o.ro, "ro", false, "read-only: only look, never kill")
	return cmd
}

// busyJSON is the --json document of `luascope busy`. Fields are only
// ever added; strings from the server are escaped (resp.Escape).
type busyJSON struct {
	Busy   bool           `json:"busy"`
	Nodes  []busyNodeJSON `json:"nodes"`
	Config *busyConfig    `json:"config"`
	Advice []string       `json:"advice"`
}

type busyNodeJSON struct {
	incident.Running
	Source *sourceJSON `json:"source"`
	// Kill is what --kill did: nil when it was not asked or not needed.
	KillResult *incident.KillResult `json:"kill_result,omitempty"`
	// Ended is the slow log's entry for the killed script, when found:
	// its SHA and source (a running EVAL script's SHA is unknown).
	Ended *endedJSON `json:"ended,omitempty"`
	Error string     `json:"error,omitempty"`
}

type endedJSON struct {
	SHA        string      `json:"sha,omitempty"`
	Function   string      `json:"function,omitempty"`
	DurationUS int64       `json:"duration_us"`
	Source     *sourceJSON `json:"source"`
}

// busyConfig is busy-reply-threshold as CONFIG GET reads it, or why not.
type busyConfig struct {
	Name        string `json:"name,omitempty"`
	ThresholdMS int64  `json:"threshold_ms,omitempty"`
	Error       string `json:"error,omitempty"`
}

func (o *busyOpts) run(cmd *cobra.Command, files []string) error {
	known, err := knownSources(cmd, files)
	if err != nil {
		return err
	}
	env, err := newEnv(cmd, o.conn, envOpts{quiet: o.json, readOnly: o.ro})
	if err != nil {
		return err
	}
	conn, err := env.connect(context.Background())
	if err != nil {
		return err
	}
	defer conn.close()
	if env.historyOn(false) {
		known = append(known, historySources(cmd)...)
	}
	res := incident.NewResolver(known)
	s := conn.session
	ctx, cancel := nodeCtx(o.conn)
	defer cancel()
	stderr := cmd.ErrOrStderr()

	addrs, err := allNodes(ctx, s)
	if err != nil {
		if classify.ClassifyError(err).Class != classify.Busy && !strings.Contains(err.Error(), "BUSY") {
			return &exitError{code: errCode(err), msg: err.Error(), cause: err}
		}
		// CLUSTER NODES is refused while the seed node is busy: that node
		// is the one to look at.
		fmt.Fprintf(stderr, "luascope: %s is busy and cannot list the cluster's nodes: only it is asked\n", esc(s.Target().Addr))
		addrs = []string{s.Target().Addr}
	}
	doc := busyJSON{Advice: []string{}}
	code := exitOK
	for _, addr := range addrs {
		r, err := incident.Probe(ctx, s, addr)
		n := busyNodeJSON{Running: escRunning(r)}
		if err != nil {
			n.Error = err.Error()
			code = max(code, errCode(err))
		}
		if r.Busy() {
			doc.Busy = true
			if c, ok := incident.ScriptCall(r.Command); ok {
				n.Source = sourceOf(res.Resolve(c))
			} else if r.Name != "" {
				n.Source = sourceOf(res.Resolve(incident.Call{Function: r.Name}))
			}
		}
		doc.Nodes = append(doc.Nodes, n)
	}
	if doc.Busy {
		code = max(code, exitErrorReply)
		librariesElsewhere(ctx, s, &doc, addrs)
	}
	if o.kill && doc.Busy {
		if err := o.guardKill(cmd, conn, doc); err != nil {
			doc.Advice = advice(doc)
			o.emit(cmd, doc) // what runs is still worth saying
			return err
		}
		killCode := exitOK
		for i := range doc.Nodes {
			n := &doc.Nodes[i]
			if !n.Busy() || n.Kill == "" {
				continue
			}
			kr, err := incident.Kill(ctx, s, n.Node, n.Kill)
			if errors.Is(err, redisx.ErrReadOnlyAdmin) {
				return &exitError{code: exitUsage, msg: "read-only: " + n.Kill + " was not sent"}
			}
			kr.Reply = esc(kr.Reply)
			n.KillResult = &kr
			switch kr.Outcome {
			case incident.Killed, incident.NotBusy:
				n.Ended = endedEntry(ctx, s, n.Node, n.Kind, res)
			default:
				killCode = exitErrorReply
			}
		}
		for _, n := range doc.Nodes {
			if n.Busy() && n.KillResult == nil {
				killCode = exitErrorReply // something runs that no kill applies to
			}
		}
		code = killCode
	}
	if len(addrs) > 0 {
		at := addrs[0] // the threshold of the node that was busy, if any
		for _, n := range doc.Nodes {
			if n.Busy() {
				at = n.Node
				break
			}
		}
		doc.Config = readThreshold(ctx, s, at)
	}
	doc.Advice = advice(doc)
	if err := o.emit(cmd, doc); err != nil {
		return err
	}
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// guardKill refuses a kill on a read-only connection (why: it changes the
// server: another client's script stops) and on production without
// --yes, and asks on a terminal otherwise unless --yes.
func (o *busyOpts) guardKill(cmd *cobra.Command, conn *connection, doc busyJSON) error {
	var kills []string
	for _, n := range doc.Nodes {
		if n.Busy() && n.Kill != "" {
			kills = append(kills, n.Kill+" on "+n.Node)
		}
	}
	if len(kills) == 0 {
		return nil // nothing a kill applies to: the report says why
	}
	what := strings.Join(kills, ", ")
	if conn.session.ReadOnly() {
		return &exitError{code: exitUsage, msg: "read-only connection: " + what + " was not sent (a kill stops another client's script, which read-only never does); connect without --ro or readonly = true to kill"}
	}
	if conn.production && !o.yes {
		return &exitError{code: exitUsage, msg: fmt.Sprintf("%s (%s) is marked production: %s was not sent. Add --yes to kill", esc(conn.label()), conn.session.Target(), what)}
	}
	if o.yes {
		return nil
	}
	return confirmOrRefuse(cmd, "send "+what+" (stops another client's script; a script that has written cannot be killed)")
}

func (o *busyOpts) emit(cmd *cobra.Command, doc busyJSON) error {
	return writeDoc(cmd, o.json, doc, func(w io.Writer) error { return writeBusyText(w, doc) }, exitOK)
}

func escRunning(r incident.Running) incident.Running {
	r.Name, r.Reply, r.Command = esc(r.Name), esc(r.Reply), escAll(r.Command)
	if len(r.Command) == 0 {
		r.Command = nil
	}
	return r
}

func sourceOf(s *incident.Source) *sourceJSON {
	if s == nil {
		return nil
	}
	return &sourceJSON{From: s.From, Detail: esc(s.Detail), PrefixMatch: s.Prefix, FirstLine: esc(firstLine(s.Text))}
}

// endedEntry finds the killed script in the node's slow log: the newest
// call of the kind killed (a script past busy-reply-threshold is slower
// than any slowlog-log-slower-than worth having). nil when the log has
// none (or may not be read).
func endedEntry(ctx context.Context, s *redisx.Session, addr string, kind incident.Kind, res *incident.Resolver) *endedJSON {
	killed := time.Now().Add(-2 * time.Second) // the log's times are whole seconds
	var logs []incident.NodeSlowLog
	// The kill's OK comes before the script has unwound: until then the
	// server still answers BUSY.
	for try := 0; try < 20; try++ {
		logs = incident.SlowLog(ctx, s, []string{addr}, 16)
		if len(logs) != 1 || logs[0].Err == nil || !strings.Contains(logs[0].Err.Error(), "BUSY") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(logs) != 1 || logs[0].Err != nil {
		return nil
	}
	for _, e := range logs[0].Entries {
		c, ok := incident.ScriptCall(e.Words)
		if !ok || (c.Function != "") != (kind == incident.Function) || e.Time.Before(killed) {
			continue
		}
		return &endedJSON{SHA: esc(c.SHA), Function: esc(c.Function), DurationUS: e.Duration.Microseconds(), Source: sourceOf(res.Resolve(c))}
	}
	return nil
}

// readThreshold reads busy-reply-threshold (Redis 7+), else its old name
// lua-time-limit. A BUSY server refuses CONFIG GET: said, not retried.
func readThreshold(ctx context.Context, s *redisx.Session, addr string) *busyConfig {
	for _, name := range []string{"busy-reply-threshold", "lua-time-limit"} {
		v, err := s.OnNode(ctx, addr, "CONFIG", "GET", name)
		switch {
		case err != nil:
			return &busyConfig{Error: err.Error()}
		case v.Kind == resp.Error:
			msg := esc(string(v.Str))
			switch classify.Classify(string(v.Str)).Class {
			case classify.NoPerm:
				msg = "CONFIG GET is denied to this ACL user (" + msg + ")"
			case classify.Busy:
				msg = "the server is busy: CONFIG GET is refused until the script ends"
			}
			return &busyConfig{Error: msg}
		}
		var val string
		_ = eachPairValue(*v, func(k, x string) {
			if k == name {
				val = x
			}
		})
		if ms, err := strconv.ParseInt(val, 10, 64); err == nil {
			return &busyConfig{Name: name, ThresholdMS: ms}
		}
	}
	return &busyConfig{Error: "the server reports neither busy-reply-threshold nor lua-time-limit"}
}

// eachPairValue walks CONFIG GET's reply: a map (RESP3) or pairs.
func eachPairValue(v resp.Value, f func(k, val string)) error {
	if (v.Kind != resp.Map && v.Kind != resp.Array) || len(v.Elems)%2 != 0 {
		return fmt.Errorf("unexpected reply %s", resp.Summary(v, 60))
	}
	for i := 0; i < len(v.Elems); i += 2 {
		f(string(v.Elems[i].Str), string(v.Elems[i+1].Str))
	}
	return nil
}

// advice is what to change, from what was seen.
func advice(doc busyJSON) []string {
	var out []string
	th := "busy-reply-threshold"
	if c := doc.Config; c != nil && c.Error == "" {
		th = fmt.Sprintf("%s (%d ms here)", c.Name, c.ThresholdMS)
	}
	out = append(out,
		th+" is when other clients start getting BUSY instead of waiting; it does not stop the script, and raising it only makes every client wait longer.",
		"Make the script shorter: do a bounded batch per call (a SCAN cursor or a LIMIT count in ARGV, returning where to go on) and call it again until done.",
		"Read and check first, write last: a script that has not written yet can still be killed; one that has written can only be stopped by SHUTDOWN NOSAVE.")
	for _, n := range doc.Nodes {
		if n.KillResult != nil && n.KillResult.Outcome == incident.Unkillable {
			out = append(out, "UNKILLABLE on "+n.Node+": wait for the script to end. SHUTDOWN NOSAVE is the only other way and loses every change since the last save and disconnects all clients; luascope never sends it.")
		}
	}
	return out
}

func writeBusyText(w io.Writer, doc busyJSON) error {
	var b strings.Builder
	for _, n := range doc.Nodes {
		node := esc(n.Node)
		switch {
		case n.Error != "":
			fmt.Fprintf(&b, "%s: could not ask: %s\n", node, esc(n.Error))
		case n.Kind == incident.Idle:
			fmt.Fprintf(&b, "%s: nothing is running\n", node)
		case n.Kind == incident.Unknown:
			fmt.Fprintf(&b, "%s: cannot tell what runs: %s\n", node, n.Reply)
		case n.Kind == incident.Other:
			fmt.Fprintf(&b, "%s: BUSY, but not with a script (a module's command?): no kill applies: %s\n", node, n.Reply)
		case n.Kind == incident.Function:
			fmt.Fprintf(&b, "%s: BUSY with function %s", node, n.Name)
			if n.DurationMS > 0 {
				fmt.Fprintf(&b, ", running for %d ms", n.DurationMS)
			}
			b.WriteString("\n")
			if len(n.Command) > 0 {
				fmt.Fprintf(&b, "  command: %s\n", strings.Join(n.Command, " "))
			}
		default:
			fmt.Fprintf(&b, "%s: BUSY with an EVAL/EVALSHA script", node)
			if len(n.Command) > 0 {
				fmt.Fprintf(&b, "\n  command: %s", strings.Join(n.Command, " "))
			} else {
				b.WriteString(" (its SHA is not available while it runs; luascope slowlog shows it once it has ended)")
			}
			b.WriteString("\n")
		}
		if n.Busy() {
			if n.Source != nil {
				b.WriteString("  " + describeSource(n.Source) + "\n")
			} else if n.Kind == incident.Function {
				b.WriteString("  source: unknown (give the library file as an argument)\n")
			}
		}
		if n.Busy() && n.Kill != "" && n.KillResult == nil {
			fmt.Fprintf(&b, "  stop it with: %s (luascope busy --kill sends it, after asking)\n", n.Kill)
		}
		if kr := n.KillResult; kr != nil {
			switch kr.Outcome {
			case incident.Killed:
				fmt.Fprintf(&b, "  %s: killed (its client got an error)\n", n.Kill)
			case incident.NotBusy:
				fmt.Fprintf(&b, "  %s: it had already ended (%s)\n", n.Kill, kr.Reply)
			case incident.Unkillable:
				fmt.Fprintf(&b, "  %s: UNKILLABLE — the script has already written, and killing it would leave half its writes.\n"+
					"  Wait for it to end. The only other way is SHUTDOWN NOSAVE (every change since the last save is lost,\n"+
					"  every client disconnected): luascope never sends it; an operator may, with redis-cli.\n", n.Kill)
			default:
				fmt.Fprintf(&b, "  %s failed: %s\n", n.Kill, kr.Reply)
			}
		}
		if e := n.Ended; e != nil {
			what := "script " + e.SHA
			if e.Function != "" {
				what = "function " + e.Function
			} else if e.SHA == "" {
				what = "script (SHA unknown: the log cut its body)"
			}
			fmt.Fprintf(&b, "  the slow log has it: %s, ran %s", what, fmtUS(e.DurationUS))
			b.WriteString("\n")
			if e.Source != nil {
				b.WriteString("  " + describeSource(e.Source) + "\n")
			}
		}
	}
	if c := doc.Config; c != nil {
		if c.Error != "" {
			fmt.Fprintf(&b, "\n%s: %s\n", "busy-reply-threshold", esc(c.Error))
		} else {
			fmt.Fprintf(&b, "\n%s: %d ms\n", c.Name, c.ThresholdMS)
		}
	}
	if doc.Busy {
		b.WriteString("what to change:\n")
		for _, a := range doc.Advice {
			fmt.Fprintf(&b, "  - %s\n", a)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
