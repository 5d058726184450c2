package ldb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"luascope/redisx"
	"luascope/redisx/resp"
)

// Mode is the argument of SCRIPT DEBUG.
type Mode string

const (
	// ModeFork ("yes") debugs in a forked child: the server keeps serving
	// and every write the script makes is thrown away at the end. The
	// default, and the safe choice on a shared server.
	ModeFork Mode = "yes"
	// ModeSync ("sync") debugs in the server process itself: no other
	// client is served while the script is stopped, and writes are kept.
	ModeSync Mode = "sync"
)

// Options describe one debugging session.
type Options struct {
	// Target gives the credentials, database, TLS, protocol and dial
	// timeout. Its Timeout is not used: a step lasts as long as the script
	// runs, so each call is bounded by its context instead. A ReadOnly
	// target (luascope's read-only mode) refuses ModeSync with
	// ErrReadOnlySync and starts the script with EVAL_RO, so the server
	// refuses every write of the script, of eval and of redis commands,
	// even inside the fork.
	Target redisx.Target
	// Addr is the node to debug on, as host:port over TCP; "" means
	// Target's own address (and network). In a cluster this must be the
	// node owning the keys' slot: Start does not follow MOVED.
	Addr string
	// Mode is ModeFork or ModeSync (in any case); "" means ModeFork.
	Mode Mode
	// Script is the Lua source, sent with EVAL (EVAL_RO on a read-only
	// Target).
	Script string
	// Keys and Args are EVAL's KEYS and ARGV.
	Keys, Args []string
	// MaxLen sets the debugger's maxlen before the first command: 0 keeps
	// the server's default (256 bytes), a negative value means no limit,
	// and the server raises values from 1 to 60 to 60. Longer replies and
	// values are cut and end in " ...".
	MaxLen int
}

// Event is what one command brought back.
type Event struct {
	// Lines holds every line of the reply, parsed, in order.
	Lines []Line
	// Stopped is set when the reply announced a stop, which only the start
	// of the session, step, next and continue do; Line and Reason are then
	// the stop's. Other commands leave the script where it was (see
	// Session.Line).
	Stopped bool
	// Line is the line the script stopped before, when Stopped.
	Line int
	// Reason is the server's stop reason, when Stopped: "step over",
	// "break point", "redis.breakpoint() called" or "timeout reached,
	// infinite loop?" (a continue that ran past the busy threshold).
	Reason string
	// Ended is set when the reply ended with <endsession>: the script has
	// finished, the server has closed the connection, and Final holds the
	// script's reply.
	Ended bool
	// Final is the script's normal reply, which follows <endsession> as a
	// second reply: its return value, or an error reply for a runtime
	// error, an abort or a compile error. Nil unless Ended.
	Final *resp.Value
	// Log holds the tagged lines other than stop, source and endsession —
	// <redis>, <reply>, <error>, <value>, <retval>, <debug>, <hint> — in
	// order: what the script and the debugger did, for a log pane.
	Log []Line
	// Vars holds the variables of a Print reply.
	Vars []Var
}

// Session is one debugging session on its own connection. Its methods are
// safe for concurrent use; commands are sent one at a time, since the
// debugger drops a command that arrives while it is busy.
type Session struct {
	conn   net.Conn
	rd     *resp.Reader
	mode   Mode
	source []string

	call sync.Mutex // held for a round trip

	mu       sync.Mutex // guards what follows
	line     int
	ended    bool
	pending  *inflight // a reply still due after a cancelled read
	bps      []int     // breakpoints as the server's replies showed them
	closed   bool
	closeErr error
}

// inflight is a reply being read, kept whole when a context ends halfway
// so that Wait can finish it.
type inflight struct {
	ev        Event
	gotLog    bool   // the log array has been read
	printName string // for Print: the variable asked for, or "" for all
	print     bool
}

