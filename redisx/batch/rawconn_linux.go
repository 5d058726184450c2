package batch

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// rawConn is a plain (not TLS) socket whose reads and writes are made
// with syscall.RawSyscall inside its RawConn, for a lane. The socket is
// non-blocking, so a call never waits in the kernel: when there is
// nothing to read (or no room to write) it returns EAGAIN, and RawConn
// parks the goroutine in the network poller until the socket is ready,
// honouring the deadlines, exactly as net.Conn does. Errors are wrapped
// as net.Conn's are (*net.OpError), so reports read the same.
//
// Why: a syscall entered the ordinary way tells the Go runtime, whose
// monitor thread then wakes (from its deep sleep when the process had
// been idle, waiting for replies) and polls every 20µs for a millisecond
// and more. A batch goes idle and busy again thousands of times a second,
// so with three servers and the client on two cores those wake-ups were
// about a tenth of the client's CPU, each one preempting a server.
// The lane's guard (redisx.GuardReads) still checks every byte read.
type rawConn struct {
	net.Conn
	rc syscall.RawConn
}

// rawSocket returns c as a rawConn when it is a plain socket, else c.
func rawSocket(c net.Conn) net.Conn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	return &rawConn{Conn: c, rc: rc}
}

// opError wraps err as net.Conn's Read and Write do (RawConn's own
// errors say "raw-read" and "raw-write": their cause is kept).
func (c *rawConn) opError(op string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		err = oe.Err
	}
	if errno, ok := err.(syscall.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	return &net.OpError{Op: op, Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}

func (c *rawConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var rerr error
	err := c.rc.Read(func(fd uintptr) bool {
		for {
			r, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch errno {
			case 0:
				n = int(r)
				if n == 0 {
					rerr = io.EOF
				}
				return true
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait until the socket is readable
			default:
				rerr = c.opError("read", errno)
				return true
			}
		}
	})
	if err != nil {
		return 0, c.opError("read", err)
	}
	return n, rerr
}

func (c *rawConn) Write(p []byte) (int, error) {
	written := 0
	var werr error
	err := c.rc.Write(func(fd uintptr) bool {
		for written < len(p) {
			r, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[written])), uintptr(len(p)-written))
			switch errno {
			case 0:
				written += int(r)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // wait until the socket is writable
			default:
				werr = c.opError("write", errno)
				return true
			}
		}
		return true
	})
	if err != nil {
		return written, c.opError("write", err)
	}
	return written, werr
}
