package batch

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// TestBatchRawConn: a lane's raw socket reads and writes as net.Conn
// does, and fails as it does, with the same errors (a report quotes
// them): a deadline, the peer closing, the socket closed under a read.
func TestBatchRawConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	pair := func() (plain, raw net.Conn, peers [2]net.Conn) {
		t.Helper()
		for i := range 2 {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			p, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			peers[i] = p
			if i == 0 {
				plain = c
			} else {
				raw = rawSocket(c)
			}
		}
		if _, ok := raw.(*rawConn); !ok {
			t.Fatalf("rawSocket gave a %T", raw)
		}
		return plain, raw, peers
	}
	plain, raw, peers := pair()
	big := make([]byte, 8<<20) // more than the socket buffers: the write waits for room
	for i := range big {
		big[i] = byte(i)
	}
	go func() {
		got := make([]byte, len(big))
		if _, err := io.ReadFull(peers[1], got); err == nil {
			peers[1].Write(got[len(got)-5:])
		}
	}()
	if n, err := raw.Write(big); n != len(big) || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	buf := make([]byte, 16)
	if n, err := io.ReadFull(raw, buf[:5]); n != 5 || err != nil || string(buf[:5]) != string(big[len(big)-5:]) {
		t.Fatalf("read: %d %q %v", n, buf[:n], err)
	}
	// A deadline: the same timeout error.
	for _, c := range []net.Conn{plain, raw} {
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	}
	_, perr := plain.Read(buf)
	_, rerr := raw.Read(buf)
	var ne net.Error
	if !errors.As(rerr, &ne) || !ne.Timeout() || perr.Error()[len("read tcp "):] == "" || trimAddrs(perr) != trimAddrs(rerr) {
		t.Fatalf("deadline: raw %v, net.Conn %v", rerr, perr)
	}
	for _, c := range []net.Conn{plain, raw} {
		c.SetReadDeadline(time.Time{})
	}
	// The peer closes: io.EOF.
	peers[0].Close()
	peers[1].Close()
	if _, err := plain.Read(buf); err != io.EOF {
		t.Fatalf("net.Conn after the peer closed: %v", err)
	}
	if _, err := raw.Read(buf); err != io.EOF {
		t.Fatalf("raw after the peer closed: %v", err)
	}
	// Closed under a blocked read: the same error.
	plain, raw, _ = pair()
	errs := make(chan [2]error)
	go func() {
		var e [2]error
		_, e[0] = plain.Read(buf)
		_, e[1] = raw.Read(make([]byte, 4))
		errs <- e
	}()
	time.Sleep(20 * time.Millisecond)
	plain.Close()
	time.Sleep(20 * time.Millisecond)
	raw.Close()
	e := <-errs
	if !errors.Is(e[1], net.ErrClosed) || trimAddrs(e[0]) != trimAddrs(e[1]) {
		t.Fatalf("closed: raw %v, net.Conn %v", e[1], e[0])
	}
}

// trimAddrs is an error's text without the addresses, which differ
// between two connections.
func trimAddrs(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Op + " " + oe.Net + ": " + oe.Err.Error()
	}
	return err.Error()
}
