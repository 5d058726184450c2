package redisx

import (
	"context"
	"net"
	"sync"

	"github.com/redis/go-redis/v9"
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
}

// tapConn is the net.Conn go-redis reads from. It does not implement
// syscall.Conn, so go-redis's pool health check does not peek at the raw
// socket behind the tap's back.
type tapConn struct {
	net.Conn
	t *tap
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
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
		h.t.mu.Lock()
		h.t.local = conn.LocalAddr().String()
		h.t.dials++
		h.t.mu.Unlock()
		return &tapConn{Conn: conn, t: h.t}, nil
	}
}

func (h tapHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (h tapHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
