package redisx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"luascope/redisx/classify"
	"luascope/redisx/explain"
	"luascope/redisx/resp"
)

// Strategy is how a run gets the script to the server. Clients differ
// here, and the differences are what users trip over, so each is
// selectable and its round trips are shown.
type Strategy string

// The strategies. The default, EvalshaLoad, is the sticky-connection
// retry proposed for go-redis's Script.Run.
const (
	// EvalshaLoad sends EVALSHA; on NOSCRIPT, SCRIPT LOAD and EVALSHA again
	// on the same connection (3 round trips cold, 1 warm).
	EvalshaLoad Strategy = "evalsha-load"
	// EvalshaEval sends EVALSHA, then EVAL on NOSCRIPT: what go-redis's
	// Script.Run does today (2 round trips cold, 1 warm).
	EvalshaEval Strategy = "evalsha-eval"
	// EvalOnly sends EVAL every time: simple, but the whole body every time.
	EvalOnly Strategy = "eval"
	// LoadFirst sends SCRIPT LOAD, then EVALSHA: always 2 round trips.
	LoadFirst Strategy = "load-first"
)

// Strategies lists every strategy, in the order the UI cycles through them.
var Strategies = []Strategy{EvalshaLoad, EvalshaEval, EvalOnly, LoadFirst}

// ParseStrategy accepts a strategy name as the --strategy flag takes it.
func ParseStrategy(s string) (Strategy, error) {
	for _, st := range Strategies {
		if string(st) == s {
			return st, nil
		}
	}
	names := make([]string, len(Strategies))
	for i, st := range Strategies {
		names[i] = string(st)
	}
	return "", fmt.Errorf("unknown strategy %q (want one of %s)", s, strings.Join(names, ", "))
}

// Call is one run as the user asked for it: the script (or function),
// its KEYS and ARGV (any bytes), and how to send it.
type Call struct {
	Script   Script
	Keys     []string
	Args     []string
	Strategy Strategy
	// ReadOnly sends EVAL_RO / EVALSHA_RO / FCALL_RO, which the server
	// refuses to let write, and refuses FUNCTION LOAD.
	ReadOnly bool
	// Function, when set, calls a Redis Function with FCALL instead of the script.
	Function string
	// Library, when set with Function, is loaded with FUNCTION LOAD REPLACE first.
	Library string
	// Node forces the node to run on (cluster, keyless scripts); "" routes by key.
	Node string
	// Explain runs the script wrapped by package explain (once, same line
	// numbers) and explains how its value became the reply.
	Explain bool
	// Effects snapshots each declared key before and after the run.
	Effects bool
}

// Outcome is what one round trip came to.
type Outcome string

// The outcomes of a step.
const (
	OutcomeOK       Outcome = "ok"       // a non-error reply
	OutcomeError    Outcome = "error"    // an error reply
	OutcomeNoScript Outcome = "noscript" // NOSCRIPT: the cache does not hold the SHA
	OutcomeMoved    Outcome = "moved"    // a cluster redirect, followed
	OutcomeAsk      Outcome = "ask"      // a migrating-slot redirect, followed
	OutcomeFailed   Outcome = "failed"   // no reply: connection lost, timeout
)

// Step is one round trip of a run, emitted as it happens.
type Step struct {
	Seq     int           // 1-based position in the run
	Command []string      // as sent, printable: arguments escaped, a long script body abbreviated
	Args    []string      // as sent, raw bytes, a long script body abbreviated (for JSON)
	Node    string        // server address it went to
	Conn    string        // local address of the connection (a retry on the same connection shows the same)
	Dialed  bool          // a new connection was opened for it (first use or reconnect)
	Outcome Outcome       //
	Reply   *resp.Value   // the exact reply, nil when none arrived
	Err     string        // client-side failure when no reply arrived
	Note    string        // why this step happened, e.g. "NOSCRIPT: load and retry on the same connection"
	Start   time.Time     //
	Dur     time.Duration //

	// Sent is every argument as sent, raw bytes, nothing abbreviated, for
	// the TUI's detail view of a step. It shares the call's strings (no
	// copy) and is not part of the JSON contract.
	Sent []string
}

