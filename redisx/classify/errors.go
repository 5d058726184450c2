package classify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/resp"
)

// ErrHandshakeTimeout is wrapped by a connection's handshake that got no
// answer in time (redisx.ErrHandshakeTimeout is this error). It lives here
// so that its hint (nothing was sent) follows the error, not its wording.
var ErrHandshakeTimeout = errors.New("timed out during the handshake")

// ClassifyError classifies an error returned by go-redis (or wrapped
// around one). A reply error (redis.Error) is classified by its text, as
// Classify does; timeouts (net.Error with Timeout(), os.ErrDeadlineExceeded,
// context.DeadlineExceeded) are class timeout, and failures to reach the
// server or keep the connection (refused, reset, EOF, closed, dial, DNS,
// TLS) are class connection, both with source client. A nil error gives
// the zero Classification.
func ClassifyError(err error) Classification {
	if err == nil {
		return Classification{}
	}
	// A reply from the server, however deeply wrapped: classify its own
	// text, not the wrapping.
	var rerr redis.Error
	if errors.As(err, &rerr) {
		if errors.Is(err, redis.Nil) {
			return finish(Classification{Class: Unknown, Source: SourceClient, Message: rerr.Error()}, "nil")
		}
		return Classify(rerr.Error())
	}
	msg := err.Error()
	client := func(cls Class) Classification {
		return finish(Classification{Class: cls, Source: SourceClient, Message: msg}, "")
	}
	if isTimeout(err) {
		if errors.Is(err, ErrHandshakeTimeout) {
			// Nothing was sent yet: the generic timeout hint (the script may
			// still run) would mislead.
			return finish(Classification{Class: Timeout, Source: SourceClient, Message: msg}, "handshake")
		}
		return client(Timeout)
	}
	var pe *resp.ProtocolError
	if errors.As(err, &pe) {
		// Bytes that are not RESP, or a header that lies about its size:
		// the connection cannot be trusted past them.
		return finish(Classification{Class: Connection, Source: SourceClient, Message: msg}, "protocol")
	}
	if isConnection(err) {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			// Nothing reached the server: say so, the script did not run.
			return finish(Classification{Class: Connection, Source: SourceClient, Message: msg}, "dial")
		}
		return client(Connection)
	}
	c := Classify(msg)
	if c.Class == Unknown || c.Class == Script {
		// Not a server reply, and a plain Go error is nobody's script: the
		// fallback that makes an unknown word the script's own does not
		// apply here.
		if cls, ok := clientFailure(strings.ToLower(msg), ""); ok {
			return client(cls)
		}
		// A first capitalised word here is luascope's own context (the
		// command it sent: "SCRIPT EXISTS on host:port: unexpected reply"),
		// not an error code: node replies come wrapped as redis.Error
		// (redisx.ReplyErr), classified above by their own text.
		if c.Class == Script && c.SHA == "" && c.Line == 0 {
			return finish(Classification{Class: Unknown, Source: SourceClient, Message: msg}, "")
		}
	}
	return c
}

// isTimeout reports errors that mean "no reply in time".
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, context.Canceled) || errors.Is(err, redis.ErrPoolTimeout) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isConnection reports errors that mean the connection could not be made
// or broke.
func isConnection(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, redis.ErrClosed) || errors.Is(err, redis.ErrPoolExhausted) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var (
		opErr   *net.OpError
		dnsErr  *net.DNSError
		addrErr *net.AddrError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.As(err, &addrErr) ||
		errors.As(err, &recErr) || errors.As(err, &alert) || errors.As(err, &verify) ||
		errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}