// Start dials the node, authenticates, selects the database, sends SCRIPT
// DEBUG and EVAL, and returns the first stop, before the first line that
// runs (line 1, unless the script opens with a function definition: Lua
// then stops first at its "end", where it creates the function). A script
// that does not compile never stops: the Event is then already Ended,
// with the compile error in Final, and the Session only reports that.
// Errors before the session began (dial, AUTH, SELECT, SCRIPT DEBUG, an
// EVAL refused outright) close the connection; connection and AUTH
// failures come as *redisx.ConnectError, refusals as *ReplyError.
func Start(ctx context.Context, opt Options) (*Session, Event, error) {
	mode := Mode(strings.ToLower(string(opt.Mode)))
	if mode == "" {
		mode = ModeFork
	}
	if mode != ModeFork && mode != ModeSync {
		return nil, Event{}, fmt.Errorf("ldb: mode %q is neither %q nor %q", mode, ModeFork, ModeSync)
	}
	if mode == ModeSync && opt.Target.ReadOnly {
		return nil, Event{}, ErrReadOnlySync
	}
	t := opt.Target
	if opt.Addr != "" && opt.Addr != t.Addr {
		t = t.WithAddr(opt.Addr)
	}
	if t.Addr == "" {
		t.Addr = redisx.DefaultAddr
	}
	conn, err := dial(ctx, t)
	if err != nil {
		return nil, Event{}, &redisx.ConnectError{Target: t.Redacted(), Err: err}
	}
	s := &Session{conn: conn, rd: resp.NewReader(conn), mode: mode, source: splitSource(opt.Script)}
	ev, err := s.begin(ctx, t, opt)
	if err != nil {
		conn.Close()
		return nil, Event{}, err
	}
	if !ev.Ended && opt.MaxLen != 0 {
		if _, err := s.MaxLen(ctx, max(opt.MaxLen, 0)); err != nil {
			s.Close()
			return nil, Event{}, err
		}
	}
	return s, ev, nil
}

// begin runs the handshake and the EVAL under ctx.
func (s *Session) begin(ctx context.Context, t redisx.Target, opt Options) (Event, error) {
	stop := watch(ctx, s.conn)
	defer stop()
	fail := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("ldb: start on %s: %w", t.Redacted(), ctx.Err())
		}
		return err
	}
	if err := handshake(s.conn, s.rd, t); err != nil {
		var re *ReplyError
		if errors.As(err, &re) && re.Cmd == "SELECT" {
			return Event{}, fail(err)
		}
		return Event{}, fail(&redisx.ConnectError{Target: t.Redacted(), Err: err})
	}
	if _, err := do(s.conn, s.rd, "SCRIPT DEBUG", []string{"SCRIPT", "DEBUG", string(s.mode)}); err != nil {
		return Event{}, fail(err)
	}
	eval := make([]string, 0, 3+len(opt.Keys)+len(opt.Args))
	evalCmd := "EVAL"
	if t.ReadOnly {
		evalCmd = "EVAL_RO"
	}
	eval = append(eval, evalCmd, opt.Script, strconv.Itoa(len(opt.Keys)))
	eval = append(append(eval, opt.Keys...), opt.Args...)
	if _, err := s.conn.Write(encode(nil, eval)); err != nil {
		return Event{}, fail(fmt.Errorf("ldb: send %s: %w", evalCmd, err))
	}
	p := &inflight{}
	s.pending = p
	ev, err := s.finish(p, evalCmd)
	if err != nil {
		return Event{}, fail(err)
	}
	return ev, nil
}

