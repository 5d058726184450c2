package batch

import (
	"context"
	"io"
	"strconv"
	"testing"

	"luascope/redisx"
)

// BenchmarkReader is the reader's share of a batch's CPU, without a
// server: one input line per op ("key:N , 1", as bench-cli's), read,
// split, routed and encoded into chunks, which a stand-in for the lanes
// takes and settles at once. The input is a reader that may wait, as a
// pipe (not a file: see neverWaits), so a short chunk is sent at each
// 64 KB. On bench-cli's 50-connection row the reader
// was a third of the client's CPU (perf), all of it taken from the
// server's share of the two cores.
func BenchmarkReader(b *testing.B) {
	script := redisx.NewScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
	bt := &batch{
		opt: Options{Pipeline: 64, Connections: 1}, script: script, ctx: context.Background(),
		workers: map[string]*node{}, done: make(chan struct{}), counts: map[Outcome]int{},
		nodes: map[string]*NodeStats{}, addrs: []string{""}, addrIdx: map[string]int{"": 0},
		space: make(chan struct{}, 1), seed: "bench", shaCmd: "EVALSHA",
	}
	bt.shaHead = appendBulk(appendBulk(nil, "EVALSHA"), script.SHA)
	n := &node{addr: "bench", inbox: make(chan *chunk, 2+4*inboxSlack), wake: make(chan struct{}, 1)}
	bt.budget.Add(int32(2 + inboxSlack))
	bt.workers["bench"] = n
	go func() {
		for ch := range n.inbox {
			bt.dequeued()
			k := len(ch.lines)
			bt.mu.Lock()
			bt.pending -= k
			bt.counts[OK] += k
			bt.checkDoneLocked()
			bt.mu.Unlock()
			bt.settled(ch, k)
		}
	}()
	in := &benchLines{n: b.N}
	b.SetBytes(int64(len("key:000000012345 , 1\n")))
	b.ReportAllocs()
	b.ResetTimer()
	bt.readInput(in)
	<-bt.done
	b.StopTimer()
	close(n.inbox)
	if bt.counts[OK] != b.N {
		b.Fatalf("%d lines settled, want %d", bt.counts[OK], b.N)
	}
}

// BenchInput gives n of bench-cli's input lines (benchLines), for the
// package's benchmarks that run a batch on a server (bench_test.go): one
// generator of them.
func BenchInput(n int) io.Reader { return &benchLines{n: n} }

// benchLines gives n of bench-cli's input lines, "key:%012d , 1",
// from a block of them made once, so that the reader, not the
// generator, is what the benchmark measures.
type benchLines struct {
	n, i  int // lines to give, lines given
	block []byte
	pos   int // the next byte of block to give
}

// benchBlockLines is how many lines the block holds; each is 21 bytes.
const benchBlockLines = 4096

func (g *benchLines) Read(p []byte) (int, error) {
	if g.block == nil {
		for k := range benchBlockLines {
			num := strconv.Itoa(k * 24 % 100000)
			g.block = append(g.block, "key:"...)
			for range 12 - len(num) {
				g.block = append(g.block, '0')
			}
			g.block = append(append(g.block, num...), " , 1\n"...)
		}
	}
	const lineLen = 21
	written := 0
	for written < len(p) && g.i < g.n {
		// Up to the block's end and the n-th line's; a read may end
		// inside a line, as a file's do.
		k := min(len(p)-written, len(g.block)-g.pos, (g.n-g.i)*lineLen-g.pos%lineLen)
		copy(p[written:], g.block[g.pos:g.pos+k])
		before := g.pos / lineLen
		g.pos += k
		g.i += g.pos/lineLen - before
		written += k
		if g.pos == len(g.block) {
			g.pos = 0
		}
	}
	if written == 0 {
		return 0, io.EOF
	}
	return written, nil
}
