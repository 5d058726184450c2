package redisx

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		in   string
		want Target
	}{
		{"redis://localhost", Target{Network: "tcp", Addr: "localhost:6379"}},
		{"redis://:s3cret@10.0.0.1:6380/2", Target{Network: "tcp", Addr: "10.0.0.1:6380", Password: "s3cret", DB: 2}},
		{"redis://alice:pw@h:1", Target{Network: "tcp", Addr: "h:1", Username: "alice", Password: "pw"}},
		{"redis://justpw@h", Target{Network: "tcp", Addr: "h:6379", Password: "justpw"}},
		{"rediss://h:6390", Target{Network: "tcp", Addr: "h:6390", TLS: TLSOptions{Enabled: true}}},
		{"unix:///tmp/redis.sock?db=3", Target{Network: "unix", Addr: "/tmp/redis.sock", DB: 3}},
		{"redis://[::1]:7000", Target{Network: "tcp", Addr: "[::1]:7000"}},
	}
	for _, c := range cases {
		got, err := ParseURL(c.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", c.in, err)
			continue
		}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", c.want) || got.Password != c.want.Password {
			t.Errorf("ParseURL(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestParseURLErrorsNeverLeakPassword(t *testing.T) {
	for _, in := range []string{
		"http://u:topsecret@h", "redis://u:topsecret@h:notaport", "redis://u:topsecret@h/notadb",
		"u:topsecret@h", "unix://u:topsecret@", "redis://u:topsecret@h/%zz",
	} {
		_, err := ParseURL(in)
		if err == nil {
			t.Errorf("ParseURL(%q): no error", in)
			continue
		}
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("ParseURL(%q): %v is not ErrBadURL", in, err)
		}
		if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("ParseURL(%q) error leaks the password: %v", in, err)
		}
	}
}

func TestTargetNeverPrintsPassword(t *testing.T) {
	tg := Target{Network: "tcp", Addr: "h:1", Username: "bob", Password: "topsecret", DB: 4}
	for _, s := range []string{
		tg.String(), fmt.Sprint(tg), fmt.Sprintf("%v %+v %#v %s", tg, tg, tg, tg.Password),
		fmt.Sprintf("%q", tg.Password),
	} {
		if strings.Contains(s, "topsecret") {
			t.Fatalf("password leaked: %s", s)
		}
	}
	b, _ := json.Marshal(tg)
	if strings.Contains(string(b), "topsecret") {
		t.Fatalf("password leaked in JSON: %s", b)
	}
	if got, want := tg.String(), "redis://bob:***@h:1/4"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if tg.Password.Reveal() != "topsecret" {
		t.Error("Reveal lost the password")
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"redis://u:pw@h:1":  "redis://u:***@h:1",
		"redis://pw@h":      "redis://***@h",
		"redis://h:1":       "redis://h:1",
		"rediss://:p@w@d@h": "rediss://:***@h",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeySlot(t *testing.T) {
	// Values from CLUSTER KEYSLOT on a real server (and Redis's cluster spec).
	for key, want := range map[string]int{
		"foo": 12182, "bar": 5061, "{user1000}.following": 3443, "{user1000}.followers": 3443,
		"foo{}{bar}": 8363, "foo{{bar}}zap": 4015, "foo{bar}{zap}": 5061, "": 0,
	} {
		if got := KeySlot(key); got != want {
			t.Errorf("KeySlot(%q) = %d, want %d", key, got, want)
		}
	}
}

func TestParseShebang(t *testing.T) {
	if parseShebang("return 1") != nil {
		t.Error("no shebang expected")
	}
	sb := parseShebang("#!lua flags=no-writes,allow-oom,bogus name=x\r\nreturn 1")
	if sb == nil || sb.Engine != "lua" || strings.Join(sb.Flags, ",") != "no-writes,allow-oom,bogus" ||
		strings.Join(sb.Unknown, ",") != "bogus" || !sb.HasFlag("no-writes") || sb.HasFlag("no-cluster") {
		t.Errorf("ParseShebang = %+v", sb)
	}
	if sb := parseShebang("#!lua\nreturn 1"); sb == nil || len(sb.Flags) != 0 {
		t.Errorf("bare shebang = %+v", sb)
	}
	// SHA1 of "return 1" as SCRIPT LOAD returns it.
	if got := SHA1("return 1"); got != "e0e1f9fabfc9d4800c877a703b823ac0578ff8db" {
		t.Errorf("SHA1 = %s", got)
	}
}

func TestQueryPasswordIsNeverShown(t *testing.T) {
	for _, in := range []string{"unix:///tmp/x.sock?db=zz&password=topsecret", "redis://h?password=topsecret", "redis://h/1?password=topsecret"} {
		_, err := ParseURL(in)
		if err == nil || strings.Contains(err.Error(), "topsecret") {
			t.Errorf("ParseURL(%q) = %v", in, err)
		}
	}
}
