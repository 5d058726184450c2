package resp

import (
	"bytes"
	"errors"
	"io"
	"strconv"
)

// Decoder decodes one reply that is written to it as wire bytes, in any
// pieces: it is the io.Writer (and io.ReaderFrom) a client that frames
// replies itself, such as go-redis's DoRawWriteTo, streams a reply into.
// It gives the same Value as Parse, built with as little memory as the
// reply allows:
//
//   - the bytes are kept once, in one buffer: a bulk string's header
//     reserves room for its whole payload, which is then read straight
//     into place (ReadFrom), never regrown;
//   - every element of every aggregate lives in one []Value slab,
//     allocated once the reply is complete, so its size is the number of
//     elements that actually arrived, whatever the headers announced;
//   - scalars' Str fields alias the buffer (as with Parse).
//
// The bytes it is written must already have passed a Guard (the
// connection's): a blob header reserves what it announces, up to the
// guard's MaxBulk. The zero Decoder is ready to use.
type Decoder struct {
	wire  []byte
	pos   int     // wire[:pos] is framed
	need  int     // payload bytes (CRLF included) of the current blob still to come
	stack []int64 // values still expected by each open aggregate
	elems int     // elements of all aggregates so far: the slab's size
	done  bool    // one whole value is framed
	err   error   // sticky
}

// decoderStart is the first buffer's size: a typical reply fits.
const decoderStart = 512

// Write appends wire bytes of the reply. It fails, and keeps failing,
// once the bytes cannot be RESP or go on after the reply has ended.
func (d *Decoder) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.done && len(p) > 0 {
		return 0, d.fail(len(d.wire), "bytes after the end of the reply")
	}
	d.reserve(len(p))
	d.wire = append(d.wire, p...)
	if err := d.advance(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ReadFrom reads wire bytes from r until io.EOF. A blob's payload is read
// directly into the room its header reserved.
func (d *Decoder) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	for {
		if d.err != nil {
			return total, d.err
		}
		want := decoderStart
		if d.need > 0 {
			want = d.need
		}
		if lr, ok := r.(*io.LimitedReader); ok && lr.N < int64(want) {
			want = int(max(lr.N, 1))
		}
		d.reserve(want)
		free := d.wire[len(d.wire):cap(d.wire)]
		if d.need > 0 && len(free) > d.need {
			free = free[:d.need]
		}
		n, err := r.Read(free)
		if n > 0 {
			if d.done {
				return total, d.fail(len(d.wire), "bytes after the end of the reply")
			}
			d.wire = d.wire[:len(d.wire)+n]
			total += int64(n)
			if aerr := d.advance(); aerr != nil {
				return total, aerr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// reserve makes room for n more bytes: exactly what a large blob
// announced, or by doubling for lines.
func (d *Decoder) reserve(n int) {
	if cap(d.wire)-len(d.wire) >= n {
		return
	}
	c := max(2*cap(d.wire), len(d.wire)+n, decoderStart)
	if n > cap(d.wire) {
		// A blob larger than everything so far: room for it and the
		// lines that may follow, not twice as much.
		c = len(d.wire) + n + decoderStart
	}
	w := make([]byte, len(d.wire), c)
	copy(w, d.wire)
	d.wire = w
}

// Done reports whether a whole reply has been written.
func (d *Decoder) Done() bool { return d.done && d.err == nil }

// Len is the number of bytes written so far.
func (d *Decoder) Len() int { return len(d.wire) }

// Value decodes the reply. It returns ErrIncomplete until the whole reply
// has been written, and the *ProtocolError when it is not RESP. The Value
// aliases the Decoder's buffer, which the Decoder never writes again:
// start a new Decoder (or Reset) for the next reply.
func (d *Decoder) Value() (Value, error) {
	if d.err != nil {
		return Value{}, d.err
	}
	if !d.done {
		return Value{}, ErrIncomplete
	}
	p := parser{b: d.wire, slab: make([]Value, d.elems), slabbed: true}
	var v Value
	err := p.value(&v, 0)
	if err == nil && p.pos != len(d.wire) {
		err = &ProtocolError{Offset: p.pos, Msg: "value ends before its framing does"}
	}
	if errors.Is(err, ErrIncomplete) {
		err = &ProtocolError{Offset: len(d.wire), Msg: "value continues after its framing ends"}
	}
	if err != nil {
		d.err = err
		return Value{}, err
	}
	return v, nil
}

// Reset forgets the reply, keeping nothing: values already returned keep
// their buffer.
func (d *Decoder) Reset() { *d = Decoder{stack: d.stack[:0]} }

func (d *Decoder) fail(off int, msg string) error {
	d.err = &ProtocolError{Offset: off, Msg: msg}
	return d.err
}

// advance frames the bytes from pos on: it skips blob payloads, reads
// headers, and counts values and elements, as Reader.scan does.
func (d *Decoder) advance() error {
	b := d.wire
	for d.pos < len(b) {
		if d.done {
			return d.fail(d.pos, "bytes after the end of the reply")
		}
		if d.need > 0 {
			k := min(d.need, len(b)-d.pos)
			d.pos += k
			d.need -= k
			if d.need > 0 {
				return nil
			}
			// The parser checks the CRLF after the payload.
			d.closeValue()
			continue
		}
		start := d.pos
		i := bytes.IndexByte(b[start:], '\n')
		if i < 0 {
			return nil // the rest of the line is still to come
		}
		p := parser{b: b[:start+i+1], pos: start}
		switch t := b[start]; t {
		case '+', '-', ':', ',', '(', '#', '_':
			if i == 0 || b[start+i-1] != '\r' {
				return d.fail(start+i, "line not terminated by CRLF")
			}
			d.pos = start + i + 1
			d.closeValue()
		case '$', '!', '=':
			n, err := p.length()
			if err != nil {
				return d.failErr(err)
			}
			d.pos = p.pos
			if n == -1 && t == '$' {
				d.closeValue()
				continue
			}
			if n < 0 {
				return d.fail(start+1, "negative length")
			}
			d.need = n + 2
			if free := len(b) - d.pos; free < d.need {
				d.reserve(d.need - free)
				b = d.wire
			}
		case '*', '%', '~', '>', '|':
			n, err := p.length()
			if err != nil {
				return d.failErr(err)
			}
			d.pos = p.pos
			if n == -1 && t == '*' {
				d.closeValue()
				continue
			}
			if n < 0 {
				return d.fail(start+1, "negative length")
			}
			count, elems := int64(n), n
			switch t {
			case '%':
				count, elems = 2*int64(n), 2*n
			case '|':
				count, elems = 2*int64(n)+1, 2*n // the entries, then the value they annotate
			}
			if count == 0 {
				d.closeValue()
				continue
			}
			if len(d.stack)+1 > MaxDepth {
				return d.failErr(p.errDepth(start))
			}
			d.elems += elems
			d.stack = append(d.stack, count)
		default:
			return d.fail(start, "unknown type byte "+strconv.QuoteRune(rune(t)))
		}
	}
	return nil
}

// closeValue records that one value ended, closing the aggregates it
// completes; the reply is done when none is left open.
func (d *Decoder) closeValue() {
	for len(d.stack) > 0 {
		top := len(d.stack) - 1
		d.stack[top]--
		if d.stack[top] > 0 {
			return
		}
		d.stack = d.stack[:top]
	}
	d.done = true
}

func (d *Decoder) failErr(err error) error {
	if errors.Is(err, ErrIncomplete) {
		// A whole line was there: a number that ends badly.
		err = &ProtocolError{Offset: d.pos, Msg: "malformed header"}
	}
	d.err = err
	return err
}