// finish reads the reply in s.pending to its end: the log array, then,
// after <endsession>, the script's reply. On a read that times out or is
// cancelled it keeps what it has, for Wait; on any other failure the
// session is over. name names the command for errors. Called with s.call
// held.
func (s *Session) finish(p *inflight, name string) (Event, error) {
	if !p.gotLog {
		v, err := s.rd.Read()
		if err != nil {
			return Event{}, s.readFailed(err)
		}
		if v.Kind != resp.Array {
			s.markEnded()
			s.conn.Close()
			return Event{}, &ReplyError{Cmd: name, Reply: v}
		}
		for _, e := range v.Elems {
			p.ev.Lines = append(p.ev.Lines, ParseLine(string(e.Str)))
		}
		p.gotLog = true
		if n := len(p.ev.Lines); n > 0 && p.ev.Lines[n-1].Kind == KindEndSession {
			p.ev.Ended = true
		}
	}
	if p.ev.Ended && p.ev.Final == nil {
		v, err := s.rd.Read()
		if err != nil {
			return Event{}, s.readFailed(err)
		}
		p.ev.Final = &v
	}
	ev := p.ev
	for _, l := range ev.Lines {
		switch l.Kind {
		case KindStop:
			ev.Stopped, ev.Line, ev.Reason = true, l.Num, l.Text
		case KindSource, KindEndSession, KindText:
		default:
			ev.Log = append(ev.Log, l)
		}
	}
	if p.print {
		ev.Vars = parseVars(ev.Lines, p.printName)
	}
	s.mu.Lock()
	s.pending = nil
	if ev.Stopped {
		s.line = ev.Line
	}
	s.trackBreakpoints(ev.Lines)
	s.mu.Unlock()
	if ev.Ended {
		s.markEnded()
		// The server closes the connection after the final reply.
		s.conn.Close()
	}
	return ev, nil
}

// errStillDue marks a read cut short by its context: the reply stays
// pending for Wait.
var errStillDue = errors.New("still due")

// readFailed sorts a failed read: a timeout (the context ended, see
// watch) leaves the reply pending for Wait; anything else ends the
// session.
func (s *Session) readFailed(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errStillDue
	}
	s.markEnded()
	s.conn.Close()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("%w: %w", ErrLost, err)
	}
	return fmt.Errorf("ldb: read debugger reply: %w", err)
}

func (s *Session) markEnded() {
	s.mu.Lock()
	s.ended, s.line, s.pending = true, 0, nil
	s.mu.Unlock()
}

// trackBreakpoints keeps Breakpoints in step with what the server shows:
// every source line tells whether its line has a breakpoint, and the
// listing of "break" without arguments is the whole set.
func (s *Session) trackBreakpoints(lines []Line) {
	for i, l := range lines {
		switch {
		case l.Kind == KindSource:
			at, found := slices.BinarySearch(s.bps, l.Num)
			if l.Breakpoint && !found {
				s.bps = slices.Insert(s.bps, at, l.Num)
			} else if !l.Breakpoint && found {
				s.bps = slices.Delete(s.bps, at, at+1)
			}
		case l.Kind != KindText:
		case l.Text == "All breakpoints removed." || strings.HasPrefix(l.Text, "No breakpoints set."):
			s.bps = s.bps[:0]
		case strings.HasSuffix(l.Text, " breakpoints set:"):
			s.bps = s.bps[:0]
			for _, src := range lines[i+1:] {
				if src.Kind != KindSource {
					break
				}
				if at, found := slices.BinarySearch(s.bps, src.Num); !found {
					s.bps = slices.Insert(s.bps, at, src.Num)
				}
			}
			return
		}
	}
}

// roundTrip sends one debugger command and reads its reply, with ctx
// bounding both. A reply cut short by ctx stays pending (see Wait).
func (s *Session) roundTrip(ctx context.Context, p *inflight, args ...string) (Event, error) {
	if err := checkArgs(args); err != nil {
		return Event{}, err
	}
	s.call.Lock()
	defer s.call.Unlock()
	return s.roundTripLocked(ctx, p, args...)
}

