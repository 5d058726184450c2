package batch

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"luascope/redisx"
	"luascope/redisx/fakeserver"
	"luascope/redisx/resp"
)

// The batch reads its replies itself: a reply no real server sends (a
// header that lies about its size, nesting past the limit, garbage) must
// end the connection through the same resp.Guard as every connection,
// with the lines in flight unknown (they may have run), never an
// allocation for the lie or a line counted ok.
func TestBatchHostileReplies(t *testing.T) {
	cases := map[string]string{
		"bulk of a terabyte":  "$999999999999\r\n",
		"array of 2^31":       "*2147483647\r\n",
		"blob error of 2^40":  "!1099511627776\r\n",
		"nested huge arrays":  strings.Repeat("*16000000\r\n", 8),
		"nesting of 10^5":     strings.Repeat("*1\r\n", 100_000) + ":1\r\n",
		"garbage":             "HTTP/1.1 400 Bad Request\r\n\r\n",
		"length not a number": "$abc\r\n",
	}
	for name, reply := range cases {
		for _, proto := range []int{2, 3} {
			srv, err := fakeserver.Start(func(cmd []string) []byte {
				if cmd[0] == "EVAL" {
					return []byte(reply)
				}
				return []byte("+OK\r\n")
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			s, err := redisx.Connect(ctx, redisx.Target{Network: "tcp", Addr: srv.Addr(), Protocol: proto})
			if err != nil {
				t.Fatalf("%s: connect: %v", name, err)
			}
			rep, err := Run(ctx, s, redisx.NewScript("return 1"), strings.NewReader(batchLines("h", 0, 20)),
				Options{Strategy: redisx.EvalOnly, Pipeline: 8, Connections: 2})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			batchCheckSum(t, rep, 20)
			if rep.Outcomes[OK] != 0 || rep.Outcomes[Unknown] == 0 || rep.Outcomes[Unknown]+rep.Outcomes[NotSent] != 20 {
				t.Errorf("%s (RESP%d): outcomes %v: want every line unknown or not sent", name, proto, rep.Outcomes)
			}
			_ = s.Close()
			_ = srv.Close()
			cancel()
		}
	}
}

// guardedReader feeds a resp.Guard as the lanes' connections do.
type guardedReader struct {
	r io.Reader
	g *resp.Guard
}

func (g guardedReader) Read(p []byte) (int, error) {
	if err := g.g.Err(); err != nil {
		return 0, err
	}
	n, err := g.r.Read(p)
	if n > 0 {
		if gerr := g.g.Feed(p[:n]); gerr != nil {
			return 0, gerr
		}
	}
	return n, err
}

// FuzzBatchReadReply: any bytes behind the guard end in replies or an
// error, without a panic, a hang or an allocation for a lie; and a lane's
// way of reading a pipeline's replies (skipBuffered for those already
// buffered, readReply for the rest) reads them as readReply alone does.
func FuzzBatchReadReply(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "-ERR x\r\n", "!3\r\nabc\r\n", "*2\r\n:1\r\n$1\r\na\r\n", "|1\r\n+a\r\n+b\r\n:1\r\n",
		">1\r\n+p\r\n-NOSCRIPT\r\n", "%1\r\n+k\r\n*-1\r\n", "$999999999999\r\n", strings.Repeat("*1\r\n", 10000),
		":1\r\n:2\r\n$3\r\nabc\r\n$-1\r\n-ERR e\r\n+OK\r\n", "$x\r\n", ":1\n", "$2\r\nab"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := readAll(t, data, false)
		if got := readAll(t, data, true); got != want {
			t.Fatalf("%q: with skipBuffered %s, readReply alone %s", data, got, want)
		}
	})
}

// readAll reads replies from data until an error, as a lane does when
// fast (skipBuffered first, asked for at most 1–4 replies at a time, as
// a lane asks for its pipeline's rest), with a small buffer so that
// replies are cut by its end, and describes what it read.
func readAll(t *testing.T, data []byte, fast bool) string {
	br := bufio.NewReaderSize(guardedReader{bytes.NewReader(data), resp.NewGuard(resp.DefaultLimits)}, 16)
	var out strings.Builder
	ok := 0
	most := 1
	if len(data) > 0 {
		most += int(data[0]) % 4
	}
	for i := 0; i <= len(data); i++ {
		if fast {
			if k := skipBuffered(br, most); k > most {
				t.Fatalf("%q: skipBuffered skipped %d replies, asked for at most %d", data, k, most)
			} else if k > 0 {
				ok, i = ok+k, i+k-1
				continue
			}
		}
		isErr, msg, err := readReply(br)
		if err != nil {
			fmt.Fprintf(&out, "%d ok, then %v", ok, err)
			return out.String()
		}
		if isErr {
			fmt.Fprintf(&out, "%d ok, error %q; ", ok, msg)
			ok = 0
			continue
		}
		ok++
	}
	t.Fatalf("more replies than bytes in %q", data)
	return ""
}
