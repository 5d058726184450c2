//go:build unix

package ptyterm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// Options for Start. The zero value is a 120×40 terminal with a dark
// background that answers at once.
type Options struct {
	Cols, Rows uint16
	Env        []string // added to the process's environment, after TERM=xterm-256color
	Background string   // Dark (default) or Light, as OSC 11 reports it
	// ReplyDelay answers the terminal queries this long after they were
	// asked, as a terminal at the other end of an SSH link does.
	ReplyDelay time.Duration
}

// Session is a program running on a pseudo-terminal whose terminal side
// answers its queries (Replies) and keeps every byte it writes, with the
// time each read returned: what a person sees and when, for tests and
// measurements that tmux's capture-pane cannot give (the escape
// sequences, the queries, the moment a text arrived).
type Session struct {
	Cmd     *exec.Cmd
	Started time.Time // when the process was started

	master *os.File
	mu     sync.Mutex
	grew   *sync.Cond
	out    []byte
	reads  []readMark // the end of each read in out, and when it returned
	closed bool
	done   chan struct{}
	err    error // Cmd.Wait's
}

type readMark struct {
	end int
	at  time.Time
}

// maxOutput bounds what a Session keeps (a measured program may write a
// million-row reply).
const maxOutput = 64 << 20

// Start runs argv on a new pseudo-terminal of its own session (so Close
// can end the process group).
func Start(argv []string, o Options) (*Session, error) {
	if o.Cols == 0 || o.Rows == 0 {
		o.Cols, o.Rows = 120, 40
	}
	if o.Background == "" {
		o.Background = Dark
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), "TERM=xterm-256color", "COLUMNS=", "LINES="), o.Env...)
	s := &Session{Cmd: cmd, done: make(chan struct{})}
	s.grew = sync.NewCond(&s.mu)
	s.Started = time.Now()
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: o.Cols, Rows: o.Rows})
	if err != nil {
		return nil, err
	}
	s.master = master
	go s.read(o)
	go func() {
		err := cmd.Wait()
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		close(s.done)
	}()
	return s, nil
}

func (s *Session) read(o Options) {
	buf := make([]byte, 64<<10)
	for {
		n, err := s.master.Read(buf)
		now := time.Now()
		if n > 0 {
			if r := Replies(buf[:n], o.Background); len(r) > 0 {
				if o.ReplyDelay > 0 {
					time.AfterFunc(o.ReplyDelay, func() { _, _ = s.master.Write(r) })
				} else {
					_, _ = s.master.Write(r)
				}
			}
			s.mu.Lock()
			if len(s.out) < maxOutput {
				s.out = append(s.out, buf[:n]...)
				s.reads = append(s.reads, readMark{len(s.out), now})
			}
			s.grew.Broadcast()
			s.mu.Unlock()
		}
		if err != nil {
			s.mu.Lock()
			s.closed = true
			s.grew.Broadcast()
			s.mu.Unlock()
			return
		}
	}
}

// Output is everything the program wrote so far.
func (s *Session) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.out)
}

// Len is how many bytes the program wrote so far: a mark for WaitFor.
func (s *Session) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.out)
}

// WaitFor waits until what the program wrote from offset from on holds
// text, and returns when the read that completed it returned.
func (s *Session) WaitFor(from int, text string, timeout time.Duration) (time.Time, error) {
	return s.WaitMatch(from, func(b []byte) int {
		if i := bytes.Index(b, []byte(text)); i >= 0 {
			return i + len(text)
		}
		return -1
	}, strconv.Quote(text), timeout)
}

// WaitMatch is WaitFor with a matcher: match returns where in b the
// awaited output ends, or -1.
func (s *Session) WaitMatch(from int, match func(b []byte) int, what string, timeout time.Duration) (time.Time, error) {
	timer := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.grew.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if from <= len(s.out) {
			if end := match(s.out[from:]); end >= 0 {
				end += from
				for _, r := range s.reads {
					if r.end >= end {
						return r.at, nil
					}
				}
			}
		}
		if s.closed {
			return time.Time{}, fmt.Errorf("the program's output ended without %s", what)
		}
		if !time.Now().Before(deadline) {
			return time.Time{}, fmt.Errorf("the output did not show %s within %s", what, timeout)
		}
		s.grew.Wait()
	}
}

// Write types b, as keys.
func (s *Session) Write(b []byte) error {
	_, err := s.master.Write(b)
	return err
}

// Wait waits for the program to end, and for the last of its output to
// be read, and returns Cmd.Wait's error.
func (s *Session) Wait(timeout time.Duration) error {
	select {
	case <-s.done:
	case <-time.After(timeout):
		return errors.New("the program did not end within " + timeout.String())
	}
	// The terminal's side reads on after the exit until the end of the
	// output (EIO once no process holds the terminal open).
	_, _ = s.WaitMatch(0, func([]byte) int { return -1 }, "the end of the output", 2*time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close kills the program's process group, if it still runs, and closes
// the terminal.
func (s *Session) Close() {
	select {
	case <-s.done:
	default:
		_ = syscall.Kill(-s.Cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	_ = s.master.Close()
}
