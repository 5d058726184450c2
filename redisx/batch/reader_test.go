package batch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"luascope/redisx"
)

// splitWordsCases are lines for the reader's splitWords, which must read
// every line as ParseLine does.
var splitWordsCases = []string{
	"", "   \t", "\r", "\r\n", "# comment , x", "  # indented comment", "\t#c",
	"k1 , 5", "k1 k2\t,  a b\r", "k1 k2", ", a", ",", ",,", ", ,", "k , a , b", "k,a , b",
	"a\tb\t,\tc", "k\r , 1", "k , 1\r\r", "  k  ,  1  ", "#", "k # , 1", "\x00 , \xff",
	`"a key" , "x,y" ","`, `"bin\x00\xff" , "line\nbreak" "q\"uote" "back\\slash"`,
	`k , "unterminated`, `"a"b , 1`, `"bad\q" , 1`, `k#1 a\x00`, `{tag}a {tag}b , 1`,
}

// TestBatchSplitWords: the reader's splitter gives ParseLine's keys,
// arguments and verdicts, on the cases above and on random lines of the
// characters that matter.
func TestBatchSplitWords(t *testing.T) {
	lines := append([]string(nil), splitWordsCases...)
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{' ', '\t', ',', '#', '"', '\\', '\r', 'k', 'x', '1'}
	for range 5000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		lines = append(lines, string(b))
	}
	for _, line := range lines {
		keys, args, call, err := ParseLine(line)
		words, sep, call2, err2 := splitWords([]byte(line), nil)
		if call != call2 || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("%q: splitWords call %v err %v, ParseLine call %v err %v", line, call2, err2, call, err)
		}
		if !call || err != nil {
			continue
		}
		var keys2, args2 []string
		for _, w := range words[:sep] {
			keys2 = append(keys2, string(w))
		}
		for _, w := range words[sep:] {
			args2 = append(args2, string(w))
		}
		if fmt.Sprintf("%q", keys2) != fmt.Sprintf("%q", nonNil(keys)) || fmt.Sprintf("%q", args2) != fmt.Sprintf("%q", nonNil(args)) {
			t.Fatalf("%q: splitWords keys %q args %q, ParseLine %q %q", line, keys2, args2, keys, args)
		}
	}
}

func nonNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestBatchReadLine: lines come back without their newline, a line
// longer than the reader's buffer whole, a line longer than MaxLine as
// tooLong (and the next line intact), the last line without a newline
// with io.EOF.
func TestBatchReadLine(t *testing.T) {
	long := strings.Repeat("k", 100<<10)
	huge := strings.Repeat("x", MaxLine+10)
	in := "a , 1\n" + long + " , 2\n" + huge + "\n" + huge + "y\nb , 3\nlast"
	br := bufio.NewReaderSize(strings.NewReader(in), 64<<10)
	var buf []byte
	type got struct {
		line    string
		tooLong bool
		err     error
	}
	want := []got{{"a , 1", false, nil}, {long + " , 2", false, nil}, {"", true, nil}, {"", true, nil}, {"b , 3", false, nil}, {"last", false, io.EOF}, {"", false, io.EOF}}
	for i, w := range want {
		line, tooLong, err := readLine(br, &buf)
		if string(line) != w.line || tooLong != w.tooLong || err != w.err {
			t.Fatalf("line %d: %.20q (%d bytes) tooLong %v err %v; want %.20q tooLong %v err %v", i+1, line, len(line), tooLong, err, w.line, w.tooLong, w.err)
		}
	}
	n, err := CountCalls(strings.NewReader(in))
	if err != nil || n != 6 {
		t.Fatalf("CountCalls = %d, %v; want 6 (the lines too long count: they end invalid)", n, err)
	}
	// The limit is the line's, whatever ends it: "\n", "\r\n" or the end
	// of the input.
	exact, over := strings.Repeat("x", MaxLine), strings.Repeat("x", MaxLine+1)
	for _, c := range []struct {
		in      string
		tooLong bool
	}{{exact + "\n", false}, {exact + "\r\n", false}, {exact, false}, {over + "\n", true}, {over + "\r\n", true}, {over, true}} {
		line, tooLong, _ := readLine(bufio.NewReaderSize(strings.NewReader(c.in), 64<<10), &buf)
		if tooLong != c.tooLong || !tooLong && strings.TrimSuffix(string(line), "\r") != exact {
			t.Errorf("a line of %d bytes ending %q: tooLong %v (want %v), %d bytes kept", len(strings.TrimRight(c.in, "\r\n")),
				c.in[len(strings.TrimRight(c.in, "\r\n")):], tooLong, c.tooLong, len(line))
		}
	}
}

