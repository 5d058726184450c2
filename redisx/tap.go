package redisx

import (
	"context"
	"net"
	"sync"
	"syscall"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/resp"
)

// tap records the bytes that go-redis reads from a connection while a
// round trip is in flight. go-redis folds status and bulk replies into
// the same Go string and RESP3 types into Go types; the tap keeps the
// wire bytes so resp can decode the reply exactly. It also remembers the
// local address of the current connection, so a trace can show that a
// retry stayed on the same connection.
type tap struct {
	mu    sync.Mutex
	buf   []byte
	armed bool
	local string
	dials int
	// plan is for the next connection dialed (ride.go); hello is the
	// first reply read on the newest connection, go-redis's HELLO's.
	plan  *handshakePlan
	hello *resp.Value
	rode  bool // a command rode on the newest connection's HELLO
}

// tapConn is the net.Conn go-redis reads from. It does not implement
// syscall.Conn, so go-redis's pool health check does not peek at the raw
// socket behind the tap's back.
type tapConn struct {
	guardConn // the guard checks the bytes before the tap keeps them
	t         *tap
	first     firstReply // the handshake (ride.go); used by go-redis's goroutine only
}

func (c *tapConn) Write(p []byte) (int, error) {
	if n, handled, err := c.first.write(c, p); handled {
		return n, err
	}
	return c.guardConn.Write(p)
}

func (c *tapConn) Read(p []byte) (int, error) {
	c.first.beforeRead(c)
	n, err := c.guardConn.Read(p)
	if n == 0 && err != nil && c.first.retry(c, err) {
		n, err = c.guardConn.Read(p)
	}
	c.first.afterRead(c, p[:max(n, 0)])
	if n > 0 {
		c.t.mu.Lock()
		if c.t.armed {
			c.t.buf = append(c.t.buf, p[:n]...)
		}
		c.t.mu.Unlock()
	}
	return n, err
}

// arm starts recording for one round trip.
func (t *tap) arm() {
	t.mu.Lock()
	t.buf = nil
	t.armed = true
	t.mu.Unlock()
}

// disarm stops recording and hands over what was read. The decoded
// reply points into these bytes, so the tap starts a new buffer rather
// than reusing this one.
func (t *tap) disarm() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.armed = false
	b := t.buf
	t.buf = nil
	return b
}

func (t *tap) localAddr() (string, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.local, t.dials
}

// tapHook installs the tap on every connection the client dials.
type tapHook struct{ t *tap }

func (h tapHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &tapConn{guardConn: guardConn{Conn: conn, g: resp.NewGuard(resp.DefaultLimits)}, t: h.t}
		h.t.mu.Lock()
		h.t.local = conn.LocalAddr().String()
		h.t.dials++
		h.t.hello, h.t.rode = nil, false
		if h.t.plan != nil {
			tc.first.plan, h.t.plan = *h.t.plan, nil
		}
		h.t.mu.Unlock()
		return tc, nil
	}
}

func (h tapHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (h tapHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// guardConn checks every reply read on a connection against
// resp.DefaultLimits before go-redis sees it (see resp.Guard): for the
// clients that do not need a tap, such as batch workers.
type guardConn struct {
	net.Conn
	g *resp.Guard
}

func (c *guardConn) Read(p []byte) (int, error) {
	if err := c.g.Err(); err != nil {
		// Sticky: go-redis peeks, gets the error once from bufio, and
		// reads again; a second real read would wait for ever.
		return 0, err
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		if gerr := c.g.Feed(p[:n]); gerr != nil {
			// go-redis must not see a header that lies about its size:
			// it would allocate for the lie and die of it.
			return 0, gerr
		}
	}
	return n, err
}

// guardSysConn is a guardConn on a plain socket. Its SyscallConn lets
// go-redis's pool health check peek at the socket (a peek consumes
// nothing, so the guard misses no byte): without it a connection the
// server closed would be reused and a whole pipeline lost. A TLS
// connection has no SyscallConn, and go-redis skips the check for it.
type guardSysConn struct{ *guardConn }

func (c guardSysConn) SyscallConn() (syscall.RawConn, error) {
	return c.Conn.(syscall.Conn).SyscallConn()
}

// guardHook installs a guardConn on every connection a client dials.
type guardHook struct{}

func (guardHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		gc := &guardConn{Conn: conn, g: resp.NewGuard(resp.DefaultLimits)}
		if _, ok := conn.(syscall.Conn); ok {
			return guardSysConn{gc}, nil
		}
		return gc, nil
	}
}

func (guardHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (guardHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// newGuardedClient is redis.NewClient for a server luascope does not
// trust to send sane headers: every server.
func newGuardedClient(opt *redis.Options) *redis.Client {
	c := redis.NewClient(opt)
	c.AddHook(guardHook{})
	return c
}
