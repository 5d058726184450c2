package main

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"luascope/redisx"
)

// The cluster row's input must reach every primary in equal shares with
// redis-benchmark's key shape, or the row compares different work.
func TestClusterBatchInput(t *testing.T) {
	for _, n := range []int{1, 3, 4} {
		tags := primaryTags(n)
		for i, tag := range tags {
			slot := redisx.KeySlot(tag)
			if len(tag) != 3 || slot < i*16384/n || slot >= (i+1)*16384/n {
				t.Fatalf("%d primaries: tag %q (slot %d) is not primary %d's", n, tag, slot, i)
			}
		}
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	clusterBatchInput(w, 30000, primaryTags(3))
	w.Flush()
	per := make([]int, 3)
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		key, rest, _ := strings.Cut(line, " ")
		if len(key) != 22 || rest != ", 1" {
			t.Fatalf("line %q: want a 22-byte key and \", 1\"", line)
		}
		per[redisx.KeySlot(key)*3/16384]++
	}
	for i, c := range per {
		if c < 9000 || c > 11000 {
			t.Errorf("primary %d got %d of 30000 lines: %v", i, c, per)
		}
	}
}
