// Package fakeserver is an in-process TCP server that speaks just enough
// RESP to be connected to, and then answers with whatever bytes a test
// gives it: replies no real Redis sends (absurd lengths, deep nesting,
// garbage, escape sequences in redirects) and servers that never answer.
// Real server behaviour is always tested against real redis-server
// processes (package sandbox); this is only for the hostile cases.
package fakeserver

import (
	"bytes"
	"net"
	"strings"
	"sync"

	"luascope/redisx/resp"
)

// Handler answers one command (its words, the name upper-cased) with the
// raw bytes to write. Returning nil writes nothing: the client waits.
type Handler func(cmd []string) []byte

// Server is a listening fake server. Close stops it and drops its
// connections.
type Server struct {
	ln      net.Listener
	handler Handler
	// Silent makes the server accept connections and never answer
	// anything, not even HELLO: a hung server.
	silent bool

	mu    sync.Mutex
	conns []net.Conn
	cmds  [][]string
	wg    sync.WaitGroup
}

// Option changes how a Server behaves.
type Option func(*Server)

// Silent makes the server accept connections and never answer anything.
func Silent() Option { return func(s *Server) { s.silent = true } }

// Start listens on a free loopback port. HELLO is answered like Redis
// 7.0.15 would (a map in RESP3, a flat array in RESP2); every other
// command goes to h.
func Start(h Handler, opts ...Option) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, handler: h}
	for _, o := range opts {
		o(s)
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port is the port alone, for -p.
func (s *Server) Port() string {
	_, p, _ := net.SplitHostPort(s.Addr())
	return p
}

// Commands returns every command received so far, in order.
func (s *Server) Commands() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]string(nil), s.cmds...)
}

// Close stops listening and closes every connection.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	r := resp.NewReader(c)
	for {
		v, err := r.Read()
		if err != nil {
			return
		}
		if s.silent {
			continue
		}
		var cmd []string
		for _, e := range v.Elems {
			cmd = append(cmd, string(e.Str))
		}
		if len(cmd) == 0 {
			continue
		}
		cmd[0] = strings.ToUpper(cmd[0])
		s.mu.Lock()
		s.cmds = append(s.cmds, cmd)
		s.mu.Unlock()
		var out []byte
		if cmd[0] == "HELLO" {
			out = Hello(len(cmd) > 1 && cmd[1] == "3")
		} else {
			out = s.handler(cmd)
		}
		if out != nil {
			if _, err := c.Write(out); err != nil {
				return
			}
		}
	}
}

// Hello is Redis 7.0.15's answer to HELLO, in RESP3 or RESP2.
func Hello(resp3 bool) []byte {
	fields := [][2]string{{"server", "redis"}, {"version", "7.0.15"}, {"proto", ""}, {"id", ""}, {"mode", "standalone"}, {"role", "master"}, {"modules", ""}}
	var b bytes.Buffer
	if resp3 {
		b.WriteString("%7\r\n")
	} else {
		b.WriteString("*14\r\n")
	}
	for _, f := range fields {
		b.WriteString("$" + itoa(len(f[0])) + "\r\n" + f[0] + "\r\n")
		switch f[0] {
		case "proto":
			if resp3 {
				b.WriteString(":3\r\n")
			} else {
				b.WriteString(":2\r\n")
			}
		case "id":
			b.WriteString(":7\r\n")
		case "modules":
			b.WriteString("*0\r\n")
		default:
			b.WriteString("$" + itoa(len(f[1])) + "\r\n" + f[1] + "\r\n")
		}
	}
	return b.Bytes()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}
