package main

import (
	"net"
	"strings"
	"testing"

	"luascope/tools/rttproxy"
)

// TestRunRoundTrips counts, at a proxy, the round trips of whole `luascope
// run` commands (in-process, as a shell runs them): a warm run is one,
// its handshake riding with the EVALSHA, as redis-cli --eval is; a cold
// one adds only the strategy's own (SCRIPT LOAD, EVALSHA again); a
// password adds go-redis's AUTH-carrying HELLO, as redis-cli -a adds AUTH.
func TestRunRoundTrips(t *testing.T) {
	srv := startSandbox(t, "requirepass pw")
	if srv.Network() != "tcp" {
		t.Skip("the proxy is TCP")
	}
	p, err := rttproxy.Start(srv.Addr(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	host, port, _ := net.SplitHostPort(p.Addr())
	noPass := startSandbox(t)
	q, err := rttproxy.Start(noPass.Addr(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	qhost, qport, _ := net.SplitHostPort(q.Addr())
	cases := []struct {
		name  string
		proxy *rttproxy.Proxy
		args  []string
		want  int
	}{
		{"cold", q, []string{"run", "--no-history", "-h", qhost, "-p", qport, "-e", "return 41"}, 3},
		{"warm", q, []string{"run", "--no-history", "-h", qhost, "-p", qport, "-e", "return 41"}, 1},
		{"warm json", q, []string{"run", "--json", "--no-history", "-h", qhost, "-p", qport, "-e", "return 41"}, 1},
		{"cold with a password", p, []string{"run", "--no-history", "-h", host, "-p", port, "-a", "pw", "--no-auth-warning", "-e", "return 41"}, 4},
		{"warm with a password", p, []string{"run", "--no-history", "-h", host, "-p", port, "-a", "pw", "--no-auth-warning", "-e", "return 41"}, 2},
	}
	for _, c := range cases {
		c.proxy.Reset()
		out, errOut, code := cli(t, "", c.args...)
		if code != 0 || !strings.Contains(out, "41") {
			t.Fatalf("%s: exit %d\n%s\n%s", c.name, code, out, errOut)
		}
		if got := c.proxy.RoundTrips(); got != c.want || c.proxy.Conns() != 1 {
			t.Errorf("%s: %d round trips on %d connections, want %d on 1", c.name, got, c.proxy.Conns(), c.want)
		}
	}
}
