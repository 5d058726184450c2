package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// replyError is an error reply from the server. The probe keeps it apart
// from network errors because "-LOADING" means "wait" while a refused
// connection may mean "dead".
type replyError string

func (e replyError) Error() string { return string(e) }

// probeConn is a minimal RESP2 connection used while a server starts. It
// avoids go-redis there because a pool, retries and HELLO negotiation get
// in the way of asking one exact question with a short deadline.
type probeConn struct {
	c    net.Conn
	r    *bufio.Reader
	stop func() bool
}

func dialProbe(ctx context.Context, network, addr string) (*probeConn, error) {
	d := net.Dialer{Timeout: 500 * time.Millisecond}
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	dl := time.Now().Add(2 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	_ = c.SetDeadline(dl)
	// Whatever listens may never answer (a port taken by a non-Redis
	// process); ending ctx must not wait for the deadline.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	return &probeConn{c: c, r: bufio.NewReader(c), stop: stop}, nil
}

func (p *probeConn) Close() error {
	p.stop()
	return p.c.Close()
}

// do sends one command and returns a simple, integer or bulk reply as a
// string, or the flattened elements of an array reply joined by "\n".
func (p *probeConn) do(args ...string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := io.WriteString(p.c, b.String()); err != nil {
		return "", err
	}
	return p.read()
}

func (p *probeConn) read() (string, error) {
	line, err := p.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("empty reply line")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", replyError(line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return "", fmt.Errorf("bad bulk length %q", line)
		}
		if n < 0 {
			return "", nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(p.r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return "", fmt.Errorf("bad array length %q", line)
		}
		parts := make([]string, 0, max(n, 0))
		for range n {
			s, err := p.read()
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, "\n"), nil
	default:
		return "", fmt.Errorf("unexpected reply %q", line)
	}
}

// infoField returns one "name:value" field of an INFO reply.
func infoField(info, name string) string {
	for _, l := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), name+":"); ok {
			return v
		}
	}
	return ""
}

// query opens a probe connection, authenticates when a password is known
// and runs one command; it is how the package talks to a node whose role
// it is still arranging.
func query(ctx context.Context, network, addr, password string, args ...string) (string, error) {
	p, err := dialProbe(ctx, network, addr)
	if err != nil {
		return "", err
	}
	defer p.Close()
	if password != "" {
		if _, err := p.do("AUTH", password); err != nil {
			return "", err
		}
	}
	return p.do(args...)
}
