// Package rttproxy is a TCP proxy for measurements and tests, not part
// of luascope: it delays each direction by a fixed time, which makes a
// loopback server look like one across a slow link, and it counts round
// trips: a burst of bytes from the client that follows bytes from the
// server (or opens the connection) is one. A client that pipelines its
// handshake with its first command makes one round trip; one that waits
// for each reply makes one per command.
//
// The TCP handshake itself is not delayed (the proxy accepts at once and
// dials the server at once), so a connection costs the same for every
// client measured through it.
package rttproxy

import (
	"net"
	"sync"
	"time"
)

// Proxy forwards connections from Addr to an upstream address.
type Proxy struct {
	ln       net.Listener
	upstream string
	delay    time.Duration

	mu         sync.Mutex
	roundTrips int
	conns      int
	wg         sync.WaitGroup
	open       map[net.Conn]struct{}
}

// Start listens on a free loopback port and forwards every connection to
// upstream, each direction delayed by oneWay (0: no delay).
func Start(upstream string, oneWay time.Duration) (*Proxy, error) {
	return Listen("127.0.0.1:0", upstream, oneWay)
}

// Listen is Start on a given address.
func Listen(addr, upstream string, oneWay time.Duration) (*Proxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, upstream: upstream, delay: oneWay, open: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is where clients connect.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// RoundTrips is how many round trips all connections made so far.
func (p *Proxy) RoundTrips() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.roundTrips
}

// Conns is how many connections were accepted so far.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns
}

// Reset sets both counters to zero.
func (p *Proxy) Reset() {
	p.mu.Lock()
	p.roundTrips, p.conns = 0, 0
	p.mu.Unlock()
}

// Close stops listening, closes every open connection and waits for
// the proxy's goroutines.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.upstream)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns++
		p.open[c], p.open[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		st := &connState{}
		p.wg.Add(2)
		go p.pipe(c, up, st, true)
		go p.pipe(up, c, st, false)
	}
}

// connState is one connection's last direction, for counting turns.
type connState struct {
	mu         sync.Mutex
	fromServer bool
	started    bool
}

// chunk is bytes read at one time, to be written after the delay.
type chunk struct {
	b   []byte
	due time.Time
}

// pipe copies src to dst, each chunk delayed by p.delay from when it was
// read, in order; it closes both ends when src ends.
func (p *Proxy) pipe(src, dst net.Conn, st *connState, fromClient bool) {
	defer p.wg.Done()
	q := make(chan chunk, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ch := range q {
			if d := time.Until(ch.due); d > 0 {
				time.Sleep(d)
			}
			if _, err := dst.Write(ch.b); err != nil {
				for range q { // drain: the reader ends on the closed conn
				}
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			now := time.Now()
			st.mu.Lock()
			if fromClient && (!st.started || st.fromServer) {
				p.mu.Lock()
				p.roundTrips++
				p.mu.Unlock()
			}
			st.started, st.fromServer = true, !fromClient
			st.mu.Unlock()
			q <- chunk{b: append([]byte(nil), buf[:n]...), due: now.Add(p.delay)}
		}
		if err != nil { // EOF, a reset or Close: the end of this direction
			break
		}
	}
	close(q)
	<-done
	_ = src.Close()
	_ = dst.Close()
	p.mu.Lock()
	delete(p.open, src)
	delete(p.open, dst)
	p.mu.Unlock()
}