// roundTripLocked is roundTrip with s.call held.
func (s *Session) roundTripLocked(ctx context.Context, p *inflight, args ...string) (Event, error) {
	s.mu.Lock()
	ended, pending := s.ended, s.pending != nil
	s.mu.Unlock()
	switch {
	case ended:
		return Event{}, ErrEnded
	case pending:
		return Event{}, ErrRunning
	}
	if err := ctx.Err(); err != nil {
		return Event{}, err
	}
	stop := watch(ctx, s.conn)
	defer stop()
	if _, err := s.conn.Write(encode(nil, args)); err != nil {
		// A command cut in the middle would desynchronise the debugger's
		// parser, so a failed write ends the session.
		s.markEnded()
		s.conn.Close()
		if ctx.Err() != nil {
			return Event{}, fmt.Errorf("ldb: send %s: %w", args[0], ctx.Err())
		}
		return Event{}, fmt.Errorf("%w: send %s: %w", ErrLost, args[0], err)
	}
	if p == nil {
		p = &inflight{}
	}
	s.mu.Lock()
	s.pending = p
	s.mu.Unlock()
	ev, err := s.finish(p, args[0])
	return ev, s.stillDue(ctx, args[0], err)
}

// stillDue words the error of a reply left pending by ctx.
func (s *Session) stillDue(ctx context.Context, name string, err error) error {
	if err == errStillDue {
		return fmt.Errorf("ldb: %s: %w; the reply is still due, Wait for it", name, context.Cause(ctx))
	}
	return err
}

// Wait waits for the reply still due after a step or continue whose
// context ended first (the script kept running meanwhile). Without one it
// returns ErrEnded after the end, or an empty Event.
func (s *Session) Wait(ctx context.Context) (Event, error) {
	s.call.Lock()
	defer s.call.Unlock()
	s.mu.Lock()
	ended, p := s.ended, s.pending
	s.mu.Unlock()
	switch {
	case ended:
		return Event{}, ErrEnded
	case p == nil:
		return Event{}, nil
	}
	stop := watch(ctx, s.conn)
	defer stop()
	ev, err := s.finish(p, "wait")
	return ev, s.stillDue(ctx, "wait", err)
}

// Step runs the current line and stops before the next one that runs,
// entering functions the script defines. The reply comes only then, with
// the <redis>/<reply> lines of the commands the line called.
func (s *Session) Step(ctx context.Context) (Event, error) { return s.roundTrip(ctx, nil, "step") }

// next is the same as Step: the server treats next as an alias of step
// (there is no stepping over function calls).
func (s *Session) next(ctx context.Context) (Event, error) { return s.roundTrip(ctx, nil, "next") }

// Continue runs until a breakpoint, a redis.breakpoint() call, the busy
// threshold (a stop with reason "timeout reached, infinite loop?") or the
// end of the script. Commands the script calls meanwhile are not logged.
func (s *Session) Continue(ctx context.Context) (Event, error) {
	return s.roundTrip(ctx, nil, "continue")
}

// Break sets a breakpoint before line (1 or more); the reply lists the
// lines around it, or says "Wrong line number." for a line outside the
// script or one that already has a breakpoint. At most 64 are kept.
func (s *Session) Break(ctx context.Context, line int) (Event, error) {
	if line <= 0 {
		return Event{}, fmt.Errorf("%w: breakpoint line %d", ErrBadArgument, line)
	}
	return s.roundTrip(ctx, nil, "break", strconv.Itoa(line))
}

// ClearBreak removes the breakpoint of line. The server's "break -N"
// corrupts the list when N is not the last breakpoint in it (it moves
// bytes, not ints, in 7.0.15), so unless line is the only one this clears
// all and sets the others again: two round trips, one Event with the
// lines of both.
func (s *Session) ClearBreak(ctx context.Context, line int) (Event, error) {
	if line <= 0 {
		return Event{}, fmt.Errorf("%w: breakpoint line %d", ErrBadArgument, line)
	}
	bps := s.Breakpoints()
	others := slices.DeleteFunc(slices.Clone(bps), func(n int) bool { return n == line })
	if len(others) == 0 || len(others) == len(bps) {
		ev, err := s.roundTrip(ctx, nil, "break", "-"+strconv.Itoa(line))
		if err == nil && len(ev.Lines) == 1 && ev.Lines[0].Text == "Breakpoint removed." {
			s.mu.Lock()
			s.bps = slices.DeleteFunc(s.bps, func(n int) bool { return n == line })
			s.mu.Unlock()
		}
		return ev, err
	}
	ev, err := s.ClearAllBreaks(ctx)
	if err != nil {
		return ev, err
	}
	args := []string{"break"}
	for _, n := range others {
		args = append(args, strconv.Itoa(n))
	}
	again, err := s.roundTrip(ctx, nil, args...)
	again.Lines = append(ev.Lines, again.Lines...)
	again.Log = append(ev.Log, again.Log...)
	return again, err
}

