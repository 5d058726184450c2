package lint

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx/sandbox/sandboxtest"
)

// TestSinceTableMatchesServer holds the generated since table to the
// server this run uses (redis-server 7.0.15 by default; make
// test-servers adds Redis 8.0.2 and Valkey 8.1.1): every command the
// table says this version has is in its COMMAND INFO, and every one it
// says this version lacks is not, and a script calling it gets the
// reply the command-version finding quotes.
func TestSinceTableMatchesServer(t *testing.T) {
	srv := sandboxtest.StartT(t)
	target, err := ParseServer(srv.Describe())
	if err != nil {
		t.Skipf("%s: %v", srv.Describe(), err)
	}
	f, v, _ := target.parse()
	rdb := srv.Client()
	defer rdb.Close()
	ctx := context.Background()
	names := make([]string, 0, len(since()))
	for name := range since() {
		names = append(names, name)
	}
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		c := since()[name]
		if c.since[f] > v && c.since[f] == never && v > sinceHorizon[f] {
			continue // past the horizon the table makes no claim
		}
		want := c.since[f] <= v
		if container, _, sub := strings.Cut(name, "|"); sub {
			if cc, ok := since()[container]; ok && cc.since[f] > v {
				continue // the container's own row says it
			}
		}
		reply, err := rdb.Do(ctx, "COMMAND", "INFO", name).Slice()
		if err != nil {
			t.Fatalf("COMMAND INFO %s: %v", name, err)
		}
		has := len(reply) == 1 && reply[0] != nil
		if has != want {
			t.Errorf("%s on %s: the server has it: %v; the table says since %v", name, target, has, c.since)
		}
		checked++
		if want || strings.Contains(name, "|") {
			continue
		}
		// Missing: a script gets the reply the finding quotes. The call
		// cannot run anything: the server does not know the command.
		err = rdb.Eval(ctx, "return redis.pcall(ARGV[1])", nil, name).Err()
		if err == nil || !strings.Contains(err.Error(), unknownCommandText(target)) {
			t.Errorf("%s on %s: pcall replied %v, want %q", name, target, err, unknownCommandText(target))
		}
	}
	t.Logf("%d rows of the since table checked on %s", checked, target)
}

// TestServerFactsRunOnServer runs real calls on the server this run
// uses: where lint (told this server) is silent they run, where it
// warns they fail with the reply it quotes.
func TestServerFactsRunOnServer(t *testing.T) {
	srv := sandboxtest.StartT(t)
	target, err := ParseServer(srv.Describe())
	if err != nil {
		t.Skipf("%s: %v", srv.Describe(), err)
	}
	rdb := srv.Client()
	defer rdb.Close()
	ctx := context.Background()
	for _, src := range []string{
		"return redis.call('HSET', KEYS[1], 'f', 'v') and redis.call('HEXPIRE', KEYS[1], 100, 'FIELDS', 1, 'f')",
		"return redis.call('HSET', KEYS[1], 'f', 'v') and redis.call('HGETEX', KEYS[1], 'EX', 100, 'FIELDS', 1, 'f')",
		"return redis.call('GETEX', KEYS[1], 'PERSIST')",
		"return redis.call('LMPOP', 1, KEYS[1], 'LEFT')",
		"return redis.call('SET', KEYS[1], 'v', 'GET')",
		"return redis.call('EXPIRE', KEYS[1], 100, 'NX')",
		"return redis.call('SET', KEYS[1], 'v', 'IFEQ', 'v')",
		"return redis.call('COMMANDLOG', 'LEN', 'slow')",
		"return redis.REDIS_VERSION_NUM",
		"return os.clock() >= 0",
		"return server.call('PING')",
		"return redis.SERVER_NAME or redis.error_reply('nil')",
		"return redis.call('NOSUCH')",
		"return os.time()",
		"return __server__err__handler ~= nil",
	} {
		rdb.Del(ctx, "k")
		runErr := rdb.Eval(ctx, src, []string{"k"}).Err()
		if runErr == redis.Nil {
			runErr = nil
		}
		var warned []Finding
		for _, f := range Lint(src, Options{NumKeys: 1, Server: target}) {
			switch f.Code {
			case CodeCommandVersion, CodeArgVersion, CodeGlobalVersion, CodeUnknownCommand, CodeGlobalRead, CodeUnknownField:
				warned = append(warned, f)
			}
		}
		switch {
		case len(warned) == 0 && runErr != nil:
			t.Errorf("%s on %s: lint is silent but the server replies %v", src, target, runErr)
		case len(warned) > 0 && runErr == nil:
			t.Errorf("%s on %s: lint warns %s but the script runs", src, target, Format(warned[0]))
		case len(warned) > 0 && warned[0].Code == CodeCommandVersion && !strings.Contains(runErr.Error(), unknownCommandText(target)):
			t.Errorf("%s on %s: lint quotes %q, the server replies %v", src, target, unknownCommandText(target), runErr)
		case len(warned) > 0 && !strings.Contains(warned[0].Message, "("+target.String()+")"):
			t.Errorf("%s on %s: %s does not name the server", src, target, Format(warned[0]))
		case len(warned) > 0 && quotedReply(warned[0].Message) != "" && !strings.Contains(runErr.Error(), quotedReply(warned[0].Message)):
			t.Errorf("%s on %s: lint says %s, the server replies %v", src, target, Format(warned[0]), runErr)
		default:
			t.Logf("%s on %s: %v; findings %d", src, target, runErr, len(warned))
		}
	}
}

