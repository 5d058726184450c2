package lint

import (
	"regexp"
	"strings"
	"testing"
)

// judgedBy70 finds a message that speaks of Redis 7.0 (not of a
// release such as 7.0.0 that added something).
var judgedBy70 = regexp.MustCompile(`Redis 7\.0([^.]|$)`)

func on(s string) *Options {
	srv, err := ParseServer(s)
	if err != nil {
		panic(err)
	}
	return &Options{NumKeys: -1, Server: srv}
}

func TestServerFacts(t *testing.T) {
	hexpire := "return redis.call('HEXPIRE', KEYS[1], 10, 'FIELDS', 1, ARGV[1])"
	hgetex := "return redis.call('HGETEX', KEYS[1], 'FIELDS', 1, ARGV[1])"
	runCases(t, []lintCase{
		// Unknown server: today's rules (the Info about 7.4).
		{name: "hexpire unknown server", src: hexpire, want: []string{"1:19 unknown-command"}},
		{name: "hexpire redis 7.0", src: hexpire, opt: on("redis-7.0"), want: []string{"1:19 command-version"}},
		{name: "hexpire redis 7.2.4", src: hexpire, opt: on("redis 7.2.4"), want: []string{"1:19 command-version"}},
		{name: "hexpire redis 7.4", src: hexpire, opt: on("redis-7.4"), want: nil},
		{name: "hexpire redis 8.2 (past the horizon, has it)", src: hexpire, opt: on("redis-8.2"), want: nil},
		{name: "hexpire valkey 8.1", src: hexpire, opt: on("valkey-8.1"), want: []string{"1:19 command-version"}},
		// Past the table's Valkey horizon: Valkey may have gained it.
		{name: "hexpire valkey 9.0", src: hexpire, opt: on("valkey-9.0"), want: nil},
		{name: "hgetex redis 7.4", src: hgetex, opt: on("redis-7.4"), want: []string{"1:19 command-version"}},
		{name: "hgetex redis 8.0", src: hgetex, opt: on("redis-8.0"), want: nil},
		{name: "getex redis 6.0", src: "return redis.call('getex', KEYS[1])", opt: on("6.0.20"), want: []string{"1:19 command-version"}},
		{name: "getex redis 6.2", src: "return redis.call('getex', KEYS[1])", opt: on("6.2.0"), want: nil},
		{name: "lmpop redis 6.2", src: "return redis.call('LMPOP', 1, KEYS[1], 'LEFT')", opt: on("redis-6.2"), want: []string{"1:19 command-version"}},
		{name: "lmpop redis 7.0", src: "return redis.call('LMPOP', 1, KEYS[1], 'LEFT')", opt: on("redis-7.0"), want: nil},
		// pcall: the error comes back as a value, still a failure.
		{name: "pcall hexpire redis 7.0", src: "return redis.pcall('HEXPIRE', KEYS[1], 10, 'FIELDS', 1, 'f')", opt: on("redis-7.0"), want: []string{"1:20 command-version"}},
		// Valkey's own commands on Redis; on Valkey from their release.
		{name: "commandlog redis 8.0", src: "return redis.call('COMMANDLOG', 'LEN', 'slow')", opt: on("redis-8.0"), want: []string{"1:19 command-version"}},
		{name: "commandlog valkey 8.0", src: "return redis.call('COMMANDLOG', 'LEN', 'slow')", opt: on("valkey-8.0"), want: []string{"1:19 command-version"}},
		{name: "commandlog valkey 8.1", src: "return redis.call('COMMANDLOG', 'LEN', 'slow')", opt: on("valkey-8.1"), want: nil},
		// Tokens: only literal strings after the leading key and value.
		{name: "set get redis 6.0", src: "return redis.call('SET', KEYS[1], ARGV[1], 'GET')", opt: on("redis-6.0"), want: []string{"1:44 arg-version"}},
		{name: "set get lower case", src: "return redis.call('set', KEYS[1], ARGV[1], 'get')", opt: on("redis-6.0"), want: []string{"1:44 arg-version"}},
		{name: "set get redis 6.2", src: "return redis.call('SET', KEYS[1], ARGV[1], 'GET')", opt: on("redis-6.2"), want: nil},
		{name: "set value GET is data", src: "return redis.call('SET', KEYS[1], 'GET')", opt: on("redis-6.0"), want: nil},
		{name: "set token from ARGV", src: "return redis.call('SET', KEYS[1], ARGV[1], ARGV[2])", opt: on("redis-6.0"), want: nil},
		{name: "expire nx redis 6.2", src: "return redis.call('EXPIRE', KEYS[1], 10, 'NX')", opt: on("redis-6.2"), want: []string{"1:42 arg-version"}},
		{name: "expire nx redis 7.0", src: "return redis.call('EXPIRE', KEYS[1], 10, 'NX')", opt: on("redis-7.0"), want: nil},
		{name: "set ifeq valkey 8.0", src: "return redis.call('SET', KEYS[1], ARGV[1], 'IFEQ', ARGV[2])", opt: on("valkey-8.0"), want: []string{"1:44 arg-version"}},
		{name: "set ifeq valkey 8.1", src: "return redis.call('SET', KEYS[1], ARGV[1], 'IFEQ', ARGV[2])", opt: on("valkey-8.1"), want: nil},
		{name: "set ifeq redis 8.0", src: "return redis.call('SET', KEYS[1], ARGV[1], 'IFEQ', ARGV[2])", opt: on("redis-8.0"), want: []string{"1:44 arg-version"}},
		// BITOP's operation is a string in Redis's description and tokens
		// in Valkey's: not a missing option.
		{name: "bitop and redis", src: "return redis.call('BITOP', 'AND', KEYS[1], KEYS[2])", opt: on("redis-7.0"), want: nil},
		// Globals and fields.
		{name: "REDIS_VERSION redis 6.2", src: "return redis.REDIS_VERSION", opt: on("redis-6.2"), want: []string{"1:8 global-version"}},
		{name: "REDIS_VERSION redis 7.0", src: "return redis.REDIS_VERSION", opt: on("redis-7.0"), want: nil},
		{name: "acl_check_cmd redis 6.2", src: "return redis.acl_check_cmd('get', KEYS[1])", opt: on("redis-6.2"), want: []string{"1:8 global-version"}},
		{name: "os.clock unknown server", src: "return os.clock()", want: []string{"1:8 global-read"}},
		{name: "os.clock redis 7.0", src: "return os.clock()", opt: on("redis-7.0"), want: []string{"1:8 global-version"}},
		{name: "os.clock redis 7.2", src: "return os.clock()", opt: on("redis-7.2"), want: nil},
		{name: "os.clock valkey 7.2", src: "return os.clock()", opt: on("valkey-7.2"), want: nil},
		{name: "os.time redis 7.2 still an error", src: "return os.time()", opt: on("redis-7.2"), want: []string{"1:8 global-read"}},
		{name: "server valkey 8.0", src: "return server.call('GET', KEYS[1])", opt: on("valkey-8.0"), want: nil},
		{name: "server valkey 7.2", src: "return server.call('GET', KEYS[1])", opt: on("valkey-7.2"), want: []string{"1:8 global-version"}},
		{name: "server redis 8.0", src: "return server.call('GET', KEYS[1])", opt: on("redis-8.0"), want: []string{"1:8 global-version"}},
		{name: "SERVER_NAME valkey", src: "return redis.SERVER_NAME", opt: on("valkey-8.1"), want: nil},
		{name: "SERVER_NAME redis", src: "return redis.SERVER_NAME", opt: on("redis-8.0"), want: []string{"1:8 global-version"}},
		// Without a server the version-blind rules say it.
		{name: "server unknown server", src: "return server.call('GET', KEYS[1])", want: []string{"1:8 global-read"}},
		{name: "SERVER_NAME unknown server", src: "return redis.SERVER_NAME", want: []string{"1:8 unknown-field"}},
		// Blocking commands: refused in scripts before Redis 7.2, run
		// without blocking from then on (and on every Valkey); WAITAOF
		// from Redis 7.4 and Valkey 8.0.
		{name: "blpop unknown server", src: "return redis.call('BLPOP', KEYS[1], 0)", want: []string{"1:19 noscript-command"}},
		{name: "blpop redis 7.0", src: "return redis.call('BLPOP', KEYS[1], 0)", opt: on("redis-7.0"), want: []string{"1:19 noscript-command"}},
		{name: "blpop redis 8.0", src: "return redis.call('BLPOP', KEYS[1], 0)", opt: on("redis-8.0"), want: []string{"1:19 noscript-command"}},
		{name: "waitaof redis 7.2", src: "return redis.call('WAITAOF', 0, 0, 0)", opt: on("redis-7.2"), want: []string{"1:19 noscript-command"}},
		{name: "waitaof redis 7.4", src: "return redis.call('WAITAOF', 0, 0, 0)", opt: on("redis-7.4"), want: []string{"1:19 noscript-command"}},
		{name: "waitaof redis 7.0", src: "return redis.call('WAITAOF', 0, 0, 0)", opt: on("redis-7.0"), want: []string{"1:19 command-version"}},
		{name: "os.time redis 8.0", src: "return os.time()", opt: on("redis-8.0"), want: []string{"1:8 global-read"}},
		// Subcommands.
		{name: "client no-touch redis 7.0", src: "return redis.call('CLIENT', 'NO-TOUCH', 'on')", opt: on("redis-7.0"), want: []string{"1:29 command-version"}},
		// A command the table does not know keeps the Redis 7.0 rule.
		{name: "typo known server", src: "return redis.call('GETT', KEYS[1])", opt: on("redis-8.0"), want: []string{"1:19 unknown-command"}},
	})
}