// ClearAllBreaks removes every breakpoint ("break 0").
func (s *Session) ClearAllBreaks(ctx context.Context) (Event, error) {
	ev, err := s.roundTrip(ctx, nil, "break", "0")
	if err == nil {
		s.mu.Lock()
		s.bps = s.bps[:0]
		s.mu.Unlock()
	}
	return ev, err
}

// Print shows a variable: name "" gives every local of the current
// function (Lua's internal temporaries left out), otherwise the named
// local of the innermost function that has one, or the globals KEYS and
// ARGV. Event.Vars holds them; none when the reply says "No such
// variable." or "No local variables in the current context.". A local
// is visible only once its statement has run.
func (s *Session) Print(ctx context.Context, name string) (Event, error) {
	p := &inflight{print: true, printName: name}
	if name == "" {
		return s.roundTrip(ctx, p, "print")
	}
	return s.roundTrip(ctx, p, "print", name)
}

// Eval runs Lua code in the stopped script's Lua state and shows its
// value (<retval>) or error (<error>). The code runs in its own function:
// it sees globals, KEYS and ARGV but not the script's locals (use Print).
// It is wrapped so that a non-string error cannot crash the server (see
// the package comment) and cut at spaces into arguments of at most 1024
// bytes, which the server joins back; code with more than 1024 bytes in a
// row without a space is refused with ErrBadArgument.
func (s *Session) Eval(ctx context.Context, code string) (Event, error) {
	if code == "" {
		return Event{}, fmt.Errorf("%w: eval needs code", ErrBadArgument)
	}
	parts, err := splitEval(wrapEval(code))
	if err != nil {
		return Event{}, err
	}
	return s.roundTrip(ctx, nil, append([]string{"eval"}, parts...)...)
}

// Redis runs a Redis command as the script would (redis.call), logging it
// and its reply as <redis>, <reply> and, when it fails, <error> lines. In
// fork mode its writes vanish with the session like the script's.
func (s *Session) Redis(ctx context.Context, args ...string) (Event, error) {
	if len(args) == 0 {
		return Event{}, fmt.Errorf("%w: redis needs a command", ErrBadArgument)
	}
	return s.roundTrip(ctx, nil, append([]string{"redis"}, args...)...)
}

// MaxLen sets how many bytes of a reply or value the debugger shows
// before cutting it with " ...": 0 means no limit, and the server raises
// 1 to 60 to 60. The reply is one <value> line with the new setting.
func (s *Session) MaxLen(ctx context.Context, n int) (Event, error) {
	if n < 0 {
		return Event{}, fmt.Errorf("%w: maxlen %d", ErrBadArgument, n)
	}
	return s.roundTrip(ctx, nil, "maxlen", strconv.Itoa(n))
}

// list shows the source around line (0 or less: the current line) with
// around lines before and after it (negative: the server's default, 5).
func (s *Session) list(ctx context.Context, line, around int) (Event, error) {
	switch {
	case around >= 0:
		return s.roundTrip(ctx, nil, "list", strconv.Itoa(max(line, 0)), strconv.Itoa(around))
	case line > 0:
		return s.roundTrip(ctx, nil, "list", strconv.Itoa(line))
	}
	return s.roundTrip(ctx, nil, "list")
}

// whole shows the whole source, with the current line and breakpoints
// marked.
func (s *Session) whole(ctx context.Context) (Event, error) { return s.roundTrip(ctx, nil, "whole") }

// Trace shows the call stack: "In name:" / "From name:" lines, each
// followed by its source line.
func (s *Session) Trace(ctx context.Context) (Event, error) { return s.roundTrip(ctx, nil, "trace") }

