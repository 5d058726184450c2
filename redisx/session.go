package redisx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// ServerInfo is what luascope learns about a server on connect and shows
// in the status bar and in --json output.
type ServerInfo struct {
	Version  string `json:"version"`
	Flavor   string `json:"flavor"` // "redis" or "valkey"
	Mode     string `json:"mode"`   // "standalone", "replica", "cluster" or "sentinel"
	Protocol int    `json:"protocol"`
	Role     string `json:"role"` // "master" or "slave", as INFO says it
	Addr     string `json:"addr"`
}

// ConnectError says that a server could not be reached or would not let
// us in. The CLI maps it to exit status 3. Target is already redacted.
type ConnectError struct {
	Target string
	Err    error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("connect to %s: %s", e.Target, connectReason(e.Err))
}

// Unwrap lets callers errors.Is the underlying network error.
func (e *ConnectError) Unwrap() error { return e.Err }

func connectReason(err error) string {
	c := classify.ClassifyError(err)
	msg := err.Error()
	switch c.Class {
	case classify.Auth:
		return "authentication failed: " + msg
	case classify.Timeout:
		if errors.Is(err, ErrHandshakeTimeout) {
			return msg // says it already
		}
		return "timed out: " + msg
	}
	if strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:") {
		return "TLS failed: " + msg
	}
	return msg
}

// node is one exploring connection to one server: a go-redis client
// with a single pooled connection, no automatic retries and a tap.
type node struct {
	addr   string
	client *redis.Client
	tap    *tap
	// sem (capacity 1) makes a round trip and its tap window one unit:
	// the admin and per-node connections are shared by commands the UI
	// starts concurrently. Unlike a mutex it lets a waiting caller give
	// up when its ctx ends.
	sem chan struct{}
	// deferred is the session whose handshake waits for this node's
	// first round trip (ConnectDeferred); taken by that round trip.
	deferred atomic.Pointer[Session]
}

func newNode(t Target) (*node, error) {
	opt, err := t.Options()
	if err != nil {
		return nil, err
	}
	return newNodeWith(t.Addr, opt), nil
}

// newNodeWith is newNode with the options already built: a client with
// one pooled connection and a tap (which also guards every reply), so
// replies keep their wire types.
func newNodeWith(addr string, opt *redis.Options) *node {
	tp := &tap{}
	c := redis.NewClient(opt)
	c.AddHook(tapHook{t: tp})
	return &node{addr: addr, client: c, tap: tp, sem: make(chan struct{}, 1)}
}

// reply is the outcome of one round trip on a node.
type reply struct {
	value  *resp.Value // nil when no reply arrived
	err    error       // client-side failure (network, timeout); nil for error replies
	conn   string      // local address of the connection used
	dialed bool        // the round trip had to open a new connection first
	dur    time.Duration
	// errNode is the node the round trip went to, for messages about it.
	errNode string
}

// do sends one command and returns the exact reply read off the wire,
// and writes the round trip to the --debug-log file when there is one.
func (n *node) do(ctx context.Context, args ...any) reply {
	if s := n.deferred.Swap(nil); s != nil {
		return s.handshakeWith(ctx, args)
	}
	r := n.roundTrip(ctx, args...)
	logRoundTrip(n.addr, args, r)
	return r
}

