package lint_test

import (
	"fmt"

	"luascope/redisx/lint"
)

func ExampleLint() {
	src := `#!lua flags=no-writes
local n = redis.call('INCR', 'hits:' .. ARGV[1])
total = n
return KEYS[2]
`
	for _, f := range lint.Lint(src, lint.Options{NumKeys: 1}) {
		fmt.Println("script.lua:" + lint.Format(f))
	}
	// Output:
	// script.lua:2:22: error: INCR is a write command but the script declares flags=no-writes: Redis refuses it ("Write commands are not allowed from read-only scripts") [flag-contradiction]
	// script.lua:2:30: warning: the INCR key (built from ARGV) is not from KEYS: wrong in a cluster: keys must be passed in KEYS (Redis docs) [key-not-from-KEYS]
	// script.lua:3:1: error: assignment to the global variable 'total': Redis refuses it ("Attempt to modify a readonly table", Redis 7.0+) [global-write]
	// script.lua:4:8: warning: KEYS[2] is nil when the script is called with numkeys 1 [keys-index]
}

func ExampleBlocking() {
	findings := lint.Lint("error({code = 42})", lint.Options{NumKeys: 0, Production: true})
	for _, f := range lint.Blocking(findings, true) {
		fmt.Println(f.Severity, f.Code, lint.HasBlocking(findings))
	}
	// Output:
	// error error-table-no-err true
}

func ExampleParseServer() {
	// The TUI fills Options.Server from the session (redisx.Session.Info);
	// the CLI from --server.
	target, err := lint.ParseServer("redis-7.0")
	if err != nil {
		panic(err)
	}
	src := "return redis.call('HEXPIRE', KEYS[1], 60, 'FIELDS', 1, ARGV[1])"
	for _, f := range lint.Lint(src, lint.Options{NumKeys: 1, Server: target}) {
		fmt.Println(lint.Format(f))
	}
	// Output:
	// 1:19: warning: HEXPIRE is new in Redis 7.4.0: this server (redis 7.0) replies "ERR Unknown Redis command called from script" [command-version]
}
