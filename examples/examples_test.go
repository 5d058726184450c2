package examples_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox/sandboxtest"
)

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestCatalog checks what needs no server: names, texts, tags, keys and
// the shape of every expected reply.
func TestCatalog(t *testing.T) {
	all := examples.All()
	if len(all) < 12 {
		t.Fatalf("%d examples, want at least 12", len(all))
	}
	seen := map[string]bool{}
	tagged := map[string]int{}
	for _, e := range all {
		t.Run(e.Name, func(t *testing.T) {
			if !kebab.MatchString(e.Name) {
				t.Errorf("name %q is not kebab-case", e.Name)
			}
			if seen[e.Name] {
				t.Errorf("name %q used twice", e.Name)
			}
			seen[e.Name] = true
			if strings.TrimSpace(e.Title) == "" || strings.Contains(e.Title, "\n") {
				t.Errorf("title %q: want one non-empty line", e.Title)
			}
			if n := sentences(e.Lesson); n < 2 || n > 4 {
				t.Errorf("lesson has %d sentences, want 2 to 4: %q", n, e.Lesson)
			}
			if !strings.Contains(e.Source, "KEYS[1]") {
				t.Errorf("source does not use KEYS[1]: every example names its keys")
			}
			if strings.Contains(e.Source, "\r") || strings.Contains(e.Source, "\t") {
				t.Errorf("source has a tab or CR")
			}
			if len(e.Tags) == 0 {
				t.Errorf("no tags")
			}
			for _, tag := range e.Tags {
				if !slices.Contains(examples.Tags, tag) {
					t.Errorf("tag %q is not one of %v", tag, examples.Tags)
				}
				tagged[tag]++
			}
			// Cluster-safe: every key of an example (script and setup) in one slot.
			if len(e.Keys) == 0 {
				t.Fatalf("no keys")
			}
			slot := redisx.KeySlot(e.Keys[0])
			for _, k := range e.Keys {
				if redisx.KeySlot(k) != slot {
					t.Errorf("key %q is in slot %d, %q in %d: the example would fail with CROSSSLOT in a cluster",
						k, redisx.KeySlot(k), e.Keys[0], slot)
				}
			}
			if e.HasTag(examples.TagCluster) && len(e.Keys) < 2 {
				t.Errorf("tagged cluster but uses one key")
			}
			if len(e.Keys) > 1 && !e.HasTag(examples.TagCluster) {
				t.Errorf("several keys sharing a hash tag: tag it cluster")
			}
			if len(e.Setup) == 0 || !strings.EqualFold(e.Setup[0][0], "DEL") || !slices.Equal(e.Setup[0][1:], e.Keys) {
				t.Errorf("setup should start with DEL of the keys, so a run can be repeated: %q", e.Setup)
			}
			for _, c := range e.Setup {
				if len(c) == 0 {
					t.Errorf("empty setup command")
				}
			}
			// An example that runs as a user creates it, from a clean
			// slate (reset), with the password the run logs in with.
			if e.User != "" {
				creates := false
				for _, c := range e.Setup {
					creates = creates || len(c) > 4 && strings.EqualFold(c[0], "ACL") && strings.EqualFold(c[1], "SETUSER") &&
						c[2] == e.User && strings.EqualFold(c[3], "reset") && slices.Contains(c, ">"+e.Password)
				}
				if !creates || e.Password == "" {
					t.Errorf("runs as %s but no setup command is ACL SETUSER %s reset … >PASSWORD: %q", e.User, e.User, e.Setup)
				}
			}
			if _, ok := e.Expect[2]; !ok {
				t.Errorf("no RESP2 expectation")
			}
			for proto, want := range e.Expect {
				if proto != 2 && proto != 3 {
					t.Errorf("Expect[%d]: protocols are 2 and 3", proto)
				}
				var v any
				if err := json.Unmarshal([]byte(want), &v); err != nil {
					t.Errorf("Expect[%d] is not JSON: %v", proto, err)
				}
				if strings.Contains(want, "{{sha}}") {
					t.Errorf("Expect[%d] still holds the SHA placeholder", proto)
				}
			}
			if e.Expect[3] != "" && e.Expect[3] == e.Expect[2] {
				t.Errorf("Expect[3] repeats Expect[2]: leave it out")
			}
			for server, byProto := range e.ExpectOn {
				if !strings.HasPrefix(server, "redis ") && !strings.HasPrefix(server, "valkey") {
					t.Errorf("ExpectOn[%q]: a key is a prefix of \"redis 8.0.2\" or \"valkey 8.1.1\"", server)
				}
				for proto, want := range byProto {
					var v any
					if proto != 2 && proto != 3 || json.Unmarshal([]byte(want), &v) != nil {
						t.Errorf("ExpectOn[%q][%d]: want protocol 2 or 3 and a JSON reply node", server, proto)
					}
					if want == e.Expected(proto) {
						t.Errorf("ExpectOn[%q][%d] repeats Expected(%d): leave it out", server, proto, proto)
					}
				}
			}
		})
	}
	for _, tag := range examples.Tags {
		if tagged[tag] == 0 {
			t.Errorf("no example is tagged %s", tag)
		}
	}
	// Every embedded script belongs to an example and the other way round.
	files, err := fs.Glob(osScripts(t), "*.lua")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !seen[strings.TrimSuffix(f, ".lua")] {
			t.Errorf("scripts/%s has no entry in the table", f)
		}
	}
}