// roundTrip is do without the debug log.
func (n *node) roundTrip(ctx context.Context, args ...any) reply {
	select {
	case n.sem <- struct{}{}:
	case <-ctx.Done():
		return reply{err: ctx.Err()}
	}
	defer func() { <-n.sem }()
	_, dialsBefore := n.tap.localAddr()
	start := time.Now()
	v, err := exchange(ctx, n.client, args...)
	dur := time.Since(start)
	local, dialsAfter := n.tap.localAddr()
	r := reply{value: v, err: err, conn: local, dialed: dialsAfter != dialsBefore, dur: dur}
	if isDialError(err) {
		// No connection was made: the last one's address would mislead.
		r.conn = ""
	}
	return r
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func isRedisError(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
}

func (n *node) close() error { return n.client.Close() }

// Session is a connection to one deployment: a standalone server, a
// replica, or a cluster reached through a seed node. Runs on a session
// are serialised; the TUI keeps one session and reconnects through it.
type Session struct {
	target Target
	info   ServerInfo

	mu    sync.Mutex // serialises runs and guards slots
	seed  *node
	slots map[int]string // cluster slot → node address, learned from MOVED
	conns conns          // every connection the session uses (conns.go)
	adm   admin
	ro    atomic.Bool // read-only mode; atomic so the UI never waits on a run to change it
}

// Connect dials the target, checks that it answers (and lets us in), and
// learns its version, mode and protocol. Errors are *ConnectError.
func Connect(ctx context.Context, t Target) (*Session, error) {
	s, err := newSession(t)
	if err != nil {
		return nil, err
	}
	if err := s.handshake(ctx); err != nil {
		_ = s.seed.close()
		return nil, &ConnectError{Target: t.String(), Err: err}
	}
	return s, nil
}

// ConnectDeferred is Connect for a caller whose first use of the session
// is one Run, as `luascope run`'s: it sends nothing itself, and the
// handshake goes with the run's first command, in the same write where
// that is safe (ride.go), so a warm run is one round trip, as redis-cli's
// is. The handshake is the same as Connect's and fails the same way: the
// run's Result.ClientErr is then a *ConnectError, and the run's command
// was refused, or never written (see rideSafe). Until that first round
// trip Info is empty, and a cluster the user did not name (-c) is not
// known: a caller that needs either first (a cross-slot check, a
// snapshot before the run) uses Connect.
func ConnectDeferred(t Target) (*Session, error) {
	s, err := newSession(t)
	if err != nil {
		return nil, err
	}
	s.seed.deferred.Store(s)
	return s, nil
}

// Ready completes a handshake that ConnectDeferred deferred, on its own
// round trip (for a caller that ends up sending nothing, yet must report
// a server it could not reach as Connect would). Errors are
// *ConnectError; on any other session it does nothing.
func (s *Session) Ready(ctx context.Context) error {
	if s.seed.deferred.Swap(nil) == nil {
		return nil
	}
	if err := s.handshake(ctx); err != nil {
		return &ConnectError{Target: s.target.String(), Err: err}
	}
	return nil
}

// newSession is a session with its seed node, before any round trip.
func newSession(t Target) (*Session, error) {
	n, err := newNode(t)
	if err != nil {
		return nil, &ConnectError{Target: t.String(), Err: err}
	}
	s := &Session{target: t, seed: n, slots: map[int]string{}}
	s.conns.nodes = map[string]*node{t.Addr: n}
	s.ro.Store(t.ReadOnly)
	return s, nil
}

// DefaultHandshakeTimeout bounds the handshake when Target.Timeout is 0:
// a server that accepts connections and never answers must not leave the
// user in front of a blank screen. Runs have no such bound (a script may
// take as long as the server lets it).
const DefaultHandshakeTimeout = 5 * time.Second

// ErrHandshakeTimeout is wrapped by the error of a handshake that got no
// answer in time; the error also matches the underlying timeout.
var ErrHandshakeTimeout = classify.ErrHandshakeTimeout

// valkeyCompatVersion is the version Valkey puts in HELLO for clients
// that check Redis versions; INFO tells the two apart.
const valkeyCompatVersion = "7.2.4"

// handshake learns what the server is, in one round trip: luascope's
// HELLO, which rides on go-redis's own HELLO in one write where that is
// safe (ride.go; with a password or a database to SELECT it is a second
// round trip). HELLO is the one command Redis lets every user send (ACLs
// exempt it) in every state (BUSY, LOADING, a replica whose master is
// down). PING, INFO or CLUSTER may all be denied to an application's ACL
// user, and a denial would both block the connection and fill ACL LOG.
// INFO server is asked only where HELLO cannot tell (Valkey answers
// HELLO as Redis 7.2.4; a server before 6.0 has no HELLO), and a refusal
// only leaves the version unknown.
func (s *Session) handshake(ctx context.Context) error {
	timeout := s.handshakeTimeout()
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s.info = ServerInfo{Protocol: 2, Addr: s.target.Addr, Flavor: "redis", Mode: "standalone"}
	proto := s.target.Protocol
	if proto == 0 {
		proto = 2
	}
	// hctx bounds go-redis's reads (ContextTimeoutEnabled): no deadline
	// of luascope's own is needed on the connection, and the rider is a
	// HELLO, answered at once.
	r := s.rideRoundTrip(hctx, s.seed, "HELLO", strconv.Itoa(proto))
	if r.err != nil {
		return s.timeoutErr(ctx, timeout, r.err)
	}
	return s.learn(ctx, hctx, timeout, r.value)
}

// handshakeWith is the deferred handshake (ConnectDeferred): the first
// round trip on the seed sends args, riding on go-redis's HELLO where
// that is safe, and luascope learns the server from go-redis's HELLO
// reply, which the tap keeps. It returns args' reply; a handshake that
// failed (no answer in time, not let in) is a *ConnectError, as Connect's.
func (s *Session) handshakeWith(ctx context.Context, args []any) reply {
	timeout := s.handshakeTimeout()
	s.info = ServerInfo{Protocol: 2, Addr: s.target.Addr, Flavor: "redis", Mode: "standalone"}
	n := s.seed
	// With --timeout every read has that bound, the script's included, so
	// nothing rides: the script's round trip keeps its own read (ride.go).
	ride := rideSafe(s.target) && s.target.Timeout == 0
	// The run's ctx has no deadline (a script takes as long as the server
	// lets it): the tap holds this one over the reads of HELLO's reply.
	plan := &handshakePlan{deadline: time.Now().Add(timeout), probe: s.probe(timeout)}
	if ride {
		plan.ride, _ = encodeCommand(args)
	}
	n.tap.setPlan(plan)
	r := n.roundTrip(ctx, args...)
	n.tap.setPlan(nil)
	logRoundTrip(n.addr, args, r)
	fail := func(err error) reply {
		return reply{err: &ConnectError{Target: s.target.String(), Err: err}, conn: r.conn, dialed: r.dialed, dur: r.dur}
	}
	hello := n.tap.helloReply()
	switch {
	case hello == nil && r.err != nil && n.tap.rodeOnLast() && classify.ClassifyError(r.err).Class == classify.Timeout && ctx.Err() == nil:
		// The probe found no server either (ride.go): twice the wait. A
		// hung server and one blocked by a script past a busy-reply-
		// threshold longer than the wait look the same from here, and the
		// command went with the handshake: say both.
		return fail(fmt.Errorf("%w: no answer in %s, nor to HELLO on a second connection in %s more: the server is hung, or blocked by a script running longer than its busy-reply-threshold — the command was sent with the handshake and may be running (--timeout sets how long to wait): %w",
			ErrHandshakeTimeout, timeout, timeout, r.err))
	case hello == nil && r.err != nil && !n.tap.rodeOnLast():
		return fail(s.timeoutErr(ctx, timeout, r.err))
	case hello == nil && r.err != nil:
		// The command went with the handshake and the connection ended
		// before any reply (interrupted, closed): it may have run, and the
		// run says so, as any run whose connection broke.
		s.settle(false)
		return r
	case hello == nil:
		// A connection already open (should not happen: nothing else is
		// sent before the deferred handshake): nothing to learn from.
		hello = &resp.Value{Kind: resp.Error, Str: []byte("ERR no HELLO reply")}
	case r.err != nil && hello.Kind == resp.Error:
		// go-redis's handshake failed after HELLO (its AUTH retry): its
		// error says what, as with Connect.
		return fail(s.timeoutErr(ctx, timeout, r.err))
	case r.err != nil:
		// The handshake went through and the command failed (the
		// connection dropped, the user interrupted): what HELLO said
		// still holds; no INFO round trip on a broken connection.
		s.settle(s.info.applyHello(*hello))
		return r
	}
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := s.learn(ctx, hctx, timeout, hello); err != nil {
		return fail(err)
	}
	return r
}

// probe returns the liveness check of a ride (ride.go): does the server
// answer HELLO on a connection of its own within timeout? Any reply, an
// error one included (BUSY), says it is there.
func (s *Session) probe(timeout time.Duration) func() bool {
	return func() bool {
		opt, err := s.target.Options()
		if err != nil {
			return false
		}
		c := newGuardedClient(opt)
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		err = c.Do(ctx, "HELLO").Err()
		return err == nil || isRedisError(err)
	}
}

// rideRoundTrip is n.do with args riding on go-redis's HELLO, should the
// round trip open a connection and the target allow it (rideSafe): for
// Connect's handshake, whose ctx bounds go-redis's reads.
func (s *Session) rideRoundTrip(ctx context.Context, n *node, args ...any) reply {
	plan := &handshakePlan{}
	if rideSafe(s.target) {
		plan.ride, _ = encodeCommand(args)
	}
	n.tap.setPlan(plan)
	r := n.roundTrip(ctx, args...)
	n.tap.setPlan(nil) // not used when no connection was opened
	logRoundTrip(n.addr, args, r)
	return r
}

// learn reads HELLO's reply (nil when none came) into s.info, and asks
// INFO server where HELLO cannot tell. An error reply that says the user
// was not let in fails the handshake.
func (s *Session) learn(ctx, hctx context.Context, timeout time.Duration, v *resp.Value) error {
	hello := v != nil && s.info.applyHello(*v)
	if v != nil && v.Kind == resp.Error && !hello {
		c := classify.Classify(string(v.Str))
		if c.Class == classify.Auth {
			// Not let in: go-redis's own HELLO…AUTH failed the same way.
			return &replyError{msg: string(v.Str)}
		}
	}
	if !hello || (s.info.Version == valkeyCompatVersion && s.info.Flavor == "redis") {
		r := s.seed.do(hctx, "INFO", "server")
		switch {
		case r.err != nil:
			return s.timeoutErr(ctx, timeout, r.err)
		case r.value != nil && r.value.Kind != resp.Error:
			s.info.apply(string(r.value.Str))
		}
	}
	s.settle(hello)
	return nil
}

// settle fills what the handshake left open: an unknown version, and a
// cluster told by the server or, failing that, by the user (-c).
func (s *Session) settle(hello bool) {
	if s.info.Version == "" {
		s.info.Version = "unknown"
	}
	switch {
	case s.info.Mode == "cluster":
		s.target.Cluster = true
	case !hello && s.target.Cluster:
		// Nothing said what the server is: -c is the user's word for it.
		s.info.Mode = "cluster"
	}
}

// handshakeTimeout is Target.Timeout, or DefaultHandshakeTimeout.
func (s *Session) handshakeTimeout() time.Duration {
	if s.target.Timeout > 0 {
		return s.target.Timeout
	}
	return defaultHandshakeTimeout
}

// defaultHandshakeTimeout is DefaultHandshakeTimeout, shortened by tests.
var defaultHandshakeTimeout = DefaultHandshakeTimeout

// timeoutErr says that a handshake timed out, when err is a timeout the
// caller's ctx did not cause.
func (s *Session) timeoutErr(ctx context.Context, timeout time.Duration, err error) error {
	if classify.ClassifyError(err).Class == classify.Timeout && ctx.Err() == nil {
		return fmt.Errorf("%w: no answer in %s (--timeout sets how long to wait): %w", ErrHandshakeTimeout, timeout, err)
	}
	return err
}

// replyError is an error reply met where a Go error is expected (the
// handshake), kept as a redis.Error so that it is classified by its text.
type replyError struct{ msg string }

func (e *replyError) Error() string { return e.msg }

// RedisError marks it as a reply from the server (go-redis's redis.Error).
func (e *replyError) RedisError() {}

// applyHello reads HELLO's reply (a map in RESP3, a flat array in RESP2)
// and reports whether it was one.
func (i *ServerInfo) applyHello(v resp.Value) bool {
	if v.Kind != resp.Map && v.Kind != resp.Array {
		return false
	}
	if len(v.Elems)%2 != 0 {
		return false
	}
	seen := false
	for k := 0; k+1 < len(v.Elems); k += 2 {
		key, val := string(v.Elems[k].Str), v.Elems[k+1]
		str := string(val.Str)
		switch key {
		case "server":
			seen = true
			if str == "valkey" {
				i.Flavor = "valkey"
			}
		case "version":
			i.Version = str
		case "proto":
			if val.Kind == resp.Integer && val.Int == 3 {
				i.Protocol = 3
			}
		case "mode":
			if str == "cluster" || str == "sentinel" {
				i.Mode = str
			}
		case "role":
			// INFO's word, which --json has always carried.
			i.Role = str
			if str == "replica" {
				i.Role = "slave"
			}
		}
	}
	if i.Role == "slave" && i.Mode == "standalone" {
		i.Mode = "replica"
	}
	return seen
}

// apply reads the fields luascope shows out of an INFO reply.
func (i *ServerInfo) apply(info string) {
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch k {
		case "redis_version":
			if i.Version == "" {
				i.Version = v
			}
		case "valkey_version":
			i.Version, i.Flavor = v, "valkey"
		case "server_name":
			if v == "valkey" {
				i.Flavor = "valkey"
			}
		case "redis_mode", "server_mode":
			if v == "sentinel" || v == "cluster" {
				i.Mode = v
			}
		case "cluster_enabled":
			if v == "1" {
				i.Mode = "cluster"
			}
		case "role":
			i.Role = v
			if v == "slave" && i.Mode == "standalone" {
				i.Mode = "replica"
			}
		}
	}
}

// Info is what the server told us on connect.
func (s *Session) Info() ServerInfo { return s.info }

// Target is the session's target (print it: it redacts itself).
func (s *Session) Target() Target {
	t := s.target
	t.ReadOnly = s.ro.Load()
	return t
}

// LoadLibrary sends FUNCTION LOAD REPLACE code. An error reply (the
// library does not compile, a function name another library holds) comes
// back as a server reply (a redis.Error, escaped), a failure to send it as
// the client's error, so that a caller can tell the library's fault from
// the connection's.
func (s *Session) LoadLibrary(ctx context.Context, code string) error {
	v, err := s.Admin(ctx, "FUNCTION", "LOAD", "REPLACE", code)
	if err != nil {
		return err
	}
	if v.Kind == resp.Error {
		return &replyError{msg: resp.Escape(v.Str)}
	}
	return nil
}
