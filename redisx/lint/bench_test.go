package lint

import (
	"strings"
	"testing"
)

// BenchmarkLint measures a typical script and a large one; linting runs
// on every edit in the TUI, so it must stay well under a frame. Each
// runs without a target server and with one (the per-server rules: a
// table lookup per redis.call and per global).
func BenchmarkLint(b *testing.B) {
	for _, c := range []struct {
		name string
		src  string
	}{
		{"rate-limiter", rateLimiter},
		{"1000-copies", strings.Repeat("do\n"+rateLimiter+"\nend\n", 1000)},
		{"one-long-line", "local a = 0 " + strings.Repeat("a = a + redis.call('GET', KEYS[1]) ", 5000) + " return a"},
	} {
		for _, srv := range []struct {
			name string
			s    Server
		}{{"", Server{}}, {"+redis-7.0.15", Server{Flavor: "redis", Version: "7.0.15"}}} {
			b.Run(c.name+srv.name, func(b *testing.B) {
				b.SetBytes(int64(len(c.src)))
				for i := 0; i < b.N; i++ {
					Lint(c.src, Options{NumKeys: 1, Server: srv.s})
				}
			})
		}
	}
}
