//go:build linux

// Command ptytime measures how long terminal programs take to show
// something, the way a person waits for it: each program runs on its own
// pseudo-terminal, and the clock stops when a given text appears in what
// it writes. It times the first frame (start until -until appears) and,
// with -key, the reaction to a key (the key written until -after
// appears). Several programs are measured in turns (A, B, A, B…), so
// that a busy machine slows them alike, and the report gives each one's
// median and the median of the per-round ratios to the first program.
//
//	go run ./tools/ptytime -n 20 -until ptytime-mark \
//	    -cmd 'bin/luascope -p 6379 big.lua' -cmd 'vim -u NONE -n big.lua'
//
// The pseudo-terminal answers the queries terminals answer (cursor
// position, colours, device attributes), so that no program waits for a
// reply that a real terminal would give at once. Programs are started
// without a shell (the command is split on spaces) and killed after
// each round.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"luascope/tools/ptyterm"
)

type cmdList []string

func (c *cmdList) String() string     { return strings.Join(*c, " | ") }
func (c *cmdList) Set(s string) error { *c = append(*c, s); return nil }

func main() {
	var cmds cmdList
	flag.Var(&cmds, "cmd", "a program to measure (repeat: the first is the reference of the ratios)")
	n := flag.Int("n", 10, "rounds")
	size := flag.String("size", "120x40", "terminal columns x rows")
	until := flag.String("until", "", "the first frame is there when the output holds this text")
	keys := flag.String("key", "", `after the first frame and -settle, write these bytes (Go escapes: "\x12" is ctrl+r)`)
	after := flag.String("after", "", "the reaction to -key is there when the output written after the key holds this text")
	settle := flag.Duration("settle", 700*time.Millisecond, "wait after the first frame before the key")
	timeout := flag.Duration("timeout", 20*time.Second, "give up on a round after this long")
	flag.DurationVar(&replyDelay, "reply-delay", 0, "answer terminal queries after this long, as a terminal at the other end of an SSH link does (its round trip)")
	flag.Parse()
	if len(cmds) == 0 || *until == "" || (*keys != "") != (*after != "") {
		flag.Usage()
		os.Exit(2)
	}
	var cols, rows uint16
	if _, err := fmt.Sscanf(*size, "%dx%d", &cols, &rows); err != nil {
		fail(fmt.Errorf("-size %q: %w", *size, err))
	}
	key, err := strconv.Unquote(`"` + *keys + `"`)
	if err != nil {
		fail(fmt.Errorf("-key: %w", err))
	}
	first := make([][]time.Duration, len(cmds))
	react := make([][]time.Duration, len(cmds))
	for r := 0; r < *n; r++ {
		for i, c := range cmds {
			f, k, err := measure(strings.Fields(c), cols, rows, *until, key, *after, *settle, *timeout)
			if err != nil {
				fail(fmt.Errorf("round %d, %s: %w", r+1, c, err))
			}
			first[i] = append(first[i], f)
			if key != "" {
				react[i] = append(react[i], k)
			}
		}
	}
	report("first frame", cmds, first)
	if key != "" {
		report("key to reaction", cmds, react)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ptytime:", err)
	os.Exit(1)
}

func report(what string, cmds []string, d [][]time.Duration) {
	fmt.Printf("%s (%d rounds):\n", what, len(d[0]))
	for i, c := range cmds {
		line := fmt.Sprintf("  %-60s median %7.1f ms  min %7.1f  max %7.1f", c, ms(median(d[i])), ms(slicesMin(d[i])), ms(slicesMax(d[i])))
		if i > 0 {
			ratios := make([]float64, len(d[i]))
			for r := range d[i] {
				ratios[r] = float64(d[i][r]) / float64(d[0][r])
			}
			sort.Float64s(ratios)
			line += fmt.Sprintf("  paired ratio to the first: median %.2f", ratios[len(ratios)/2])
		}
		fmt.Println(line)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func slicesMin(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = min(m, x)
	}
	return m
}

func slicesMax(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = max(m, x)
	}
	return m
}

// replyDelay is -reply-delay.
var replyDelay time.Duration

// measure runs argv on a new pseudo-terminal and returns the time until
// its output holds until, and, when key is set, the time from writing
// key until the output written since holds after.
func measure(argv []string, cols, rows uint16, until, key, after string, settle, timeout time.Duration) (time.Duration, time.Duration, error) {
	s, err := ptyterm.Start(argv, ptyterm.Options{Cols: cols, Rows: rows, ReplyDelay: replyDelay})
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	firstAt, err := s.WaitFor(0, until, timeout)
	if err != nil {
		return 0, 0, fmt.Errorf("first frame: %w", err)
	}
	if key == "" {
		return firstAt.Sub(s.Started), 0, nil
	}
	time.Sleep(settle)
	since := s.Len()
	keyAt := time.Now()
	if err := s.Write([]byte(key)); err != nil {
		return 0, 0, err
	}
	at, err := s.WaitFor(since, after, timeout)
	if err != nil {
		return 0, 0, fmt.Errorf("reaction to the key: %w", err)
	}
	return firstAt.Sub(s.Started), at.Sub(keyAt), nil
}