// Result is a whole run.
type Result struct {
	SHA      string
	Shebang  *Shebang
	Strategy Strategy
	Steps    []Step
	// Reply is the final reply (an error reply included); nil when the run
	// failed without one (see Error).
	Reply *resp.Value
	// Error classifies the failure: the final error reply, or the client
	// error when no reply came. nil on success.
	Error    *classify.Classification
	Duration time.Duration
	// ClientErr is the client-side error when no reply came (connection, timeout).
	ClientErr error
	// Explain is how the Lua value became the reply (explain mode only).
	Explain *explain.Node
	// SentSHA is the SHA of what was sent: SHA, or in explain mode the
	// wrapped script's (the one the server caches).
	SentSHA string
	// Effects is each declared key's change (Call.Effects only).
	Effects []Effect
}

// NotSent says why the run sent no round trip at all (luascope refused
// it, or no server could be reached), "" when it sent one: a run that
// sent nothing has no reply to compare or check.
func (r Result) NotSent() string {
	switch {
	case len(r.Steps) > 0:
		return ""
	case r.Error != nil:
		return r.Error.Message
	}
	return "no round trip was sent"
}

// ExitCode maps a result to the CLI's exit status: 0 reply, 1 error
// reply, 3 connection trouble.
func (r Result) ExitCode() int {
	switch {
	case r.ClientErr != nil:
		return 3
	case r.Error != nil:
		return 1
	}
	return 0
}

// ErrReadOnly is returned for an action that read-only mode forbids.
var ErrReadOnly = errors.New("refused: read-only mode cannot write (FUNCTION LOAD)")

// MaxRedirects bounds MOVED/ASK chasing, as redis-cli and go-redis do;
// a run and each line of a batch obey the same bound.
const MaxRedirects = 5

// run is the state of one run: the session, the callback and the steps.
type run struct {
	s      *Session
	onStep func(Step)
	res    *Result
	slot   int    // the first key's slot, -1 for a keyless call
	note   string // prefixed to the next step's note (why it was sent)
	// wrapper labels the script steps of an explain run ("explain wrapper
	// of 1a2b3c4"): they send the wrapper under its own SHA while the run
	// is titled by the script's, which a reader of the trace must not
	// take for the script's cache.
	wrapper string
}