// quoted finds what a finding says the server replies or raises: the
// first quoted text after "replies", "raises" or "fails with".
var quoted = regexp.MustCompile(`(?:replies|raises|fails with|fails \() ?"([^"]+)"`)

func quotedReply(msg string) string {
	if m := quoted.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// TestScriptableOnServer runs each command some servers refuse in a
// script and others run without blocking on the server this run uses,
// linted for that server: where lint says the server refuses it, the
// server replies what lint quotes; where lint says it does not block,
// the script returns at once (an empty list: nil), even with timeout 0.
func TestScriptableOnServer(t *testing.T) {
	srv := sandboxtest.StartT(t)
	target, err := ParseServer(srv.Describe())
	if err != nil {
		t.Skipf("%s: %v", srv.Describe(), err)
	}
	rdb := srv.Client()
	defer rdb.Close()
	calls := map[string]string{
		"blpop": "'BLPOP', KEYS[1], 0", "brpop": "'BRPOP', KEYS[1], 0", "brpoplpush": "'BRPOPLPUSH', KEYS[1], KEYS[1], 0",
		"blmove": "'BLMOVE', KEYS[1], KEYS[1], 'LEFT', 'LEFT', 0", "bzpopmin": "'BZPOPMIN', KEYS[1], 0",
		"bzpopmax": "'BZPOPMAX', KEYS[1], 0", "wait": "'WAIT', 1, 0", "waitaof": "'WAITAOF', 0, 0, 0",
	}
	for name := range scriptableSince {
		src := "return redis.call(" + calls[name] + ")"
		var f *Finding
		for _, x := range Lint(src, Options{NumKeys: 1, Server: target}) {
			if x.Code == CodeNoscriptCommand || x.Code == CodeCommandVersion {
				f = &x
			}
		}
		if f == nil {
			t.Errorf("%s on %s: no finding", src, target)
			continue
		}
		if !strings.Contains(f.Message, "("+target.String()+")") {
			t.Errorf("%s on %s: %s does not name the server", src, target, Format(*f))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		v, err := rdb.Eval(ctx, src, []string{"empty:list"}).Result()
		took := time.Since(start)
		cancel()
		switch {
		case f.Code == CodeCommandVersion || strings.Contains(f.Message, "may not be called"):
			if err == nil || !strings.Contains(err.Error(), quotedReply(f.Message)) {
				t.Errorf("%s on %s: lint says %s; the server replies %v %v", src, target, Format(*f), v, err)
			}
		case strings.Contains(f.Message, "does not block"):
			if (err != nil && err != redis.Nil) || took > 2*time.Second {
				t.Errorf("%s on %s: lint says %s; the server replies %v %v after %s", src, target, Format(*f), v, err, took)
			}
			if name != "wait" && name != "waitaof" && err != redis.Nil {
				t.Errorf("%s on %s: lint says nil; the server replies %v", src, target, v)
			}
		default:
			t.Errorf("%s on %s: unexpected %s", src, target, Format(*f))
		}
		t.Logf("%s on %s: %v %v: %s", src, target, v, err, f.Message)
	}
}