// osScripts is the scripts directory on disk, which the package embeds.
func osScripts(t *testing.T) fs.FS {
	t.Helper()
	return os.DirFS("scripts")
}

// sentences counts the sentences of a lesson: text ending in '.', '!' or '?'.
func sentences(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.HasSuffix(f, ".") || strings.HasSuffix(f, "!") || strings.HasSuffix(f, "?") {
			n++
		}
	}
	return n
}

func TestRequiredTopics(t *testing.T) {
	all := examples.All()
	has := func(sub string) bool {
		for _, e := range all {
			if strings.Contains(e.Source, sub) {
				return true
			}
		}
		return false
	}
	for _, sub := range []string{"redis.error_reply(", "{err = ", "error({err", "redis.setresp(3)",
		"{double = ", "{map = ", "redis.status_reply(", "redis.pcall(", "'NX'", "ZINCRBY", "DECRBY", "'TIME'"} {
		if !has(sub) {
			t.Errorf("no example uses %s", sub)
		}
	}
	// error() with a table lacking err crashes Redis 7.0.15: no example may do it.
	bad := regexp.MustCompile(`error\(\s*\{\s*[^e}]`)
	for _, e := range all {
		if bad.MatchString(e.Source) {
			t.Errorf("%s: error() with a table that does not start with err", e.Name)
		}
	}
}

func TestGet(t *testing.T) {
	e, err := examples.Get("lock-release")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "lock-release" || !strings.Contains(e.Source, "redis.call('DEL', KEYS[1])") {
		t.Errorf("Get returned %q with source %q", e.Name, e.Source)
	}
	// The copy is the caller's own.
	e.Keys[0] = "changed"
	e.Expect[2] = "changed"
	again, _ := examples.Get("lock-release")
	if again.Keys[0] == "changed" || again.Expect[2] == "changed" {
		t.Errorf("Get shares its slices or maps with the caller")
	}

	_, err = examples.Get("rate-limiter")
	if !errors.Is(err, examples.ErrUnknown) {
		t.Fatalf("Get of an unknown name: %v, want ErrUnknown", err)
	}
	for _, name := range examples.Names() {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not list %s", err, name)
		}
	}
}

func TestExpectedFallsBackToRESP2(t *testing.T) {
	e, _ := examples.Get("lock-release")
	if e.Expected(3) != e.Expect[2] {
		t.Errorf("Expected(3) = %q, want the RESP2 reply", e.Expected(3))
	}
	m, _ := examples.Get("resp3-profile-map")
	if m.Expected(3) == m.Expected(2) || !strings.Contains(m.Expected(3), `"map"`) {
		t.Errorf("Expected(3) = %q, want the RESP3 map", m.Expected(3))
	}
	r, _ := examples.Get("error-no-rollback")
	if sha := redisx.SHA1(r.Source); !strings.Contains(r.Expect[2], sha) {
		t.Errorf("Expect[2] = %q, want the source's SHA %s in it", r.Expect[2], sha)
	}
}

func TestExpectedOn(t *testing.T) {
	e := examples.Example{
		Expect: map[int]string{2: "r2", 3: "r3"},
		ExpectOn: map[string]map[int]string{
			"valkey":     {2: "v2"},
			"valkey 9.":  {2: "v9", 3: "v9-3"},
			"redis 8.":   {3: "r8-3"},
			"redis 8.0.": {2: "r80"},
		},
	}
	for _, c := range []struct {
		server string
		proto  int
		want   string
	}{
		{"redis 7.0.15", 2, "r2"}, {"redis 7.0.15", 3, "r3"},
		{"redis 8.0.2", 2, "r80"}, {"redis 8.0.2", 3, "r8-3"}, {"redis 8.2.1", 2, "r2"},
		{"valkey 8.1.1", 2, "v2"}, {"valkey 8.1.1", 3, "r3"},
		{"valkey 9.0.0", 2, "v9"}, {"valkey 9.0.0", 3, "v9-3"},
		{"", 2, "r2"},
	} {
		if got := e.ExpectedOn(c.server, c.proto); got != c.want {
			t.Errorf("ExpectedOn(%q, %d) = %q, want %q", c.server, c.proto, got, c.want)
		}
	}
}