// TestBatchRouteRuns: the reader's copy of the slot table (runs searched
// by binary search) routes every slot as route does, and follows a
// MOVED the batch learns.
func TestBatchRouteRuns(t *testing.T) {
	b := &batch{cluster: true, seed: "seed:1", moved: map[int]string{}, addrs: []string{""}, addrIdx: map[string]int{"": 0}}
	topo := &redisx.Topology{}
	b.setTopologyLocked(topo) // nothing known: every slot goes to the seed
	rd := &chunker{b: b}
	check := func(when string) {
		t.Helper()
		for slot := -1; slot < redisx.SlotCount; slot++ {
			l := &bline{slot: slot}
			if got, want := b.addrOf(rd.routeIdx(slot)), b.route(l); got != want {
				t.Fatalf("%s: slot %d routed to %q, route says %q", when, slot, got, want)
			}
		}
	}
	check("empty")
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		slot := r.IntN(redisx.SlotCount)
		b.learn(slot, fmt.Sprintf("n%d:1", r.IntN(5)))
		if i%20 == 0 {
			check(fmt.Sprintf("after %d MOVED", i+1))
		}
	}
	check("at the end")
	if got := b.addrOf(rd.routeIdx(0)); got != b.route(&bline{slot: 0}) {
		t.Fatalf("slot 0: %q", got)
	}
}

// TestBatchKeySlot: the reader's slicing-by-8 key slot is redisx.KeySlot,
// hash tags included, for keys of every length up to 40 bytes.
func TestBatchKeySlot(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	keys := []string{"", "a", "{", "}", "{}", "{}x", "a{b}c", "{a}{b}", "x{}{y}", "key:{tag}:000000012345", "123456789", "key:000000068748"}
	alphabet := []byte("ab{}\x00\xff:")
	for range 20000 {
		b := make([]byte, r.IntN(41))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[i] = byte(r.IntN(256))
			}
		}
		keys = append(keys, string(b))
	}
	for _, k := range keys {
		if got, want := keySlot([]byte(k)), redisx.KeySlot(k); got != want {
			t.Fatalf("keySlot(%q) = %d, redisx.KeySlot says %d", k, got, want)
		}
	}
	if keySlot([]byte("123456789")) != 0x31C3%redisx.SlotCount {
		t.Fatal("the XModem check value of 123456789 is 0x31C3")
	}
}

// refCall is a call's RESP as the batch wrote it before the reader
// encoded calls itself: ASKING first when asked, then head (EVALSHA or
// EVAL with its argument), numkeys, the keys and the arguments.
func refCall(asking bool, cmd, arg string, keys, args []string) string {
	var b strings.Builder
	if asking {
		b.WriteString("*1\r\n$6\r\nASKING\r\n")
	}
	bulk := func(s string) { fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(s), s) }
	fmt.Fprintf(&b, "*%d\r\n", 3+len(keys)+len(args))
	bulk(cmd)
	bulk(arg)
	bulk(fmt.Sprint(len(keys)))
	for _, k := range keys {
		bulk(k)
	}
	for _, a := range args {
		bulk(a)
	}
	return b.String()
}

