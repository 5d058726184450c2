package ldb_test

import (
	"context"
	"fmt"
	"log"

	"luascope/redisx"
	"luascope/redisx/ldb"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
)

// A session stops before the first line; Break and Continue run to a
// line, Print shows the locals, and continuing past the last line ends
// the session with the script's reply.
func ExampleStart() {
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()

	s, ev, err := ldb.Start(ctx, ldb.Options{
		Target: redisx.Target{Network: srv.Network(), Addr: srv.Addr()},
		Mode:   ldb.ModeFork, // writes are rolled back at the end
		Script: "local calls = redis.call('INCR', KEYS[1])\nlocal limit = tonumber(ARGV[1])\nreturn calls <= limit",
		Keys:   []string{"rate:demo"},
		Args:   []string{"5"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Println("stopped at", ev.Line, ev.Reason)

	ev, _ = s.Step(ctx)
	for _, l := range ev.Log {
		fmt.Println(l.Kind, resp.Escape([]byte(l.Text))) // server text is escaped before printing
	}
	s.Break(ctx, 3)
	ev, _ = s.Continue(ctx)
	fmt.Println("stopped at", ev.Line, ev.Reason)

	ev, _ = s.Print(ctx, "")
	for _, v := range ev.Vars {
		fmt.Println(v.Name, "=", v.Value)
	}

	ev, _ = s.Continue(ctx)
	fmt.Println("ended:", ev.Ended, resp.Text(*ev.Final))
	// Output:
	// stopped at 1 step over
	// redis INCR rate:demo
	// reply 1
	// stopped at 3 break point
	// calls = 1
	// limit = 5
	// ended: true (integer) 1
}