// TestRepliesOnRealServer runs every example on a real redis-server, for a
// RESP2 and a RESP3 caller, after its setup on an empty key space, through
// the runner `luascope run` uses, plain and in explain mode, and compares
// the reply with Expect.
func TestRepliesOnRealServer(t *testing.T) {
	srv := sandboxtest.StartT(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, proto := range []int{2, 3} {
		s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: proto})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got := s.Info().Protocol; got != proto {
			t.Fatalf("connected with RESP%d, want RESP%d", got, proto)
		}
		for _, e := range examples.All() {
			for _, explain := range []bool{false, true} {
				name := e.Name + "/resp" + string(rune('0'+proto))
				if explain {
					name += "/explain"
				}
				t.Run(name, func(t *testing.T) {
					prepare(ctx, t, s, e)
					call := redisx.Call{Script: redisx.NewScript(e.Source), Keys: e.Keys, Args: e.Args,
						Strategy: redisx.EvalshaLoad, Explain: explain}
					run := s
					if e.User != "" {
						u, err := examples.AsUser(ctx, s, e)
						if err != nil {
							t.Fatal(err)
						}
						defer u.Close()
						if got := u.Info().Protocol; got != proto {
							t.Fatalf("as %s: RESP%d, want RESP%d", e.User, got, proto)
						}
						run = u
					}
					res := run.Run(ctx, call, nil)
					if res.ClientErr != nil {
						t.Fatalf("run: %v", res.ClientErr)
					}
					if c := res.Error; c != nil {
						switch c.Class {
						case classify.Compile, classify.Runtime, classify.NoScript, classify.Unknown:
							t.Fatalf("the example failed by accident: %s: %s", c.Class, c.Message)
						}
					}
					if res.Reply == nil {
						t.Fatal("no reply")
					}
					got := replyJSON(t, *res.Reply)
					want := e.ExpectedOn(srv.Describe(), proto)
					if explain {
						// The wrapper has its own SHA, which Redis names in error({err=…}) replies.
						got = strings.ReplaceAll(got, res.SentSHA, res.SHA)
					}
					if normalize(t, got) != normalize(t, want) {
						t.Errorf("reply\n got %s\nwant %s", got, want)
					}
					if explain && res.Reply.Kind != resp.Error && res.Explain == nil {
						t.Errorf("explain mode gave no explanation")
					}
				})
			}
		}
	}
}

// TestMissingKeyIsTheScriptsOwnError is the misdiagnosis worked example:
// 'no such key' must be classified as the script's error, never NOSCRIPT.
func TestMissingKeyIsTheScriptsOwnError(t *testing.T) {
	srv := sandboxtest.StartT(t)
	ctx := context.Background()
	s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, _ := examples.Get("missing-key-error")
	prepare(ctx, t, s, e)
	res := s.Run(ctx, redisx.Call{Script: redisx.NewScript(e.Source), Keys: e.Keys, Args: e.Args}, nil)
	if res.Error == nil || res.Error.Class != classify.Script || res.Error.Source != classify.SourceScript {
		t.Fatalf("classified as %+v, want class script from the script", res.Error)
	}
	// With the session present the script answers the user id.
	if _, err := s.Admin(ctx, "HSET", e.Keys[0], "user", "42"); err != nil {
		t.Fatal(err)
	}
	res = s.Run(ctx, redisx.Call{Script: redisx.NewScript(e.Source), Keys: e.Keys, Args: e.Args}, nil)
	if res.Error != nil || res.Reply == nil || string(res.Reply.Str) != "42" {
		t.Fatalf("with a session: %+v %v", res.Error, res.Reply)
	}
}

