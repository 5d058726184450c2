package resp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Reader decodes replies one at a time from a stream such as a
// connection, with the same results as Parse. It buffers what it reads, so
// the stream should not be read by anyone else meanwhile.
//
// It first finds where a value ends, resuming where the last read stopped,
// and only then builds the tree; a large reply arriving in many small
// reads is therefore decoded in linear time, and memory grows only as
// bytes actually arrive, whatever the headers announce.
type Reader struct {
	rd      io.Reader
	buf     []byte // unread bytes; the next value starts at buf[0]
	off     int    // stream offset of buf[0], for ProtocolError.Offset
	sc      scanState
	err     error // sticky protocol error
	pending error // a read error that came along with data
}

// scanState is how far the framing of the next value has been checked.
type scanState struct {
	pos    int   // next token, relative to buf[0]
	lineTo int   // buf[pos:lineTo] holds no '\n'
	stack  []int // values still expected by each open aggregate
}

// errTruncated is the stream ending inside a value.
var errTruncated = fmt.Errorf("%w: %w", ErrIncomplete, io.ErrUnexpectedEOF)

const (
	readChunk = 64 << 10 // smallest buffer allocation
	minRead   = 4 << 10  // free space below which a fresh buffer is taken
)

// NewReader returns a Reader that decodes the replies in r.
func NewReader(r io.Reader) *Reader { return &Reader{rd: r} }

// Read returns the next value. At the end of the stream it returns io.EOF
// if no bytes of a value were read, and otherwise an error that matches
// both ErrIncomplete and io.ErrUnexpectedEOF. A *ProtocolError (Offset
// counted from the start of the stream) is final: every later Read returns
// it, since the stream cannot be resynchronised. Other read errors are
// returned as they are and Read may be called again.
//
// Values alias the Reader's buffers, which are never overwritten, so they
// stay valid after later Reads; a value kept for long keeps its buffer
// (64 KiB or more) alive, so copy what you keep from a small one.
func (r *Reader) Read() (Value, error) {
	if r.err != nil {
		return Value{}, r.err
	}
	for {
		end, err := r.scan()
		if err == nil {
			return r.decode(end)
		}
		if err != ErrIncomplete {
			return Value{}, r.fail(err)
		}
		if err := r.fill(); err != nil {
			if err == io.EOF {
				if len(r.buf) == 0 {
					return Value{}, io.EOF
				}
				return Value{}, errTruncated
			}
			return Value{}, err
		}
	}
}

func (r *Reader) decode(end int) (Value, error) {
	v, n, err := Parse(r.buf[:end])
	if err == nil && n != end {
		err = &ProtocolError{Offset: n, Msg: "value ends before its framing does"}
	}
	if err == ErrIncomplete {
		err = &ProtocolError{Offset: end, Msg: "value continues after its framing ends"}
	}
	if err != nil {
		return Value{}, r.fail(err)
	}
	r.buf = r.buf[end:]
	r.off += end
	r.sc.pos, r.sc.lineTo, r.sc.stack = 0, 0, r.sc.stack[:0]
	return v, nil
}

// fail makes a protocol error sticky, with the offset made absolute.
func (r *Reader) fail(err error) error {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		err = &ProtocolError{Offset: r.off + pe.Offset, Msg: pe.Msg}
	}
	r.err = err
	return err
}

// fill reads more bytes into buf. Bytes before buf[0] may be aliased by
// values already returned, so when space runs out the unread bytes move to
// a new array instead of to the front of the old one. The new array at
// least doubles the unread length, which keeps a long value linear.
func (r *Reader) fill() error {
	if r.pending != nil {
		err := r.pending
		r.pending = nil
		return err
	}
	if cap(r.buf)-len(r.buf) < minRead {
		nb := make([]byte, len(r.buf), max(readChunk, 2*len(r.buf)))
		copy(nb, r.buf)
		r.buf = nb
	}
	for range 100 {
		n, err := r.rd.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if n > 0 {
			r.pending = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// scan checks the framing of the value at buf[0] and returns its length,
// or ErrIncomplete when more bytes are needed (the state is kept, so the
// next call resumes), or the *ProtocolError Parse would return. It uses
// the parser for each token, so both accept exactly the same input.
func (r *Reader) scan() (int, error) {
	s := &r.sc
	b := r.buf
	for {
		if s.pos >= len(b) {
			return 0, ErrIncomplete
		}
		start := s.pos
		t := b[start]
		switch t {
		case '+', '-', ',', '(', '#', '_':
			// Wait for the whole line before parsing it, remembering how
			// far it was searched, so a long line is searched once.
			from := max(start, s.lineTo)
			if bytes.IndexByte(b[from:], '\n') < 0 {
				s.lineTo = len(b)
				return 0, ErrIncomplete
			}
		}
		p := parser{b: b, pos: start}
		switch t {
		case '*', '%', '~', '>', '|':
			n, err := p.length()
			if err != nil {
				return 0, err
			}
			if n == -1 && t == '*' {
				break // null array
			}
			if n < 0 {
				return 0, p.errAt(start+1, "negative length")
			}
			count := n
			switch t {
			case '%':
				count = 2 * n
			case '|':
				count = 2*n + 1 // the entries, then the value they annotate
			}
			if count == 0 {
				break // empty aggregate
			}
			if len(s.stack)+1 > MaxDepth {
				return 0, p.errDepth(start)
			}
			s.stack = append(s.stack, count)
			s.pos, s.lineTo = p.pos, p.pos
			continue
		default:
			var v Value
			if err := p.value(&v, 0); err != nil {
				return 0, err
			}
		}
		s.pos, s.lineTo = p.pos, p.pos
		// One value is complete; close the aggregates it completes.
		for {
			if len(s.stack) == 0 {
				return s.pos, nil
			}
			top := len(s.stack) - 1
			s.stack[top]--
			if s.stack[top] > 0 {
				break
			}
			s.stack = s.stack[:top]
		}
	}
}
