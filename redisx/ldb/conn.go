package ldb

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"luascope/redisx"
	"luascope/redisx/resp"
)

const (
	// maxArg and maxArgs are the debugger's own limits (its command parser
	// in eval.c); the regular command parser has none of them.
	maxArg  = 1024
	maxArgs = 1024
	// maxCommand is the debugger's input buffer: past 1 MiB it aborts the
	// script with "max client buffer reached".
	maxCommand = 1 << 20

	defaultDialTimeout = 5 * time.Second
)

// dial connects to addr the way the target says (TCP or unix, TLS), so
// that the debugging connection is a plain net.Conn whose reads we own.
func dial(ctx context.Context, t redisx.Target) (net.Conn, error) {
	network := t.Network
	if network == "" {
		network = "tcp"
	}
	timeout := t.DialTimeout
	if timeout <= 0 {
		timeout = defaultDialTimeout
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, network, t.Addr)
	if err != nil {
		return nil, err
	}
	if !t.TLS.Enabled {
		return conn, nil
	}
	cfg, err := t.TLS.Config(t.Addr)
	if err != nil {
		conn.Close()
		return nil, err
	}
	tc := tls.Client(conn, cfg)
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// encode writes a command as a RESP array of bulk strings, the only form
// the debugger's parser accepts.
func encode(dst []byte, args []string) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// checkArgs refuses a debugger command the server would answer with a
// protocol error, since that error aborts the script being debugged.
func checkArgs(args []string) error {
	if len(args) > maxArgs {
		return fmt.Errorf("%w: %d arguments, at most %d", ErrBadArgument, len(args), maxArgs)
	}
	size := 0
	for i, a := range args {
		switch {
		case a == "":
			return fmt.Errorf("%w: argument %d is empty", ErrBadArgument, i+1)
		case len(a) > maxArg:
			return fmt.Errorf("%w: argument %d is %d bytes, at most %d", ErrBadArgument, i+1, len(a), maxArg)
		}
		size += len(a) + 16
	}
	if size > maxCommand {
		return fmt.Errorf("%w: the command is about %d bytes, at most %d", ErrBadArgument, size, maxCommand)
	}
	return nil
}

// watch makes ctx govern the connection's reads and writes: when ctx is
// done (cancelled or past its deadline) the connection's deadline is set
// in the past, which unblocks a read or write at once. Only that sets a
// deadline, so a timeout on the connection always means ctx is done (a
// deadline copied from ctx could fire a little before ctx reports it).
// The returned function undoes the watch and returns only once the
// callback can no longer run, so a late callback never cuts the next
// round trip short.
func watch(ctx context.Context, conn net.Conn) (stop func()) {
	_ = conn.SetDeadline(time.Time{})
	done := make(chan struct{})
	unregister := context.AfterFunc(ctx, func() {
		defer close(done)
		_ = conn.SetDeadline(time.Unix(1, 0))
	})
	return func() {
		if !unregister() {
			<-done
		}
	}
}

// handshake authenticates and selects the database on a fresh connection,
// one command at a time. RESP3 is asked for only when the target wants it
// (HELLO 3, with AUTH inline); RESP2 is what a new connection speaks, and
// not sending HELLO keeps servers older than 6 usable.
func handshake(conn net.Conn, rd *resp.Reader, t redisx.Target) error {
	var cmds [][]string
	pass := t.Password.Reveal()
	if t.Protocol == 3 {
		hello := []string{"HELLO", "3"}
		if pass != "" {
			user := t.Username
			if user == "" {
				user = "default"
			}
			hello = append(hello, "AUTH", user, pass)
		}
		cmds = append(cmds, hello)
	} else if pass != "" {
		if t.Username != "" {
			cmds = append(cmds, []string{"AUTH", t.Username, pass})
		} else {
			cmds = append(cmds, []string{"AUTH", pass})
		}
	}
	if t.DB != 0 {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(t.DB)})
	}
	for _, c := range cmds {
		name := c[0]
		if _, err := do(conn, rd, name, c); err != nil {
			return err
		}
	}
	return nil
}

// do sends one ordinary command and reads its reply, turning an error
// reply into a *ReplyError named after the command.
func do(conn net.Conn, rd *resp.Reader, name string, args []string) (resp.Value, error) {
	if _, err := conn.Write(encode(nil, args)); err != nil {
		return resp.Value{}, fmt.Errorf("ldb: send %s: %w", name, err)
	}
	v, err := rd.Read()
	if err != nil {
		return resp.Value{}, fmt.Errorf("ldb: read reply to %s: %w", name, err)
	}
	if v.Kind == resp.Error {
		return v, &ReplyError{Cmd: name, Reply: v}
	}
	return v, nil
}
