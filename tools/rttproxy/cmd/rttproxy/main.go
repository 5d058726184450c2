// Command rttproxy forwards TCP connections to a server with each
// direction delayed, to measure clients over a slow link, and prints the
// round trips each connection made when it is stopped (Ctrl-C).
//
//	go run ./tools/rttproxy/cmd/rttproxy -listen 127.0.0.1:7000 -upstream 127.0.0.1:6379 -delay 50ms
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"luascope/tools/rttproxy"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:7000", "address to listen on")
	upstream := flag.String("upstream", "127.0.0.1:6379", "server to forward to")
	delay := flag.Duration("delay", 50*time.Millisecond, "delay of each direction (half the round trip time)")
	flag.Parse()
	p, err := rttproxy.Listen(*listen, *upstream, *delay)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rttproxy:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "rttproxy: %s -> %s, %s each way\n", p.Addr(), *upstream, *delay)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	fmt.Printf("%d connections, %d round trips\n", p.Conns(), p.RoundTrips())
	_ = p.Close()
}
