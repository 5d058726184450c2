package batch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
)

// laneConn is one pipelined connection of a batch to a node, written and
// read by luascope itself. go-redis still dials it, does TLS, AUTH/HELLO
// and SELECT (a private client of one connection, made from the session's
// target); after that handshake the batch writes its EVALSHA pipelines
// straight onto the socket and reads the replies with readReply, for two
// reasons go-redis's Pipeline cannot serve:
//
//   - overlap: the next pipeline is written before the previous one's
//     replies are read, so the server never waits for the client between
//     round trips (go-redis's Exec writes, then reads, then returns);
//   - the batch needs only each reply's outcome (an error reply and its
//     text, or not), so replies are checked and skipped without building
//     values: no allocation per reply.
//
// Every byte read passes through a resp.Guard first, as on every other
// connection of luascope: a header that lies about its size or nesting
// ends the connection before anything is allocated for it.
type laneConn struct {
	client *redis.Client // owns the socket; Close closes it
	conn   net.Conn
	br     *bufio.Reader
	wbuf   []byte // a pipeline whose calls are not one run of a chunk
	// readTimeout bounds the read of one pipeline's replies (the target's
	// --timeout); 0 waits for ever, as the run path does.
	readTimeout, writeTimeout time.Duration
	// writeBy is the write deadline last set: it is moved on only when
	// half of writeTimeout has passed, not for every pipeline (each move
	// is a timer update in the runtime, under its locks).
	writeBy time.Time
	// lastUse is when the last pipeline's replies were read (or the lane
	// dialled): a lane idle for longer is checked before it is written on.
	lastUse time.Time
	// err is the error that broke the connection; the pipelines still in
	// flight on it end unknown without reading.
	err       error
	closeOnce sync.Once
}

// captureHook guards the connection a private client dials and remembers
// it for the lane.
type captureHook struct{ conn *net.Conn }

func (h captureHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		gc := redisx.GuardReads(rawSocket(c))
		*h.conn = gc
		return gc, nil
	}
}

func (captureHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (captureHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// handshakeGrace is how long a lane's handshake may take beyond the
// dial timeout; a variable for the tests.
var handshakeGrace = 10 * time.Second

// errHandshake marks a lane whose connection did not come up: nothing of
// the batch was written on it.
var errHandshake = errors.New("handshake")

// dialLane opens a lane to the node at addr with the session's
// credentials, TLS and database. The handshake ends with a HELLO of the
// session's protocol, which every server answers whatever the user's ACL
// rules (HELLO needs no permission) and which changes nothing on a
// connection that already did it; an older server's error reply to it
// proves the connection is up all the same. An error wraps errHandshake
// and the cause: the lane was never usable, so nothing ran on it.
func (b *batch) dialLane(addr string) (*laneConn, error) {
	t := b.target
	if addr != t.Addr {
		t = t.WithAddr(addr)
	}
	opt, err := t.Options()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errHandshake, err)
	}
	var conn net.Conn
	cl := redis.NewClient(opt)
	cl.AddHook(captureHook{&conn})
	ctx, cancel := context.WithTimeout(b.execCtx, opt.DialTimeout+handshakeGrace)
	defer cancel()
	err = cl.Do(ctx, "HELLO", strconv.Itoa(opt.Protocol)).Err()
	// go-redis keeps a connection in its pool only when the handshake
	// worked and the reply was read; an error reply to HELLO itself (a
	// server older than 6) leaves it there too.
	if conn == nil || cl.PoolStats().IdleConns != 1 || (err != nil && !isRedisError(err)) {
		_ = cl.Close()
		if err == nil {
			err = errors.New("the connection closed during the handshake")
		}
		return nil, fmt.Errorf("%w: %w", errHandshake, err)
	}
	// go-redis left the handshake's deadline (this ctx's, DialTimeout +
	// handshakeGrace from now) on the socket: a lane still reading
	// replies then would fail with "i/o timeout" and its lines end
	// unknown, in any batch longer than that. The lane sets its own.
	if err := conn.SetDeadline(time.Time{}); err != nil {
		_ = cl.Close()
		return nil, fmt.Errorf("%w: %w", errHandshake, err)
	}
	lc := &laneConn{client: cl, conn: conn, br: bufio.NewReaderSize(conn, 64<<10), writeTimeout: opt.WriteTimeout}
	if opt.ReadTimeout > 0 {
		lc.readTimeout = opt.ReadTimeout
	}
	lc.lastUse = time.Now()
	if !b.addLane(lc) {
		lc.close()
		return nil, fmt.Errorf("%w: %w", errHandshake, errSessionClosed)
	}
	return lc, nil
}