// Run executes call one round trip at a time, calling onStep (if not nil)
// after each round trip, from the calling goroutine. It never returns a
// Go error: every failure is classified in the Result.
func (s *Session) Run(ctx context.Context, call Call, onStep func(Step)) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ro.Load() {
		// A read-only session never sends a writing command, whatever the call says.
		call.ReadOnly = true
	}
	start := time.Now()
	res := Result{SHA: call.Script.SHA, SentSHA: call.Script.SHA, Shebang: call.Script.Shebang, Strategy: call.Strategy}
	if res.Strategy == "" {
		res.Strategy = EvalshaLoad
	}
	r := &run{s: s, onStep: onStep, res: &res, slot: -1}
	if len(call.Keys) > 0 {
		r.slot = KeySlot(call.Keys[0])
	}
	if c := crossSlot(s, call); c != nil {
		// Refused before anything is sent: a cluster would answer CROSSSLOT.
		res.Error = c
		res.Duration = time.Since(start)
		return res
	}
	var before []KeyState
	if call.Effects {
		before = s.snapshotLocked(ctx, call.Keys)
		start = time.Now() // the run's duration leaves the snapshot out
	}
	final := r.execute(ctx, call)
	if call.Explain && call.Function == "" && final.err == nil && final.value != nil && final.value.Kind == resp.Error &&
		classify.Classify(string(final.value.Str)).Class == classify.Compile {
		// The wrapped script did not compile, so nothing ran: send the
		// script as it is, for Redis's own message and line (the wrapper's
		// closing lines would move an error at the end of the file).
		plain := call
		plain.Explain = false
		r.res.SentSHA = call.Script.SHA
		r.note = "explain mode: the script does not compile; sent as it is for Redis's own message"
		final = r.execute(ctx, plain)
	}
	if call.Explain && final.value != nil && final.value.Kind == resp.Error && res.SentSHA != res.SHA {
		// Error texts name the wrapper's SHA; a plain run's name the script's.
		v := *final.value
		v.Str = []byte(strings.ReplaceAll(string(v.Str), res.SentSHA, res.SHA))
		final.value = &v
	}
	res.Duration = time.Since(start)
	if call.Effects {
		res.Effects = Effects(before, s.snapshotLocked(ctx, call.Keys))
	}
	switch {
	case final.err != nil:
		res.ClientErr = final.err
		c := classify.ClassifyError(final.err)
		res.Error = &c
	case final.value != nil:
		res.Reply = final.value
		if call.Explain && final.value.Kind != resp.Error {
			if real, lua, err := explain.Unwrap(*final.value); err == nil {
				node := explain.Annotate(*real, *lua, s.info.Protocol)
				res.Reply, res.Explain = real, &node
				final.value = real
			}
		}
		if final.value.Kind == resp.Error {
			c := classify.Classify(string(final.value.Str))
			if c.Class == classify.Unknown && lastWasScript(res.Steps) {
				// An error no server code path writes, in answer to a script
				// call: the script returned it ({err=…}, redis.error_reply).
				c.Class, c.Source = classify.Script, classify.SourceScript
				c.Hint = "No Redis or Valkey code path writes this error, so most likely the script returned it itself ({err=…} or redis.error_reply): then it ran, and the cache is fine — look at the script's logic. If a proxy stands between luascope and the server, the error may be the proxy's, and the script may not have run."
			}
			if c.Class == classify.Arguments {
				// luascope computes numkeys itself, so EVAL's own arguments are
				// right: this error came from a command the script called and
				// returned as a value (redis.pcall hands errors back as tables).
				c.Class, c.Source = classify.Command, classify.SourceRedisCall
				c.Hint = "A Redis command the script called failed with this error, and the script returned it (redis.pcall returns errors as {err=…}): check that call's arguments and the key's type."
			}
			if c.Class == classify.Moved || c.Class == classify.Ask {
				if _, _, _, ok := ParseRedirect(string(final.value.Str)); !ok {
					c.Hint = "luascope did not follow this redirect: its slot or address is not a valid host:port (a broken or hostile server, or a proxy rewriting replies), so nothing was sent there."
				}
			}
			if c.Class == classify.NoPerm && res.Strategy == EvalshaLoad && lastIs(res.Steps, "SCRIPT") {
				// An application's user often has EVALSHA and EVAL only. The
				// strategy is the user's choice, so luascope does not switch on
				// its own; it says which one needs no SCRIPT LOAD.
				c.Hint += " This user may not SCRIPT LOAD, which the evalsha-load strategy needs after NOSCRIPT: --strategy evalsha-eval sends EVAL instead (as go-redis's Script.Run does)."
			}
			if (c.SHA == "" || call.Explain) && call.Function == "" {
				// In explain mode the server names the wrapped script's SHA.
				c.SHA = call.Script.SHA
			}
			res.Error = &c
		}
	}
	return res
}

func (r *run) execute(ctx context.Context, call Call) reply {
	n, err := r.s.route(call)
	if err != nil {
		return reply{err: err}
	}
	keys := make([]any, 0, 2+len(call.Keys)+len(call.Args))
	keys = append(keys, strconv.Itoa(len(call.Keys)))
	for _, k := range call.Keys {
		keys = append(keys, k)
	}
	for _, a := range call.Args {
		keys = append(keys, a)
	}
	suffix := func(name string, first any) []any {
		return append([]any{name, first}, keys...)
	}
	ro := func(name string) string {
		if call.ReadOnly {
			return name + "_RO"
		}
		return name
	}
	sha, src := call.Script.SHA, call.Script.Source
	r.wrapper = ""
	if call.Explain && call.Function == "" {
		// The wrapped script goes through the same strategy, under its own
		// SHA, so explain mode still shows the cache dance.
		wrapped := NewScript(explain.Wrap(src))
		sha, src = wrapped.SHA, wrapped.Source
		r.res.SentSHA = sha
		r.wrapper = ExplainWrapperNote(call.Script.SHA)
	}

	if call.Function != "" {
		if call.Library != "" {
			if call.ReadOnly {
				return reply{err: ErrReadOnly}
			}
			rep, n2 := r.send(ctx, n, "", "FUNCTION", "LOAD", "REPLACE", call.Library)
			n = n2
			if rep.err != nil || rep.value.Kind == resp.Error {
				return rep
			}
		}
		rep, _ := r.send(ctx, n, "", suffix(ro("FCALL"), call.Function)...)
		return rep
	}

	switch r.res.Strategy {
	case EvalOnly:
		rep, _ := r.send(ctx, n, "", suffix(ro("EVAL"), src)...)
		return rep
	case LoadFirst:
		rep, n2 := r.send(ctx, n, "", "SCRIPT", "LOAD", src)
		if rep.err != nil || rep.value.Kind == resp.Error {
			return rep
		}
		rep, _ = r.send(ctx, n2, "", suffix(ro("EVALSHA"), sha)...)
		return rep
	}
	// evalsha-load and evalsha-eval both start optimistic.
	rep, n := r.send(ctx, n, "", suffix(ro("EVALSHA"), sha)...)
	if rep.err != nil || !isNoScript(rep.value) {
		return rep
	}
	if r.res.Strategy == EvalshaEval {
		rep, _ = r.send(ctx, n, "NOSCRIPT: fall back to EVAL with the whole body", suffix(ro("EVAL"), src)...)
		return rep
	}
	rep, n = r.send(ctx, n, "NOSCRIPT: load the script on the same connection", "SCRIPT", "LOAD", src)
	if rep.err != nil || rep.value.Kind == resp.Error {
		return rep
	}
	rep, _ = r.send(ctx, n, "retry EVALSHA on the same connection", suffix(ro("EVALSHA"), sha)...)
	return rep
}

