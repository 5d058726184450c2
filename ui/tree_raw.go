package ui

import (
	"bytes"

	"luascope/redisx/resp"
)

// rawIndex is a reply's exact wire form (resp.Encode) cut into lines at
// each "\r\n", kept as offsets so that only the visible lines are escaped
// and drawn. It is built on the first switch to the raw view and kept with
// the reply.
type rawIndex struct {
	wire   []byte
	starts []int // start of each line; the line ends where the next starts
}

func newRawIndex(v *resp.Value) *rawIndex {
	wire := resp.Encode(nil, *v)
	r := &rawIndex{wire: wire, starts: make([]int, 0, bytes.Count(wire, []byte("\r\n"))+1)}
	for off := 0; off < len(wire); {
		r.starts = append(r.starts, off)
		i := bytes.Index(wire[off:], []byte("\r\n"))
		if i < 0 {
			break
		}
		off += i + 2
	}
	return r
}

// lines is the number of wire lines.
func (r *rawIndex) lines() int { return len(r.starts) }

// line returns line i without its "\r\n" and whether it had one.
func (r *rawIndex) line(i int) ([]byte, bool) {
	end := len(r.wire)
	if i+1 < len(r.starts) {
		end = r.starts[i+1]
	}
	l := r.wire[r.starts[i]:end]
	if bytes.HasSuffix(l, []byte("\r\n")) {
		return l[:len(l)-2], true
	}
	return l, false
}
