package suite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCaseAsUser: a case with user/password runs its calls logged in as
// that ACL user, created by its setup, while the setups and keys_after
// run as the server's connection; a user who may not write gets the
// server's refusal, a wrong password is the case's error, and the file
// rules (password without user, a user in a cluster file) are reported.
func TestCaseAsUser(t *testing.T) {
	acl := `["ACL", "SETUSER", "reader", "reset", "on", ">pw", "~k*", "+@read", "+eval", "+evalsha", "+script|load"]`
	dir := write(t, map[string]string{"w.lua": "local r = redis.pcall('SET', KEYS[1], 'x')\nif type(r) == 'table' and r.err then return 'refused' end\nreturn 'written'\n", "u.test.toml": `
script = "w.lua"
[[case]]
name = "as the server's connection"
setup = [["SET", "k1", "before"]]
keys = ["k1"]
expect = '"written"'
[case.keys_after]
"k1" = { value = "x" }
[[case]]
name = "as reader"
setup = [["SET", "k1", "before"], ` + acl + `]
user = "reader"
password = "pw"
keys = ["k1"]
expect = '"refused"'
[case.keys_after]
"k1" = { value = "before" }
[[case]]
name = "wrong password"
setup = [` + acl + `]
user = "reader"
password = "nope"
keys = ["k1"]
expect = '"written"'
`})
	f := load(t, filepath.Join(dir, "u.test.toml"))
	got := byName(runOne(t, f))
	if r := got["as the server's connection"]; r.Outcome != Pass {
		t.Errorf("default user: %s %q", r.Outcome, r.Failures)
	}
	if r := got["as reader"]; r.Outcome != Pass {
		t.Errorf("as reader: %s %q", r.Outcome, r.Failures)
	}
	if r := got["wrong password"]; r.Outcome != Error || !strings.Contains(strings.Join(r.Failures, "\n"), "connect as ACL user reader") {
		t.Errorf("wrong password: %s %q", r.Outcome, r.Failures)
	}
	for _, p := range strings.Split(strings.Join(append(got["wrong password"].Failures, got["as reader"].Failures...), "\n"), "\n") {
		if strings.Contains(p, "nope") || strings.Contains(p, ">pw") {
			t.Errorf("a password in the output: %q", p)
		}
	}

	bad := write(t, map[string]string{"w.lua": "return 1\n", "p.test.toml": `
script = "w.lua"
[[case]]
name = "a"
password = "pw"
expect = "(integer) 1"
`, "c.test.toml": `
script = "w.lua"
cluster = true
[[case]]
name = "a"
user = "reader"
expect = "(integer) 1"
`})
	if _, err := Load(filepath.Join(bad, "p.test.toml")); err == nil || !strings.Contains(err.Error(), "password without user") {
		t.Errorf("password without user: %v", err)
	}
	if _, err := Load(filepath.Join(bad, "c.test.toml")); err == nil || !strings.Contains(err.Error(), "cluster = true file cannot run a case as an ACL user") {
		t.Errorf("user in a cluster file: %v", err)
	}
}
