package resp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"sync/atomic"
)

// encoding/json checks every MarshalJSON result against a nesting limit
// of 10,000, and a Value takes two JSON levels per RESP level (the node
// and its "items"), so a reply deeper than about 5,000 levels cannot pass
// through it — and Redis itself sends one of 7,995 (a Lua table that
// contains itself). Such a Value marshals to a placeholder string that
// holds a per-process random nonce (no reply can forge it); WriteJSON and
// EncodeJSON put the Value's own encoding in its place once encoding/json
// is done. Only --json output goes through them.

// spliceDepth is the RESP depth from which a Value is spliced: its JSON
// (2 levels per RESP level) plus the document around it stays under
// encoding/json's 10,000.
const spliceDepth = 4000

var (
	spliceOnce  sync.Once
	spliceNonce string
	spliceSeq   atomic.Uint64
	splices     sync.Map // placeholder → encoded JSON
)

func splicePrefix() string {
	spliceOnce.Do(func() {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		spliceNonce = "\x00luascope-deep-" + hex.EncodeToString(b) + "-"
	})
	return spliceNonce
}

// depthAtLeast reports whether v nests at least n aggregates deep. It
// recurses at most n levels and allocates nothing.
func depthAtLeast(v *Value, n int) bool {
	if len(v.Elems) == 0 && v.Attr == nil {
		return n <= 0
	}
	if n <= 1 {
		return true
	}
	if v.Attr != nil && depthAtLeast(v.Attr, n-1) {
		return true
	}
	for i := range v.Elems {
		if depthAtLeast(&v.Elems[i], n-1) {
			return true
		}
	}
	return false
}

// splice registers enc and returns the JSON string that stands for it.
func splice(enc []byte) []byte {
	key := splicePrefix() + strconv.FormatUint(spliceSeq.Add(1), 10)
	splices.Store(key, enc)
	// encoding/json writes the NUL as \u0000 in the document.
	return appendJSONString(nil, []byte(key))
}

// unsplice replaces the placeholders in an encoded document by the
// encodings they stand for.
func unsplice(doc []byte) []byte {
	if spliceSeq.Load() == 0 {
		return doc
	}
	marker := []byte(`"\u0000luascope-deep-`)
	if !bytes.Contains(doc, marker) {
		return doc
	}
	var out []byte
	for {
		i := bytes.Index(doc, marker)
		if i < 0 {
			return append(out, doc...)
		}
		end := bytes.IndexByte(doc[i+len(marker):], '"')
		if end < 0 {
			return append(out, doc...)
		}
		end += i + len(marker)
		key := "\x00" + string(doc[i+len(`"\u0000`):end])
		enc, ok := splices.LoadAndDelete(key)
		if !ok {
			out = append(out, doc[:end+1]...)
			doc = doc[end+1:]
			continue
		}
		out = append(out, doc[:i]...)
		out = append(out, enc.([]byte)...)
		doc = doc[end+1:]
	}
}
