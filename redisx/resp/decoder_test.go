package resp

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// decodeIn feeds wire to a Decoder the way go-redis's DoRawWriteTo does
// (Write for lines, ReadFrom of a LimitedReader for payloads), cut into
// pieces at the given random points, and returns the value.
func decodeIn(wire []byte, rng *rand.Rand) (Value, error) {
	var d Decoder
	for len(wire) > 0 {
		k := 1 + rng.IntN(len(wire))
		if rng.IntN(3) == 0 {
			k = 1
		}
		var err error
		if rng.IntN(2) == 0 {
			_, err = d.Write(wire[:k])
		} else {
			_, err = d.ReadFrom(&io.LimitedReader{R: bytes.NewReader(wire[:k]), N: int64(k)})
		}
		if err != nil {
			return Value{}, err
		}
		wire = wire[k:]
	}
	return d.Value()
}

func TestDecoderMatchesParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := []string{string(intArrayWire(1000)), string(bulkArrayWire(1000)), string(Encode(nil, bulk(string(allBytes()))))}
	for _, tc := range validCases {
		inputs = append(inputs, tc.in)
	}
	for _, in := range inputs {
		want, n, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		for range 20 {
			got, err := decodeIn([]byte(in[:n]), rng)
			if err != nil || !got.Equal(want) {
				t.Fatalf("Decoder(%q) = %v, %v; Parse gave %v", in[:n], got, err, want)
			}
		}
	}
}

func TestDecoderMalformedAndIncomplete(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, in := range []string{
		"x\r\n", "*2\r\n:1\r\n?\r\n", "+OK\n", "+O\nK\r\n", ":12a\r\n", "$abc\r\n", "$-2\r\n", "$3\r\nabcXY",
		"$3\nabc\r\n", "*-5\r\n", "%-1\r\n", "=3\r\nabc\r\n", ",1.2.3\r\n", "*1\r\n*1\r\n:x\r\n",
		"", "+OK", "$3\r\nab", "*2\r\n:1\r\n", "*2147483647\r\n:1\r\n", "|1\r\n+a\r\n+b\r\n",
	} {
		_, _, perr := Parse([]byte(in))
		_, derr := decodeIn([]byte(in), rng)
		var pe, de *ProtocolError
		switch {
		case errors.As(perr, &pe):
			if !errors.As(derr, &de) && !errors.Is(derr, ErrIncomplete) {
				t.Errorf("%q: Parse %v, Decoder %v", in, perr, derr)
			}
			if de != nil && de.Offset != pe.Offset {
				t.Errorf("%q: Parse offset %d, Decoder %d (%v)", in, pe.Offset, de.Offset, de)
			}
		case errors.Is(perr, ErrIncomplete):
			if !errors.Is(derr, ErrIncomplete) {
				t.Errorf("%q: Parse incomplete, Decoder %v", in, derr)
			}
		}
	}
}

func TestDecoderRefusesBytesAfterTheReply(t *testing.T) {
	var d Decoder
	if _, err := d.Write([]byte("+OK\r\n")); err != nil || !d.Done() {
		t.Fatalf("err %v, done %v", err, d.Done())
	}
	if _, err := d.Write([]byte(":1\r\n")); err == nil {
		t.Fatal("a second reply was accepted")
	}
	if _, err := d.Value(); err == nil {
		t.Fatal("Value after an error")
	}
}

func TestDecoderDepthBomb(t *testing.T) {
	var d Decoder
	_, err := d.Write([]byte(strings.Repeat("*1\r\n", MaxDepth+1)))
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a ProtocolError", err)
	}
}

// A 1M-element array becomes one slab of Values and one buffer; a bulk
// string's buffer is allocated once, at the size its header announced.
func TestDecoderAllocations(t *testing.T) {
	wire := intArrayWire(1 << 20)
	allocs := testing.AllocsPerRun(3, func() {
		var d Decoder
		for b := wire; len(b) > 0; {
			k := min(len(b), 4096)
			_, _ = d.Write(b[:k])
			b = b[k:]
		}
		if v, err := d.Value(); err != nil || len(v.Elems) != 1<<20 {
			t.Fatal(err)
		}
	})
	// The buffer doubles from 512 bytes to 11 MB (~15 times), the stack
	// and the slab once.
	if allocs > 25 {
		t.Errorf("%v allocations for a 1M-element array", allocs)
	}
	payload := bytes.Repeat([]byte{'x'}, 10<<20)
	bulkWire := Encode(nil, Value{Kind: Bulk, Str: payload})
	var d Decoder
	hdr := bytes.IndexByte(bulkWire, '\n') + 1
	_, _ = d.Write(bulkWire[:hdr])
	c := cap(d.wire)
	if c < len(bulkWire) || c > len(bulkWire)+2*decoderStart {
		t.Errorf("header reserved %d bytes for a %d-byte reply", c, len(bulkWire))
	}
	_, _ = d.ReadFrom(&io.LimitedReader{R: bytes.NewReader(bulkWire[hdr:]), N: int64(len(bulkWire) - hdr)})
	if cap(d.wire) != c {
		t.Errorf("buffer regrown: %d → %d", c, cap(d.wire))
	}
	if v, err := d.Value(); err != nil || !bytes.Equal(v.Str, payload) {
		t.Fatalf("bulk: %v", err)
	}
}
