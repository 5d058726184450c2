package redisx

import (
	"bytes"
	"errors"
	"net"
	"strconv"
	"time"

	"luascope/redisx/resp"
)

// The handshake ride: how a connection's handshake and its first command
// share one write, so that a fresh connection costs one round trip, as
// redis-cli's does, rather than one for go-redis's HELLO and one more
// for the command.
//
// go-redis owns the handshake: on a new connection it writes HELLO (with
// AUTH when there is a password, then SELECT when DB > 0) and waits for
// the reply before it writes the command it was asked to send. The tap's
// connection wrapper (tapConn) appends the command's bytes (the ride) to
// go-redis's HELLO write, and later swallows go-redis's own write of the
// same bytes, whose reply is by then on its way. The server answers both
// in order and go-redis reads them in order, so it never knows.
//
// The ride is only set up where go-redis's handshake is exactly one
// HELLO (rideSafe): with a password go-redis retries a failed HELLO with
// AUTH, which would read the ride's reply as AUTH's; with DB > 0 SELECT
// would come after the ride, which would then run in database 0. Without
// a password a refused HELLO (NOAUTH) means the ride was refused too
// (NOAUTH): it never runs as someone else.

// errRideMismatch: go-redis wrote something other than the ride after
// its HELLO. rideSafe rules that out; if a go-redis upgrade changes its
// handshake, the connection is closed rather than read out of step.
var errRideMismatch = errors.New("handshake: go-redis wrote something else than the command sent with its HELLO; connection closed")

// rideSafe reports whether go-redis's handshake on t is one HELLO, so a
// command can ride on its write.
func rideSafe(t Target) bool {
	return t.Password == "" && t.DB == 0
}

// A server answers a pipeline's replies together, after its last command:
// HELLO's reply comes when the script that rode with it has ended. So the
// handshake deadline cannot tell a silent server from a script that runs
// longer than it, and when it passes with nothing read, the tap asks
// (probe) on a second connection whether the server answers at all: if
// it does (HELLO, or BUSY once the script passes busy-reply-threshold),
// the script is running and the wait goes on without a deadline; if not,
// the handshake fails as a timeout. With --timeout (a bound on every
// read, which the script's read must keep) nothing rides: see
// handshakeWith.

// encodeCommand is args as go-redis writes them (a RESP array of bulk
// strings), or false when an argument is not a string: only the exact
// bytes go-redis will write can be sent ahead of it.
func encodeCommand(args []any) ([]byte, bool) {
	n := 16
	for _, a := range args {
		s, ok := a.(string)
		if !ok {
			return nil, false
		}
		n += len(s) + 16
	}
	b := make([]byte, 0, n)
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		s := a.(string)
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, '\r', '\n')
		b = append(b, s...)
		b = append(b, '\r', '\n')
	}
	return b, true
}

// handshakePlan is what the next dial of a node's tap does on its new
// connection: the bytes to ride on go-redis's HELLO, and the deadline
// for the handshake's first reply.
type handshakePlan struct {
	ride     []byte
	deadline time.Time   // zero: go-redis's own deadlines only
	probe    func() bool // whether the server answers on another connection
}

// firstReply is the state a tapConn keeps about its connection's
// handshake: the ride not yet written or not yet swallowed, and the
// bytes of the first reply (go-redis's HELLO's) until it is complete.
type firstReply struct {
	plan     handshakePlan
	rideSent bool
	swallow  int // bytes of the ride go-redis has written since (swallowed)
	done     bool
	buf      []byte
}

// isHello reports whether p starts a HELLO command (go-redis writes "hello").
func isHello(p []byte) bool {
	_, rest, ok := bytes.Cut(p, []byte("\r\n"))
	if !ok || len(p) == 0 || p[0] != '*' {
		return false
	}
	return len(rest) >= 10 && bytes.EqualFold(rest[:10], []byte("$5\r\nhello\r"))
}

// write is tapConn.Write while a ride is pending. It returns handled
// false when p is to be written as it is.
func (f *firstReply) write(c *tapConn, p []byte) (n int, handled bool, err error) {
	switch {
	case len(f.plan.ride) == 0:
		return 0, false, nil
	case !f.rideSent:
		if !isHello(p) {
			f.plan.ride = nil // not the handshake we know: no ride
			return 0, false, nil
		}
		f.rideSent = true
		c.t.mu.Lock()
		c.t.rode = true
		c.t.mu.Unlock()
		buf := make([]byte, 0, len(p)+len(f.plan.ride))
		buf = append(append(buf, p...), f.plan.ride...)
		if _, err := c.guardConn.Conn.Write(buf); err != nil {
			return 0, true, err
		}
		return len(p), true, nil
	default:
		rest := f.plan.ride[f.swallow:]
		if !bytes.HasPrefix(rest, p) {
			_ = c.guardConn.Conn.Close()
			return 0, true, errRideMismatch
		}
		f.swallow += len(p)
		if f.swallow == len(f.plan.ride) {
			f.plan.ride = nil
		}
		return len(p), true, nil
	}
}

// read follows the first reply until it is complete, holding the
// handshake deadline over every read until then (go-redis's own read
// deadline is none when a run has no --timeout, and a server that
// accepts and never answers must still be reported), and keeps it for
// the handshake (tap.hello): go-redis reads HELLO's reply but does not
// hand it out, and luascope learns the server from it.
func (f *firstReply) beforeRead(c *tapConn) {
	if !f.done && !f.plan.deadline.IsZero() {
		_ = c.guardConn.Conn.SetReadDeadline(f.plan.deadline)
	}
}

// retry reports whether a read that failed with err is to be tried
// again: the handshake deadline passed with a ride sent and nothing read,
// and the server answers on another connection (see probe).
func (f *firstReply) retry(c *tapConn, err error) bool {
	var ne net.Error
	if f.done || !f.rideSent || f.plan.deadline.IsZero() || f.plan.probe == nil ||
		!errors.As(err, &ne) || !ne.Timeout() || len(f.buf) > 0 {
		return false
	}
	alive := f.plan.probe()
	f.plan.deadline, f.plan.probe = time.Time{}, nil
	if !alive {
		return false
	}
	_ = c.guardConn.Conn.SetReadDeadline(time.Time{})
	return true
}

func (f *firstReply) afterRead(c *tapConn, p []byte) {
	if f.done || len(p) == 0 {
		return
	}
	f.buf = append(f.buf, p...)
	v, _, err := resp.Parse(f.buf)
	if err != nil && len(f.buf) <= maxHelloReply {
		return // incomplete
	}
	f.done = true
	f.buf = nil
	if !f.plan.deadline.IsZero() {
		// go-redis sets its own deadline before it reads the next reply.
		_ = c.guardConn.Conn.SetReadDeadline(time.Time{})
	}
	if err != nil {
		return // no HELLO reply is that long: nothing to learn from it
	}
	c.t.mu.Lock()
	c.t.hello = &v
	c.t.mu.Unlock()
}

// maxHelloReply bounds what firstReply parses again on each read: a
// HELLO reply is a few hundred bytes.
const maxHelloReply = 64 << 10

// setPlan sets (nil: clears) the plan for the tap's next dial.
func (t *tap) setPlan(p *handshakePlan) {
	t.mu.Lock()
	t.plan = p
	t.mu.Unlock()
}

// rodeOnLast reports whether a command rode on the newest connection's
// HELLO (and so may have run even if no reply came).
func (t *tap) rodeOnLast() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rode
}

// helloReply is the first reply read on the tap's newest connection:
// go-redis's HELLO's, or nil when none came whole.
func (t *tap) helloReply() *resp.Value {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hello
}