func TestServerFactsMessages(t *testing.T) {
	fs := Lint("return redis.call('HEXPIRE', KEYS[1], 10, 'FIELDS', 1, 'f')", *on("redis 7.0.15"))
	if len(fs) != 1 {
		t.Fatalf("findings %v", fs)
	}
	f := fs[0]
	want := `HEXPIRE is new in Redis 7.4.0: this server (redis 7.0.15) replies "ERR Unknown Redis command called from script"`
	if f.Message != want || f.Severity != Warning || f.Hint == "" {
		t.Errorf("got %s (hint %q)\nwant message %s", Format(f), f.Hint, want)
	}
	fs = Lint("return redis.call('HGETEX', KEYS[1], 'FIELDS', 1, 'f')", *on("valkey-8.1"))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "HGETEX is not in Valkey (Redis has it since 8.0.0)") ||
		!strings.Contains(fs[0].Message, `"ERR Unknown command called from script"`) {
		t.Errorf("valkey: %v", fs)
	}
}

func TestParseServer(t *testing.T) {
	for in, want := range map[string]Server{
		"redis-7.0":      {"redis", "7.0"},
		"valkey-8.1":     {"valkey", "8.1"},
		"7.4.0":          {"redis", "7.4.0"},
		"Redis 7.0.15":   {"redis", "7.0.15"},
		"valkey:8.1.1":   {"valkey", "8.1.1"},
		"redis-v8.2":     {"redis", "8.2"},
		"8.0.2-rc1":      {"redis", "8.0.2-rc1"},
		" valkey 7.2.4 ": {"valkey", "7.2.4"},
	} {
		got, err := ParseServer(in)
		if err != nil || got != want {
			t.Errorf("ParseServer(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "redis", "redis-", "keydb-6.3", "7", "7.x", "redis-5.0", "valkey-7.0", "1.2.3.4", "redis-7.0.300"} {
		if s, err := ParseServer(in); err == nil {
			t.Errorf("ParseServer(%q) = %v, want an error", in, s)
		}
	}
	if (Server{}).Known() || (Server{Flavor: "redis", Version: "unknown"}).Known() || !(Server{Flavor: "valkey", Version: "8.1.1"}).Known() {
		t.Error("Known")
	}
}

// TestServerFindingsNameTheTarget: with a server given, every finding
// that depends on the server says which server it judged for, and the
// blocking commands get the verdict of that server, not Redis 7.0's.
func TestServerFindingsNameTheTarget(t *testing.T) {
	src := strings.Join([]string{
		"local a = server.call('PING')",
		"local b = os.clock()",
		"local c = os.time()",
		"local d = redis.SERVER_NAME",
		"local e = redis.REDIS_VERSION",
		"local f = __server__err__handler",
		"local g = redis.call('SET', KEYS[1], 'v', 'IFEQ', 'v')",
		"local h = redis.call('HSETEX', KEYS[1], 'FIELDS', 1, 'f', 'v')",
		"local i = redis.call('BITCOUNT', KEYS[1], 0, 1, 'BIT')",
		"local j = redis.call('NOSUCH')",
		"local k = redis.call('COMMANDLOG', 'LEN', 'slow')",
		"local l = redis.call('WAIT', 0, 0)",
		"local m = redis.call('WAITAOF', 0, 0, 0)",
		"local n = redis.call('HEXPIRE', KEYS[1], 10, 'FIELDS', 1, 'f')",
		"local o = redis.call('CLIENT', 'NO-TOUCH', 'on')",
		"return redis.call('BLPOP', KEYS[1], 0)",
	}, "\n")
	perServer := map[string]bool{
		CodeCommandVersion: true, CodeArgVersion: true, CodeGlobalVersion: true,
		CodeNoscriptCommand: true, CodeUnknownCommand: true, CodeGlobalRead: true, CodeUnknownField: true,
	}
	for _, s := range []string{"redis-6.2", "redis-7.0", "redis-7.2", "redis-7.4", "redis-8.0", "valkey-7.2", "valkey-8.0", "valkey-8.1", "redis-9.0"} {
		target, _ := ParseServer(s)
		fs := Lint(src, Options{NumKeys: 1, Server: target})
		if len(fs) == 0 {
			t.Errorf("%s: no findings", s)
		}
		for _, f := range fs {
			if perServer[f.Code] && !strings.Contains(f.Message, "("+target.String()+")") {
				t.Errorf("%s: %s does not name the server", s, Format(f))
			}
			if judgedBy70.MatchString(f.Message) && target.String() != "redis 7.0" {
				t.Errorf("%s: %s judges by Redis 7.0", s, Format(f))
			}
		}
	}
}