// ExplainWrapperNote is the note on each round trip of an explain run
// that sends the wrapper (EVAL, EVALSHA, SCRIPT LOAD): the wrapper has its
// own SHA, not the script's sha.
func ExplainWrapperNote(sha string) string {
	if len(sha) > 7 {
		sha = sha[:7]
	}
	return "explain wrapper of " + sha
}

// isScriptCommand reports whether a command's name sends or loads a
// script: EVAL, EVALSHA (and their _RO forms), SCRIPT.
func isScriptCommand(name any) bool {
	s, ok := name.(string)
	if !ok {
		return false
	}
	switch strings.TrimSuffix(strings.ToUpper(s), "_RO") {
	case "EVAL", "EVALSHA", "SCRIPT":
		return true
	}
	return false
}

// lastIs reports whether the last round trip's command was name.
func lastIs(steps []Step, name string) bool {
	return len(steps) > 0 && len(steps[len(steps)-1].Args) > 0 && strings.EqualFold(steps[len(steps)-1].Args[0], name)
}

// lastWasScript reports whether the last round trip ran a script or function.
func lastWasScript(steps []Step) bool {
	if len(steps) == 0 || len(steps[len(steps)-1].Args) == 0 {
		return false
	}
	switch strings.TrimSuffix(steps[len(steps)-1].Args[0], "_RO") {
	case "EVAL", "EVALSHA", "FCALL":
		return true
	}
	return false
}

// crossSlot refuses a cluster call whose keys hash to different slots,
// which Redis Cluster rejects, unless the script allows it
// (allow-cross-slot-keys, Redis 7.0.? +, still one node).
func crossSlot(s *Session, call Call) *classify.Classification {
	if !s.target.Cluster {
		return nil
	}
	j, ok := OtherSlot(call.Keys, call.Script.Shebang)
	if !ok {
		return nil
	}
	c := classify.Classify("CROSSSLOT Keys in request don't hash to the same slot")
	c.Message = fmt.Sprintf("not sent: KEYS[1] is in slot %d and KEYS[%d] in slot %d; a cluster answers CROSSSLOT",
		KeySlot(call.Keys[0]), j+1, KeySlot(call.Keys[j]))
	c.Hint = "Keys of one script must share a slot in a cluster: give them a common {hash tag}, e.g. user:{42}:a and user:{42}:b."
	return &c
}

// OtherSlot finds the first key whose slot differs from the first key's,
// the rule both a run and a batch line obey in a cluster; a script that
// declares allow-cross-slot-keys is exempt.
func OtherSlot(keys []string, sb *Shebang) (int, bool) {
	if len(keys) < 2 || sb.HasFlag("allow-cross-slot-keys") {
		return 0, false
	}
	first := KeySlot(keys[0])
	for j, k := range keys[1:] {
		if KeySlot(k) != first {
			return j + 1, true
		}
	}
	return 0, false
}

