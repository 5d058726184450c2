package redisx

import (
	"context"
	"fmt"
	"net"
	"sync"
	"syscall"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/resp"
)

// tap remembers the local address of a node's current connection and
// how many times it was dialled, so a trace can show that a retry stayed
// on the same connection and which round trip had to dial. (It used to
// record every byte read as well; replies are now streamed into a
// resp.Decoder by exchange, once.)
type tap struct {
	mu    sync.Mutex
	local string
	dials int
	// plan is for the next connection dialed (ride.go); hello is the
	// first reply read on the newest connection, go-redis's HELLO's.
	plan  *handshakePlan
	hello *resp.Value
	rode  bool // a command rode on the newest connection's HELLO
}

// tapConn is the net.Conn go-redis reads a node's replies from, through
// the guard. It does not implement syscall.Conn, so go-redis's pool
// health check does not peek at the raw socket behind the tap's back.
type tapConn struct {
	guardConn // the guard checks the bytes before go-redis sees them
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
	return n, err
}

func (t *tap) localAddr() (string, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.local, t.dials
}

// exchange sends one command and decodes its reply exactly, wire types
// and all, in one pass: go-redis writes the command and frames the reply
// (DoRawWriteTo, so it builds no values of its own) and streams the bytes
// into a resp.Decoder. Every byte has passed the connection's guard
// first. It returns the reply, or the client-side error when none came.
// An error of go-redis's own handshake on a fresh connection (HELLO,
// AUTH, SELECT) is returned as the error reply it was, as the server
// wrote it.
func exchange(ctx context.Context, c *redis.Client, args ...any) (*resp.Value, error) {
	var dec resp.Decoder
	err := c.DoRawWriteTo(ctx, &dec, args...).Err()
	if dec.Done() {
		v, derr := dec.Value()
		if derr != nil {
			return nil, fmt.Errorf("decode the reply: %w", derr)
		}
		return &v, nil
	}
	switch {
	case err == nil:
		return nil, fmt.Errorf("no reply decoded from %d bytes read", dec.Len())
	case isRedisError(err) && dec.Len() == 0:
		v := resp.Value{Kind: resp.Error, Str: []byte(err.Error())}
		return &v, nil
	}
	return nil, err
}

// tapHook installs the guard on every connection the client dials and
// keeps the tap's address and count.
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

// GuardReads wraps c so that every byte read from it is checked by a
// resp.Guard with resp.DefaultLimits first, as on every connection the
// session dials: for a package (batch's lanes) that reads replies itself.
func GuardReads(c net.Conn) net.Conn {
	return &guardConn{Conn: c, g: resp.NewGuard(resp.DefaultLimits)}
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