// TestBatchEncoding: the bytes of a pipeline are each line's keys and
// arguments byte for byte, whatever the number of words and their
// lengths (one- to several-digit headers), in chunks split and mixed as
// lanes take them, with EVAL after NOSCRIPT, ASKING after ASK, and under
// the eval strategy.
func TestBatchEncoding(t *testing.T) {
	script := redisx.NewScript("return 1")
	r := rand.New(rand.NewPCG(7, 8))
	var lines []string
	for range 300 {
		var words []string
		for range r.IntN(14) {
			n := []int{0, 1, 9, 10, 99, 100, 1000}[r.IntN(7)]
			w := make([]byte, n)
			for i := range w {
				w[i] = "ab{}\x00\xff\"\\"[r.IntN(8)]
			}
			words = append(words, fmt.Sprintf("%q", w))
		}
		if r.IntN(3) > 0 {
			at := r.IntN(len(words) + 1)
			words = append(words[:at], append([]string{","}, words[at:]...)...)
		}
		if len(words) == 0 {
			words = []string{"k"}
		}
		lines = append(lines, strings.Join(words, " "))
	}
	for _, strategy := range []redisx.Strategy{redisx.EvalshaLoad, redisx.EvalOnly} {
		b := &batch{opt: Options{Pipeline: 7, Strategy: strategy}}
		b.evalHead = appendBulk(appendBulk(nil, "EVAL"), script.Source)
		b.shaHead = appendBulk(appendBulk(nil, "EVALSHA"), script.SHA)
		rd := &chunker{b: b, open: []*chunk{nil}, nodes: []*node{{inbox: make(chan *chunk, 100)}}, addrs: []string{"n"}}
		b.done, b.ctx = make(chan struct{}), context.Background()
		b.budget.Store(100) // the node's queue above, which workerFor would have counted
		var ls []*bline
		var want, plain []string // plain: as the reader encodes it, EVALSHA
		for i, text := range lines {
			keys, args, _, err := ParseLine(text)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			words, sep, _, _ := splitWords([]byte(text), nil)
			if !rd.add(0, i+1, -1, words, sep) {
				t.Fatal("add refused")
			}
			asking, useEval := r.IntN(10) == 0, r.IntN(10) == 0
			cmd, arg := "EVALSHA", script.SHA
			if useEval || strategy == redisx.EvalOnly {
				cmd, arg = "EVAL", script.Source
			}
			want = append(want, refCall(asking, cmd, arg, keys, args))
			plain = append(plain, refCall(false, "EVALSHA", script.SHA, keys, args))
			ls = append(ls, &bline{asking: asking, useEval: useEval}) // flags, set below
		}
		rd.flush()
		close(rd.nodes[0].inbox)
		i := 0
		for ch := range rd.nodes[0].inbox {
			// A pipeline of one chunk is written straight from its buffer
			// (collect's whole): the lines' calls back to back.
			first, last := &ch.lines[0], &ch.lines[len(ch.lines)-1]
			if got, w := string(ch.buf[first.start:last.end]), strings.Join(plain[i:i+len(ch.lines)], ""); got != w {
				t.Fatalf("lines %d..%d as one run of their chunk:\n got %q\nwant %q", i+1, i+len(ch.lines), got, w)
			}
			for j := range ch.lines {
				ch.lines[j].asking, ch.lines[j].useEval = ls[i].asking, ls[i].useEval
				ls[i] = &ch.lines[j]
				i++
			}
		}
		// Pipelines of 1 to 20 lines, across chunk boundaries.
		for at := 0; at < len(ls); {
			k := min(1+r.IntN(20), len(ls)-at)
			asking := false
			for _, l := range ls[at : at+k] {
				asking = asking || l.asking
			}
			got, asked := b.appendPipeline(nil, ls[at:at+k])
			if w := strings.Join(want[at:at+k], ""); string(got) != w || asked != asking {
				t.Fatalf("%s, lines %d..%d: asked %v (want %v)\n got %q\nwant %q", strategy, at+1, at+k, asked, asking, got, w)
			}
			at += k
		}
	}
}

// TestBatchCollectWhole: a lane writes a pipeline straight from its
// chunk's buffer (collect's whole) only when its lines are one chunk's, in
// order and never sent: not after a top-up from the next chunk, not with
// re-sends, not under the eval strategy.
func TestBatchCollectWhole(t *testing.T) {
	mk := func(k int) *chunk {
		ch := &chunk{lines: make([]bline, k, 4)}
		for i := range ch.lines {
			ch.lines[i].ch = ch
		}
		return ch
	}
	for _, strategy := range []redisx.Strategy{redisx.EvalshaLoad, redisx.EvalOnly} {
		b := &batch{opt: Options{Pipeline: 4, Strategy: strategy}, done: make(chan struct{}), space: make(chan struct{}, 1)}
		b.budget.Store(100)
		w := &worker{node: &node{inbox: make(chan *chunk, 10), wake: make(chan struct{}, 1)}, b: b}
		collect := func(step string, wantN int, wantWhole bool) {
			t.Helper()
			lines, whole, done := w.collect(false)
			if done || len(lines) != wantN || whole != (wantWhole && strategy != redisx.EvalOnly) {
				t.Fatalf("%s, %s: %d lines, whole %v; want %d lines, whole %v", strategy, step, len(lines), whole, wantN, wantWhole)
			}
		}
		w.inbox <- mk(4)
		collect("a full chunk", 4, true)
		short, next := mk(2), mk(4)
		w.inbox <- short
		w.inbox <- next
		collect("a short chunk topped up from the next", 4, false)
		collect("the rest of the next chunk", 2, true)
		again := mk(4)
		w.push(&again.lines[0])
		w.inbox <- mk(4)
		collect("a re-send, then a chunk", 4, false)
		collect("the chunk's last line", 1, true)
		w.push(&again.lines[1])
		collect("a re-send alone", 1, false)
		collect("nothing", 0, false)
	}
}