func isNoScript(v *resp.Value) bool {
	return v != nil && v.Kind == resp.Error && strings.HasPrefix(string(v.Str), "NOSCRIPT")
}

// send performs one logical command, following cluster redirects when the
// target is a cluster (each redirect is a step of its own), and returns
// the reply and the node that finally answered.
func (r *run) send(ctx context.Context, n *node, note string, args ...any) (reply, *node) {
	asking := false
	for hop := 0; ; hop++ {
		if asking {
			rep := r.step(ctx, n, "ASK: tell the importing node to accept the next command", "ASKING")
			if rep.err != nil {
				return rep, n
			}
			asking = false
		}
		rep := r.step(ctx, n, note, args...)
		if !r.s.target.Cluster || hop >= MaxRedirects {
			return rep, n
		}
		if rep.err != nil {
			// A node is gone (failover, crash). Ask another node who serves
			// the slot now. Only a refused dial is retried: then nothing
			// was sent. A connection that broke mid-command may have run it,
			// so that is reported, never silently sent again.
			owner := r.refreshTopology(ctx, n.addr)
			if !isDialError(rep.err) || owner == "" || owner == n.addr {
				return rep, n
			}
			next, err := r.s.nodeFor(owner)
			if err != nil {
				return rep, n
			}
			// Both addresses come from CLUSTER NODES: a note is printed as it is.
			n, note = next, fmt.Sprintf("%s did not answer; the slot's primary is now %s", resp.Printable(rep.errNode), resp.Printable(owner))
			continue
		}
		if rep.value.Kind != resp.Error {
			return rep, n
		}
		msg := string(rep.value.Str)
		if strings.HasPrefix(msg, "TRYAGAIN") && hop < MaxRedirects {
			// Multi-key access during a slot migration: the client is told
			// to retry after a moment, as redis-cli and go-redis do.
			select {
			case <-time.After(time.Duration(50<<hop) * time.Millisecond):
			case <-ctx.Done():
				return rep, n
			}
			note = "TRYAGAIN: the slot is migrating; retrying after a pause"
			continue
		}
		kind, slot, addr, ok := ParseRedirect(msg)
		if !ok {
			return rep, n
		}
		next, err := r.s.nodeFor(addr)
		if err != nil {
			return reply{err: err}, n
		}
		if kind == "MOVED" {
			r.s.slots[slot] = addr
			note = fmt.Sprintf("MOVED: slot %d is served by %s", slot, addr)
		} else {
			asking = true
			note = fmt.Sprintf("ASK: slot %d is migrating to %s", slot, addr)
		}
		n = next
	}
}

// ParseRedirect reads "MOVED 3999 127.0.0.1:6381" and "ASK 3999 host:port"
// (and Redis 7's host-less ":6381"), for anything that follows redirects.
// A slot out of range or an address that is not host:port in printable
// ASCII is no redirect (ok false): luascope never dials, nor writes into
// a trace note, bytes such as an escape sequence a hostile server put
// there; the reply stays an error for the caller to see, escaped.
func ParseRedirect(msg string) (kind string, slot int, addr string, ok bool) {
	f := strings.Fields(msg)
	if len(f) != 3 || (f[0] != "MOVED" && f[0] != "ASK") {
		return "", 0, "", false
	}
	slot, err := strconv.Atoi(f[1])
	if err != nil || slot < 0 || slot >= SlotCount {
		return "", 0, "", false
	}
	addr = f[2]
	if strings.HasPrefix(addr, ":") {
		// Redis 7 may omit the host when it is unknown: same host as ours.
		addr = "127.0.0.1" + addr
	}
	if !redirectAddr(addr) {
		return "", 0, "", false
	}
	return f[0], slot, addr, true
}