// close closes the socket: a read blocked on it returns at once.
func (c *laneConn) close() {
	c.closeOnce.Do(func() {
		_ = c.conn.Close()
		_ = c.client.Close()
	})
}

// write sends a pipeline: p is c.wbuf, or a run of a chunk's buffer.
func (c *laneConn) write(p []byte) error {
	if c.writeTimeout > 0 {
		if now := time.Now(); c.writeBy.Sub(now) < c.writeTimeout/2 {
			c.writeBy = now.Add(c.writeTimeout)
			_ = c.conn.SetWriteDeadline(c.writeBy)
		}
	}
	_, err := c.conn.Write(p)
	return err
}

// idleCheck is how long a lane may sit unused before it is checked for a
// close by the server (its idle `timeout`, a restart) before a write.
const idleCheck = time.Second

// closedByPeer reports whether the server closed the idle connection (or
// sent something unasked). A pipeline written on such a connection would
// be lost with its lines unknown though they never ran; go-redis's pool
// makes the same check before it reuses a connection. It peeks for at
// most a millisecond: "nothing to read" is then a timeout. (A deadline
// already past would not even try the read.)
func (c *laneConn) closedByPeer() bool {
	_ = c.conn.SetReadDeadline(time.Now().Add(time.Millisecond))
	_, err := c.br.Peek(1)
	_ = c.conn.SetReadDeadline(time.Time{})
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// beginRead arms the read deadline for one pipeline's replies.
func (c *laneConn) beginRead() {
	if c.readTimeout > 0 {
		_ = c.conn.SetReadDeadline(time.Now().Add(c.readTimeout))
	}
}

// appendBulk appends one RESP bulk string.
func appendBulk(buf []byte, s string) []byte {
	buf = append(buf, '$')
	buf = strconv.AppendInt(buf, int64(len(s)), 10)
	buf = append(buf, '\r', '\n')
	buf = append(buf, s...)
	return append(buf, '\r', '\n')
}

// appendBulkBytes is appendBulk of a byte slice.
func appendBulkBytes(buf []byte, s []byte) []byte {
	buf = appendHeader(buf, '$', len(s))
	buf = append(buf, s...)
	return append(buf, '\r', '\n')
}

// appendHeader appends a RESP header line, "$12\r\n" or "*5\r\n", with
// the usual one- and two-digit numbers written without strconv (the
// reader writes a few per line).
func appendHeader(buf []byte, typ byte, n int) []byte {
	switch {
	case n >= 0 && n < 10:
		return append(buf, typ, byte('0'+n), '\r', '\n')
	case n >= 10 && n < 100:
		return append(buf, typ, byte('0'+n/10), byte('0'+n%10), '\r', '\n')
	}
	buf = append(buf, typ)
	buf = strconv.AppendInt(buf, int64(n), 10)
	return append(buf, '\r', '\n')
}

// appendCall appends a line's EVALSHA (or EVAL) command, as RESP, with an
// ASKING before it when an ASK redirect asked for one. The reader encoded
// it as EVALSHA (bline.call); EVAL replaces the head.
func (b *batch) appendCall(buf []byte, l *bline) []byte {
	if l.asking {
		buf = append(buf, "*1\r\n$6\r\nASKING\r\n"...)
	}
	call := l.call()
	if b.opt.Strategy == redisx.EvalOnly || l.useEval {
		buf = append(buf, call[:l.hdr]...)
		buf = append(buf, b.evalHead...)
		return append(buf, call[int(l.hdr)+len(b.shaHead):]...)
	}
	return append(buf, call...)
}

// errProtocol is a reply that is not RESP.
var errProtocol = errors.New("protocol error in the reply")

// readReply reads one whole reply and reports whether it is an error
// reply and, if so, its text. Everything else (values of any type, nil,
// nested aggregates, RESP3 attributes) is skipped without keeping it:
// the batch only counts what ended ok. A RESP3 push message before the
// reply is out of band and skipped. The guard under the reader has
// already bounded every header, so skipping never allocates for a lie.
func readReply(br *bufio.Reader) (isErr bool, msg string, err error) {
	for top := true; ; top = false {
		line, err := readRespLine(br)
		if err != nil {
			return false, "", err
		}
		if len(line) == 0 {
			return false, "", errProtocol
		}
		typ, rest := line[0], line[1:]
		switch typ {
		case '-':
			return true, string(rest), nil
		case '!':
			n, err := strconv.ParseInt(string(rest), 10, 64)
			if err != nil || n < 0 {
				return false, "", errProtocol
			}
			// Grown as the bytes arrive, not allocated for the header's
			// promise (which the guard bounds at 1 GiB, not at sane).
			var p bytes.Buffer
			if _, err := io.CopyN(&p, br, n+2); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return false, "", err
			}
			return true, string(p.Bytes()[:n]), nil
		case '>':
			if !top {
				return false, "", errProtocol
			}
			if err := skipAggregate(br, rest, 1); err != nil {
				return false, "", err
			}
			continue // the reply follows the push
		case '|':
			// An attribute, then the value it annotates: skip both.
			if err := skipAggregate(br, rest, 2); err != nil {
				return false, "", err
			}
			continue
		default:
			return false, "", skipValue(br, typ, rest)
		}
	}
}

