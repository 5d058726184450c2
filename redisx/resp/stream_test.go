package resp

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// Long strings are escaped a chunk at a time when streamed: cut between
// runes, the output must be the bytes of escaping the whole at once.
func TestStreamedLongStringsMatchWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	pieces := []string{"x", "é", "€", "😀", "\u202e", "\x00", "\x7f", "\xff", "\xe2\x82", "\x80\x80", "\"", "\\", "\n"}
	var inputs [][]byte
	for _, n := range []int{textChunk - 3, textChunk + 1, jsonChunk - 1, jsonChunk + 2, 3*jsonChunk + 5} {
		for _, p := range pieces {
			inputs = append(inputs, []byte(strings.Repeat("a", n%7)+strings.Repeat(p, n/len(p)+1)))
		}
		var mixed []byte
		for len(mixed) < n {
			mixed = append(mixed, pieces[rng.IntN(len(pieces))]...)
		}
		inputs = append(inputs, mixed, bytes.ReplaceAll(mixed, []byte("\xff"), []byte("y")))
	}
	for _, in := range inputs {
		for _, v := range []Value{{Kind: Bulk, Str: in}, {Kind: Error, Str: in}, {Kind: Verbatim, Format: "txt", Str: in}} {
			var text bytes.Buffer
			if err := WriteText(&text, v); err != nil {
				t.Fatal(err)
			}
			if text.String() != Text(v)+"\n" {
				t.Fatalf("WriteText of %d bytes differs from Text", len(in))
			}
			var want, got bytes.Buffer
			doc := struct{ R *Value }{&v}
			if err := WriteJSON(&want, doc); err != nil {
				t.Fatal(err)
			}
			var js JSONStream
			if err := js.WriteJSON(&got, struct{ R *Value }{js.Ref(&v)}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("streamed JSON of %d bytes differs", len(in))
			}
		}
	}
}