// TestPatternsAcrossRuns runs the patterns again on the state they leave,
// which is how they are used: the second call of a claim is idempotent,
// the sliding window fills up, the stock runs out.
func TestPatternsAcrossRuns(t *testing.T) {
	srv := sandboxtest.StartT(t)
	ctx := context.Background()
	s, err := redisx.Connect(ctx, redisx.Target{Network: srv.Network(), Addr: srv.Addr(), Protocol: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run := func(name string, args ...string) string {
		t.Helper()
		e, err := examples.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if args == nil {
			args = e.Args
		}
		res := s.Run(ctx, redisx.Call{Script: redisx.NewScript(e.Source), Keys: e.Keys, Args: args}, nil)
		if res.Reply == nil {
			t.Fatalf("%s: no reply: %v", name, res.ClientErr)
		}
		return replyJSON(t, *res.Reply)
	}
	setup := func(name string) {
		e, _ := examples.Get(name)
		prepare(ctx, t, s, e)
	}
	arr := func(items ...string) string { return `{"type":"array","items":[` + strings.Join(items, ",") + `]}` }
	i := func(n string) string { return `{"type":"integer","value":` + n + `}` }
	b := func(v string) string { return `{"type":"bulk","value":"` + v + `"}` }

	setup("job-claim")
	run("job-claim")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"102", "worker-a", "30"}, arr(b("already-yours"), b("worker-a"))},
		{[]string{"102", "worker-b", "30"}, arr(b("taken"), b("worker-a"))},
	} {
		if got := run("job-claim", c.args...); got != c.want {
			t.Errorf("job-claim %v: %s, want %s", c.args, got, c.want)
		}
	}

	setup("sliding-window-rate-limit")
	for n, want := range []string{arr(i("1"), i("2")), arr(i("1"), i("1")), arr(i("1"), i("0")), arr(i("0"), i("0"))} {
		if got := run("sliding-window-rate-limit", "3", "60000", "req-"+string(rune('a'+n))); got != want {
			t.Errorf("sliding window call %d: %s, want %s", n+1, got, want)
		}
	}

	setup("fixed-window-rate-limit")
	if _, err := s.Admin(ctx, "DEL", "rate:user:42"); err != nil {
		t.Fatal(err)
	}
	if got := run("fixed-window-rate-limit"); got != arr(i("1"), i("4")) {
		t.Errorf("first call in a window: %s", got)
	}
	if ttl, _ := s.Admin(ctx, "TTL", "rate:user:42"); ttl == nil || ttl.Int <= 0 {
		t.Errorf("the first call set no expiry: TTL %v", ttl)
	}

	setup("stock-decrement")
	if got := run("stock-decrement", "2"); got != arr(i("1"), i("0")) {
		t.Errorf("taking the last 2: %s", got)
	}
	if got := run("stock-decrement", "1"); got != arr(i("0"), i("0")) {
		t.Errorf("taking from an empty stock: %s", got)
	}

	setup("lock-release")
	if got := run("lock-release", "worker-b:91c2"); got != i("1") {
		t.Errorf("the owner's release: %s", got)
	}

	setup("error-no-rollback")
	run("error-no-rollback")
	if v, _ := s.Admin(ctx, "GET", "account:{7}:audit"); v == nil || string(v.Str) != "1" {
		t.Errorf("the write before error() should stay: audit = %v", v)
	}
}

// prepare empties the key space and sends the example's setup commands.
func prepare(ctx context.Context, t *testing.T, s *redisx.Session, e examples.Example) {
	t.Helper()
	cmds := append([][]string{{"FLUSHALL"}}, e.Setup...)
	for _, c := range cmds {
		args := make([]any, len(c))
		for i, a := range c {
			args[i] = a
		}
		v, err := s.Admin(ctx, args...)
		if err != nil {
			t.Fatalf("setup %q: %v", c, err)
		}
		if v.Kind == resp.Error {
			t.Fatalf("setup %q: %s", c, v.Str)
		}
	}
}

func replyJSON(t *testing.T, v resp.Value) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// normalize re-encodes a JSON reply node with the entries of maps and the
// items of sets sorted: Redis builds them from a Lua table, whose order is
// not part of any contract.
func normalize(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, s)
	}
	b, _ := json.Marshal(sortUnordered(v))
	return string(b)
}

func sortUnordered(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for _, field := range []string{"items", "entries"} {
		list, ok := m[field].([]any)
		if !ok {
			continue
		}
		for i := range list {
			list[i] = sortUnordered(list[i])
			if e, ok := list[i].(map[string]any); ok && field == "entries" {
				e["key"], e["value"] = sortUnordered(e["key"]), sortUnordered(e["value"])
			}
		}
		if typ := m["type"]; typ == "set" || typ == "map" || typ == "attribute" {
			sort.Slice(list, func(i, j int) bool {
				a, _ := json.Marshal(list[i])
				b, _ := json.Marshal(list[j])
				return string(a) < string(b)
			})
		}
	}
	return m
}