// redirectAddr reports whether addr is host:port with a port in 1–65535
// and a host of printable ASCII: a hostname, an IPv4 or a bracketed IPv6.
func redirectAddr(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// step is one round trip on one node, recorded and reported.
func (r *run) step(ctx context.Context, n *node, note string, args ...any) reply {
	if r.wrapper != "" && len(args) > 0 && isScriptCommand(args[0]) {
		note = strings.TrimSuffix(r.wrapper+"; "+note, "; ")
	}
	if r.note != "" {
		note, r.note = strings.TrimSpace(r.note+"; "+note), ""
		note = strings.TrimSuffix(note, ";")
	}
	raw := rawArgs(args)
	st := Step{Seq: len(r.res.Steps) + 1, Command: escapeAll(raw), Args: raw, Sent: sentArgs(args), Node: n.addr, Note: note, Start: time.Now()}
	rep := n.do(ctx, args...)
	rep.errNode = n.addr
	st.Dur, st.Conn, st.Dialed = rep.dur, rep.conn, rep.dialed
	switch {
	case rep.err != nil:
		st.Outcome, st.Err = OutcomeFailed, rep.err.Error()
	case rep.value.Kind == resp.Error:
		st.Outcome, st.Reply = r.errorOutcome(rep.value), rep.value
	default:
		st.Outcome, st.Reply = OutcomeOK, rep.value
	}
	r.res.Steps = append(r.res.Steps, st)
	if r.onStep != nil {
		r.onStep(st)
	}
	return rep
}

// errorOutcome names an error reply that a strategy handles itself.
func (r *run) errorOutcome(v *resp.Value) Outcome {
	if isNoScript(v) {
		return OutcomeNoScript
	}
	if kind, _, _, ok := ParseRedirect(string(v.Str)); ok && r.s.target.Cluster {
		if kind == "MOVED" {
			return OutcomeMoved
		}
		return OutcomeAsk
	}
	return OutcomeError
}

// refreshTopology asks a node other than failed for CLUSTER NODES (a step
// of its own, so the trace shows the refresh), relearns who serves every
// slot, and returns the new owner of the call's slot ("" if unknown).
func (r *run) refreshTopology(ctx context.Context, failed string) string {
	var candidates []string
	for _, addr := range r.s.nodeAddrs() {
		if addr != failed {
			candidates = append(candidates, addr)
		}
	}
	if r.s.seed.addr != failed {
		candidates = append([]string{r.s.seed.addr}, candidates...)
	}
	for _, addr := range candidates {
		n, err := r.s.nodeFor(addr)
		if err != nil {
			continue
		}
		rep := r.step(ctx, n, "refresh the slot map after "+resp.Printable(failed)+" failed", "CLUSTER", "NODES")
		if rep.err != nil || rep.value.Kind == resp.Error {
			continue
		}
		host, _, _ := net.SplitHostPort(addr)
		top, err := ParseClusterNodes(string(rep.value.Str), host)
		if err != nil {
			continue
		}
		for slot := 0; slot < SlotCount; slot++ {
			if o, ok := top.Owner(slot); ok {
				r.s.slots[slot] = o.Addr
			} else {
				delete(r.s.slots, slot)
			}
		}
		if r.slot < 0 {
			return addr
		}
		return r.s.slots[r.slot]
	}
	return ""
}

// route picks the node for a call: the forced one, the one a MOVED told
// us serves the first key's slot, or the seed.
func (s *Session) route(call Call) (*node, error) {
	if call.Node != "" {
		return s.nodeFor(call.Node)
	}
	if s.target.Cluster && len(call.Keys) > 0 {
		if addr, ok := s.slots[KeySlot(call.Keys[0])]; ok {
			return s.nodeFor(addr)
		}
	}
	return s.seed, nil
}

// maxShown is how much of a script body a step's command shows.
const maxShown = 48

// rawArgs is the command as sent, with a long or multi-line argument
// (the script body) cut to its first line, so a trace row stays a row.
func rawArgs(args []any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			s = fmt.Sprint(a)
		}
		if len(s) > 2*maxShown || strings.ContainsRune(s, '\n') {
			first, _, _ := strings.Cut(s, "\n")
			if len(first) > maxShown {
				cut := maxShown
				for cut > 0 && !utf8.RuneStart(first[cut]) {
					cut--
				}
				first = first[:cut]
			}
			out[i] = first + fmt.Sprintf("…(%d bytes)", len(s))
			continue
		}
		out[i] = s
	}
	return out
}

// sentArgs is args as strings, whole (rawArgs abbreviates).
func sentArgs(args []any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			s = fmt.Sprint(a)
		}
		out[i] = s
	}
	return out
}

// escapeAll makes each argument safe to print: no byte reaches the
// terminal raw. Arguments come as strings (a run's) or Args (a report's).
func escapeAll[S ~string](args []S) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = resp.Escape([]byte(a))
	}
	return out
}