// Abort stops the script with the error "script aborted for user
// request", which comes as Final of an Ended event. In sync mode the
// writes made so far are kept.
func (s *Session) Abort(ctx context.Context) (Event, error) { return s.roundTrip(ctx, nil, "abort") }

// Command sends a debugger command as typed in redis-cli's console
// ("help", "b 3", "e 1+1"), for a console pane. Two commands get the same
// safeguards as their methods: eval/e goes through Eval (its arguments
// joined with spaces, as the server would), and a break/b with a negative
// line goes through ClearBreak, each argument in turn, with the Events
// merged. Arguments are checked like every command's.
func (s *Session) Command(ctx context.Context, args ...string) (Event, error) {
	if len(args) == 0 {
		return Event{}, fmt.Errorf("%w: no command", ErrBadArgument)
	}
	var p *inflight
	switch strings.ToLower(args[0]) {
	case "e", "eval":
		if len(args) > 1 {
			return s.Eval(ctx, strings.Join(args[1:], " "))
		}
	case "p", "print":
		p = &inflight{print: true}
		if len(args) == 2 {
			p.printName = args[1]
		}
	case "b", "break":
		if slices.ContainsFunc(args[1:], func(a string) bool { return strings.HasPrefix(a, "-") }) {
			return s.breakEach(ctx, args[1:])
		}
	}
	return s.roundTrip(ctx, p, args...)
}

// breakEach runs "break a b c" one argument at a time, removals through
// ClearBreak, and merges the replies.
func (s *Session) breakEach(ctx context.Context, args []string) (Event, error) {
	var all Event
	for _, a := range args {
		var ev Event
		var err error
		if n, convErr := strconv.Atoi(a); convErr == nil && n < 0 {
			ev, err = s.ClearBreak(ctx, -n)
		} else {
			ev, err = s.roundTrip(ctx, nil, "break", a)
		}
		all.Lines = append(all.Lines, ev.Lines...)
		all.Log = append(all.Log, ev.Log...)
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

// Source returns the script's lines as the server numbers them (line N is
// Source()[N-1]): trailing newlines dropped, split on "\n", a '\r' ending
// a line dropped. The caller must not modify it.
func (s *Session) Source() []string { return s.source }

// Mode returns the session's mode.
func (s *Session) Mode() Mode { return s.mode }

// Line returns the line the script is stopped before, or 0 once it ended.
func (s *Session) Line() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.line
}

// Ended reports whether the session is over: <endsession> came, the
// connection was lost, or Close was called. Commands then return
// ErrEnded.
func (s *Session) Ended() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

// Running reports whether a step or continue is still under way after
// its context ended (see Wait).
func (s *Session) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending != nil && !s.ended
}

// Breakpoints returns the lines with a breakpoint, sorted, as the
// server's replies last showed them.
func (s *Session) Breakpoints() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bps)
}

// closeAbortTimeout bounds the abort Close sends.
const closeAbortTimeout = time.Second

// Close ends the session. A script still stopped is aborted first (best
// effort, at most a second): without that the server would run the rest
// of it without stopping — keeping its writes in sync mode — and kill it
// only if it ran past the busy threshold. A script that is running (a
// step or continue under way, or Running) cannot be aborted: it runs on
// in the same way. Close is idempotent and interrupts a command under
// way, which then returns ErrLost.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		err := s.closeErr
		s.mu.Unlock()
		return err
	}
	s.closed = true
	s.mu.Unlock()
	if s.call.TryLock() {
		s.mu.Lock()
		live := !s.ended && s.pending == nil
		s.mu.Unlock()
		if live {
			ctx, cancel := context.WithTimeout(context.Background(), closeAbortTimeout)
			_, _ = s.roundTripLocked(ctx, nil, "abort")
			cancel()
		}
		s.call.Unlock()
	}
	s.markEnded()
	err := s.conn.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil // the server or an ended session closed it already
	}
	s.mu.Lock()
	s.closeErr = err
	s.mu.Unlock()
	return err
}