// skipBuffered skips up to max whole replies already in br's buffer
// that are not errors and need no reading past it: one-line values
// (":", "+", "_", ",", "#", "(") and bulk strings, as readReply would,
// and returns how many. It stops at anything else (an error reply, an
// aggregate, a push, a reply cut by the buffer's end), which readReply
// then reads: a pipeline's 64 integer replies arrive together, and
// reading them one ReadSlice at a time was a sixth of a lane's CPU.
func skipBuffered(br *bufio.Reader, max int) int {
	p, _ := br.Peek(br.Buffered())
	n, at := 0, 0
scan:
	for n < max && at < len(p) {
		typ := p[at]
		if !oneLine(typ) && typ != '$' {
			break scan
		}
		eol := bytes.IndexByte(p[at:], '\n')
		if eol < 2 || p[at+eol-1] != '\r' {
			break // cut by the buffer's end, or not RESP: readReply says which
		}
		next := at + eol + 1
		if typ == '$' {
			size, err := strconv.ParseInt(string(p[at+1:at+eol-1]), 10, 64)
			switch {
			case err != nil:
				break scan
			case size >= 0:
				if size > int64(len(p)-next-2) {
					break scan
				}
				next += int(size) + 2
			}
		}
		at = next
		n++
	}
	_, _ = br.Discard(at)
	return n
}

// oneLine reports a RESP type whose value is its header line: simple
// string, integer, null, double, boolean, big number.
func oneLine(typ byte) bool {
	switch typ {
	case '+', ':', '_', ',', '#', '(':
		return true
	}
	return false
}

// skipValue skips the rest of a value whose header line was read.
func skipValue(br *bufio.Reader, typ byte, rest []byte) error {
	if oneLine(typ) {
		return nil
	}
	switch typ {
	case '$', '=':
		n, err := strconv.ParseInt(string(rest), 10, 64)
		if err != nil {
			return errProtocol
		}
		if n < 0 {
			return nil // nil bulk
		}
		_, err = br.Discard(int(n) + 2)
		return err
	case '*', '~', '>':
		return skipAggregate(br, rest, 1)
	case '%', '|':
		return skipAggregate(br, rest, 2)
	case '-':
		return nil
	case '!':
		n, err := strconv.ParseInt(string(rest), 10, 64)
		if err != nil || n < 0 {
			return errProtocol
		}
		_, err = br.Discard(int(n) + 2)
		return err
	}
	return errProtocol
}

// skipAggregate skips an aggregate's elements (count × per, a map's
// pairs counting two), iteratively: its nesting costs no stack.
func skipAggregate(br *bufio.Reader, countText []byte, per int64) error {
	n, err := strconv.ParseInt(string(countText), 10, 64)
	if err != nil {
		return errProtocol
	}
	left := max(n, 0) * per // -1 is a nil array
	for left > 0 {
		left--
		line, err := readRespLine(br)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return errProtocol
		}
		typ, rest := line[0], line[1:]
		switch typ {
		case '*', '~', '>', '%', '|':
			k, err := strconv.ParseInt(string(rest), 10, 64)
			if err != nil {
				return errProtocol
			}
			k = max(k, 0)
			switch typ {
			case '%':
				k *= 2
			case '|':
				k = 2*k + 1 // the attribute's pairs, then the value
			}
			left += k
		default:
			if err := skipValue(br, typ, rest); err != nil {
				return err
			}
		}
	}
	return nil
}

// readRespLine returns one line without its CRLF. The slice is only valid
// until the next read. A line longer than the reader's buffer (a long
// status or error reply) is assembled in a new slice.
func readRespLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = br.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, errProtocol
	}
	return line[:len(line)-2], nil
}
