package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// write puts files (name → content) in a fresh directory.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, path string) *File {
	t.Helper()
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// runOne runs the files' cases on the default sandbox server.
func runOne(t *testing.T, files ...*File) []CaseResult {
	t.Helper()
	sandboxtest.StartT(t).Stop() // skips or fails as every live test does when no server is installed
	res := Run(context.Background(), files, Options{Jobs: 2}, nil)
	if len(res) != 1 {
		t.Fatalf("%d server results", len(res))
	}
	return res[0].Cases
}

func byName(rs []CaseResult) map[string]CaseResult {
	m := map[string]CaseResult{}
	for _, r := range rs {
		m[r.Case] = r
	}
	return m
}

const counter = `local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n > 10 then return redis.error_reply('LIMIT over ten') end
return {n, 'ok', {double = 1.5}}
`

func TestLoadReportsEveryProblem(t *testing.T) {
	dir := write(t, map[string]string{"c.lua": counter, "bad.test.toml": `
script = "c.lua"
resp = 4
colour = "red"
[[case]]
name = "a"
expect = "1) nonsense"
expect_error = "scripterror"
[[case]]
name = "a"
calls = [{keys = ["k"]}]
keys = ["k"]
[[case]]
keys = [{hex = "zz"}]
[case.keys_after]
"k" = { ttl = "soon" }
`})
	_, err := Load(filepath.Join(dir, "bad.test.toml"))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"resp = 4", "unknown key colour", `case 1 ("a"): expect: line 1`, "scripterror\" is no error class", `case 2 ("a"): the same name as case 1`, "calls, or keys/args/repeat", "case 3: no name", "hex", `keys_after "k": ttl = "soon"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
	if _, err := Load(filepath.Join(write(t, map[string]string{"x.test.toml": "script = \"missing.lua\"\n[[case]]\nname = \"a\"\n"}), "x.test.toml")); err == nil || !strings.Contains(err.Error(), "missing.lua") {
		t.Errorf("a missing script: %v", err)
	}
}

func TestRunOutcomes(t *testing.T) {
	dir := write(t, map[string]string{"c.lua": counter, "c.test.toml": `
script = "c.lua"
setup = [["SET", "base", "1"]]

[[case]]
name = "passes"
keys = ["n"]
args = ["2"]
expect = """
1) (integer) 2
2) "ok"
3) "1.5"
"""
[case.keys_after]
"n" = { type = "string", value = "2", ttl = "none" }
"base" = { value = "1" }
"other" = { exists = false }

[[case]]
name = "wrong reply"
keys = ["n"]
args = ["3"]
expect = '''
1) (integer) 2
2) "ok"
3) "1.5"
'''

[[case]]
name = "error class"
repeat = 4
keys = ["n"]
args = ["3"]
expect_error = "script"
expect_message = "over ten"

[[case]]
name = "wrong key state"
keys = ["n"]
args = ["1"]
expect = "1) (integer) 1\n2) \"ok\"\n3) \"1.5\""
[case.keys_after]
"n" = { type = "hash" }

[[case]]
name = "setup fails"
setup = [["LPUSH", "n", "x"], ["NOSUCHCOMMAND"]]
keys = ["n"]
args = ["1"]
expect = "(integer) 1"

[[case]]
name = "binary key"
keys = [{hex = "00ff0a"}]
args = [4]
expect = "1) (integer) 4\n2) \"ok\"\n3) \"1.5\""
[case.keys_after]
"\\x00\\xff\\n" = { value = "4" }

[[case]]
name = "skipped"
skip = "not today"
`})
	f := load(t, filepath.Join(dir, "c.test.toml"))
	got := byName(runOne(t, f))
	want := map[string]Outcome{"passes": Pass, "wrong reply": Fail, "error class": Pass, "wrong key state": Fail, "setup fails": Error, "binary key": Pass, "skipped": Skip}
	for name, o := range want {
		if got[name].Outcome != o {
			t.Errorf("%s: %s, want %s\n%s", name, got[name].Outcome, o, CaseLine(got[name]))
		}
	}
	line := CaseLine(got["wrong reply"])
	for _, w := range []string{"FAIL ", "at reply[1]: expected (integer) 2, got (integer) 3", "expected:", "actual:", "steps:", "EVALSHA"} {
		if !strings.Contains(line, w) {
			t.Errorf("the failure lacks %q:\n%s", w, line)
		}
	}
	if l := CaseLine(got["wrong key state"]); !strings.Contains(l, `key "n": is a string, expected a hash`) {
		t.Errorf("key state:\n%s", l)
	}
	if l := CaseLine(got["setup fails"]); !strings.Contains(l, "setup NOSUCHCOMMAND") {
		t.Errorf("setup:\n%s", l)
	}
}

func TestClusterAndFunctions(t *testing.T) {
	dir := write(t, map[string]string{
		"c.lua": "return redis.call('MSET', KEYS[1], 1, KEYS[2], 2)",
		"lib.lua": "#!lua name=t\nredis.register_function('double', function(keys, args) return tonumber(args[1]) * 2 end)\n" +
			"redis.register_function{function_name='ro', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}\n",
		"cl.test.toml": `
script = "c.lua"
cluster = true
[[case]]
name = "same slot"
keys = ["{u}a", "{u}b"]
expect = "(status) OK"
[case.keys_after]
"{u}b" = { value = "2" }
[[case]]
name = "two slots"
keys = ["a", "b"]
expect_error = "crossslot"
`,
		"fn.test.toml": `
library = "lib.lua"
function = "double"
resp = 3
[[case]]
name = "doubles"
args = ["21"]
expect = "(integer) 42"
`})
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	sandboxtest.StartClusterT(t).Stop()
	got := byName(runOne(t, load(t, filepath.Join(dir, "cl.test.toml")), load(t, filepath.Join(dir, "fn.test.toml"))))
	for _, name := range []string{"same slot", "two slots", "doubles"} {
		if got[name].Outcome != Pass {
			t.Errorf("%s:\n%s", name, CaseLine(got[name]))
		}
	}
}

// --update writes the reply into expect and keeps the rest of the file:
// comments, other cases, key tables; the file then passes.
func TestUpdateKeepsTheFile(t *testing.T) {
	src := `# my tests
script = "c.lua"   # the counter

[[case]]
name = "empty"     # no expect yet
keys = ["n"]
args = ["2"]
# a comment after the keys
[case.keys_after]
"n" = { value = "2" }

[[case]]
name = "stale"
keys = ["n"]
args = ["5"]
expect = """
(integer) 1
"""   # stale
`
	dir := write(t, map[string]string{"c.lua": counter, "c.test.toml": src})
	path := filepath.Join(dir, "c.test.toml")
	rs := runOne(t, load(t, path))
	actual := map[int]string{}
	for i, r := range rs {
		if want := map[int]Outcome{0: Pass, 1: Fail}[i]; r.Outcome != want {
			t.Fatalf("%s: %s, want %s (keys_after only passes)", r.Case, r.Outcome, want)
		}
		actual[i] = r.Actual
	}
	if err := Update(path, actual); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	out := string(b)
	for _, keep := range []string{"# my tests", `script = "c.lua"   # the counter`, `name = "empty"     # no expect yet`, "# a comment after the keys", `"n" = { value = "2" }`} {
		if !strings.Contains(out, keep) {
			t.Errorf("update lost %q:\n%s", keep, out)
		}
	}
	if strings.Contains(out, "stale") && strings.Contains(out, "(integer) 1\n\"\"\"") {
		t.Errorf("the stale expect is still there:\n%s", out)
	}
	if i, j := strings.Index(out, "expect = '''"), strings.Index(out, "[case.keys_after]"); i < 0 || i > j {
		t.Errorf("expect not inserted before the case's key table:\n%s", out)
	}
	for _, r := range runOne(t, load(t, path)) {
		if r.Outcome != Pass {
			t.Errorf("after update, %s: %s", r.Case, CaseLine(r))
		}
	}
}

func TestJUnitAndJSON(t *testing.T) {
	dir := write(t, map[string]string{"c.lua": counter, "c.test.toml": `
script = "c.lua"
[[case]]
name = "ok"
keys = ["n"]
args = ["1"]
expect = "1) (integer) 1\n2) \"ok\"\n3) \"1.5\""
[[case]]
name = "bad <xml> & \u0001"
keys = ["n"]
args = ["1"]
expect = "(integer) 2"
`})
	sandboxtest.StartT(t).Stop()
	res := Run(context.Background(), []*File{load(t, filepath.Join(dir, "c.test.toml"))}, Options{}, nil)
	var b bytes.Buffer
	if err := WriteJUnit(&b, res); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if doc.Tests != 2 || doc.Failures != 1 || len(doc.Suites) != 1 || doc.Suites[0].Cases[1].Failure == nil || !strings.Contains(doc.Suites[0].Cases[1].Failure.Text, "expected") {
		t.Errorf("junit: %+v\n%s", doc, b.String())
	}
	if !strings.Contains(doc.Suites[0].Cases[1].Name, `\x01`) {
		t.Errorf("a control character in a name is not escaped: %q", doc.Suites[0].Cases[1].Name)
	}
	b.Reset()
	if err := WriteJSON(&b, res); err != nil || !strings.Contains(b.String(), `"failed": 1`) || !strings.Contains(b.String(), `"outcome": "fail"`) {
		t.Errorf("json: %v\n%s", err, b.String())
	}
}

// One case cannot spoil the next: a script that crashes the server
// (error({}) segfaults Redis 7.0, 8.0 and Valkey 8.1), a setup that shuts
// it down, a CONFIG SET — the next case still starts on a working, empty,
// default server. And an error given as the last of replies is expected.
func TestCasesDoNotSpoilEachOther(t *testing.T) {
	dir := write(t, map[string]string{
		"s.lua": "if ARGV[1] == 'crash' then error({}) end if ARGV[1] == 'err' then return redis.error_reply('ERR nope') end return redis.call('SET', KEYS[1], 'v')",
		"s.test.toml": `
script = "s.lua"
[[case]]
name = "crashes the server"
keys = ["k"]
args = ["crash"]
expect_error = "connection"
[[case]]
name = "after the crash"
keys = ["k"]
args = ["ok"]
expect = "(status) OK"
[[case]]
name = "shuts it down"
setup = [["SHUTDOWN", "NOSAVE"]]
keys = ["k"]
expect = "(status) OK"
[[case]]
name = "after the shutdown"
keys = ["k"]
expect = "(status) OK"
[[case]]
name = "no memory"
setup = [["CONFIG", "SET", "maxmemory", "1"]]
keys = ["k"]
expect_error = "oom"
[[case]]
name = "memory again"
calls = [{keys = ["k"], args = ["x"]}, {keys = ["k"], args = ["crash"]}]
replies = ["(status) OK", ""]
expect_error = "connection"
[[case]]
name = "an error as the last reply"
calls = [{keys = ["k"], args = ["x"]}, {keys = ["k"], args = ["err"]}]
replies = ["(status) OK", "(error) ERR nope"]
`})
	f := load(t, filepath.Join(dir, "s.test.toml"))
	sandboxtest.StartT(t).Stop()
	res := Run(context.Background(), []*File{f}, Options{Jobs: 1}, nil)
	got := byName(res[0].Cases)
	for name, want := range map[string]Outcome{"after the crash": Pass, "shuts it down": Error, "after the shutdown": Pass, "no memory": Pass, "memory again": Pass, "an error as the last reply": Pass} {
		if got[name].Outcome != want {
			t.Errorf("%s: %s, want %s\n%s", name, got[name].Outcome, want, CaseLine(got[name]))
		}
	}
}

func TestKeysAfterFieldsAreChecked(t *testing.T) {
	dir := write(t, map[string]string{"s.lua": "return 1", "s.test.toml": `
script = "s.lua"
[[case]]
name = "typo"
expect = "(integer) 1"
[case.keys_after]
"r" = { value = "1", tll = "10s" }
"q" = {}
"h" = { value = { f = "1" } }
`})
	_, err := Load(filepath.Join(dir, "s.test.toml"))
	if err == nil || !strings.Contains(err.Error(), `keys_after "r": unknown field tll`) || !strings.Contains(err.Error(), `keys_after "q": checks nothing`) || strings.Contains(err.Error(), `"h"`) {
		t.Errorf("%v", err)
	}
}

// --update keeps CRLF line ends and writes a symlinked file where it lives.
func TestUpdateCRLFAndSymlink(t *testing.T) {
	dir := write(t, map[string]string{"s.lua": "return 1", "real.test.toml": "script = \"s.lua\"\r\n[[case]]\r\nname = \"a\"\r\n"})
	link := filepath.Join(dir, "link.test.toml")
	if err := os.Symlink(filepath.Join(dir, "real.test.toml"), link); err != nil {
		t.Fatal(err)
	}
	if err := Update(link, map[int]string{0: "(integer) 1"}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link is no longer a link")
	}
	b, _ := os.ReadFile(filepath.Join(dir, "real.test.toml"))
	if s := string(b); !strings.Contains(s, "expect = '''\r\n(integer) 1\r\n'''\r\n") || strings.Count(s, "\n") != strings.Count(s, "\r\n") {
		t.Errorf("%q", s)
	}
}

// explain = true fails a case on a lossy conversion it does not allow.
func TestExplainLossy(t *testing.T) {
	dir := write(t, map[string]string{"l.lua": "return {3.83, 'a'}", "l.test.toml": "script = \"l.lua\"\nexplain = true\n" +
		"[[case]]\nname = \"lossy\"\nexpect = \"1) (integer) 3\\n2) \\\"a\\\"\"\n" +
		"[[case]]\nname = \"allowed\"\nallow_lossy = [\"reply[1]\"]\nexpect = \"1) (integer) 3\\n2) \\\"a\\\"\"\n"})
	got := byName(runOne(t, load(t, filepath.Join(dir, "l.test.toml"))))
	if r := got["lossy"]; r.Outcome != Fail || !strings.Contains(CaseLine(r), "lossy conversion: reply[1]: number → integer") {
		t.Errorf("lossy:\n%s", CaseLine(r))
	}
	if r := got["allowed"]; r.Outcome != Pass {
		t.Errorf("allowed:\n%s", CaseLine(r))
	}
}

// serverBin is a wrapper tools/servers.sh installed (e.g.
// "valkey-server-8.1.1"), or the test is skipped, saying why.
func serverBin(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(sandbox.ServersDir(), "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("not run: no %s (tools/servers.sh installs it): %v", name, err)
	}
	return p
}

// --update on several servers: expect from the first, an expect_on entry
// for each server that replies otherwise, none where they agree; entries
// a server contradicts are corrected under their own key, those for
// servers outside the run stay; the same run then passes.
func TestUpdateOnSeveralServers(t *testing.T) {
	sandboxtest.StartT(t).Stop()
	sys, err := sandbox.LookBinary("redis-server")
	if err != nil {
		t.Skip(err)
	}
	valkey := serverBin(t, "valkey-server-8.1.1")
	src := `script = "d.lua"   # {double=3.9}: 3.8999999999999999 on Redis 7.0, 3.9 on Valkey 8

[[case]]
name = "new"
args = ["3.9"]

# the next case
[[case]]
name = "agree"
args = ["1"]
[case.keys_after]
"k" = { exists = false }

[[case]]
name = "stale"
args = ["3.9"]
expect = '''
"3.9"
'''
[case.expect_on]   # "valkey": the user's width
"valkey" = '''
"4"
'''
"redis 6" = '''
"3.9"
'''
`
	dir := write(t, map[string]string{"d.lua": "return {double=tonumber(ARGV[1])}", "d.test.toml": src})
	path := filepath.Join(dir, "d.test.toml")
	opt := Options{Binaries: []string{sys, valkey}, Jobs: 2}
	res := Run(context.Background(), []*File{load(t, path)}, opt, nil)
	if len(res) != 2 || !strings.HasPrefix(res[0].Name, "redis 7.") || !strings.HasPrefix(res[1].Name, "valkey 8.") {
		t.Fatalf("servers: %+v", res)
	}
	plan := PlanUpdate([]*File{load(t, path)}, res)
	if len(plan.Notes) > 0 || len(plan.Files[path]) != 3 {
		t.Fatalf("plan %+v", plan)
	}
	if err := UpdateCases(path, plan.Files[path]); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	out := string(b)
	want := `script = "d.lua"   # {double=3.9}: 3.8999999999999999 on Redis 7.0, 3.9 on Valkey 8

[[case]]
name = "new"
args = ["3.9"]
expect = '''
"3.8999999999999999"
'''
[case.expect_on]
"valkey 8" = '''
"3.9"
'''

# the next case
[[case]]
name = "agree"
args = ["1"]
expect = '''
"1"
'''
[case.keys_after]
"k" = { exists = false }

[[case]]
name = "stale"
args = ["3.9"]
expect = '''
"3.8999999999999999"
'''
[case.expect_on]   # "valkey": the user's width
"valkey" = '''
"3.9"
'''
"redis 6" = '''
"3.9"
'''
`
	if out != want {
		t.Errorf("updated file:\n%s\nwant:\n%s", out, want)
	}
	for _, s := range Run(context.Background(), []*File{load(t, path)}, opt, nil) {
		for _, r := range s.Cases {
			if r.Outcome != Pass {
				t.Errorf("after update, on %s: %s", s.Name, CaseLine(r))
			}
		}
	}
	if p := PlanUpdate([]*File{load(t, path)}, Run(context.Background(), []*File{load(t, path)}, opt, nil)); len(p.Files) != 0 {
		t.Errorf("a second update changes %+v", p.Files)
	}
}

// The keys are as wide as the run allows: "redis 8" for 8.0, with
// "redis 8.2" for the 8.2 that answers otherwise.
func TestPlaceOnKeys(t *testing.T) {
	c := Case{HasExpect: false}
	replies := map[string]string{"redis 7.0.15": "A", "redis 8.0.2": "B", "redis 8.2.1": "C", "valkey 8.1.1": "B", "redis 7.2.4": "A"}
	servers := []string{"redis 7.0.15", "redis 8.0.2", "redis 8.2.1", "valkey 8.1.1", "redis 7.2.4"}
	on, newExpect, err := placeOn(c, servers[0], servers, replies)
	if err != nil || !newExpect {
		t.Fatal(err, newExpect)
	}
	want := map[string]string{"redis 8": "B", "redis 8.2": "C", "valkey 8": "B"}
	if len(on) != len(want) {
		t.Errorf("%v, want %v", on, want)
	}
	for k, v := range want {
		if on[k] != v {
			t.Errorf("%v, want %v", on, want)
		}
	}
	if got := keyCandidates("the sandbox's server"); len(got) != 1 {
		t.Errorf("%q", got)
	}
}

// expect_on is edited in the form the file has it: expect_on.KEY lines
// stay lines, a table added to a CRLF file has CRLF line ends; an inline
// table is refused, the file left as it was. An entry written on one line
// stays on one line (in a literal string: "3.9" reads as printed).
func TestUpdateExpectOnForms(t *testing.T) {
	three := `"3.9"`
	dir := write(t, map[string]string{"s.lua": "return 1",
		"dotted.test.toml": "script = \"s.lua\"\n[[case]]\nname = \"a\"\nexpect = \"(integer) 1\"\nexpect_on.\"redis 8\" = \"(integer) 2\"   # old\nexpect_on.valkey = \"(integer) 3\"\n\n[[case]]\nname = \"b\"\n",
		"crlf.test.toml":   "script = \"s.lua\"\r\n[[case]]\r\nname = \"a\"\r\n# before the next\r\n[[case]]\r\nname = \"b\"\r\n",
		"inline.test.toml": "script = \"s.lua\"\n[[case]]\nname = \"a\"\nexpect = \"(integer) 1\"\nexpect_on = { valkey = \"(integer) 3\" }\n",
	})
	dotted := filepath.Join(dir, "dotted.test.toml")
	if err := UpdateCases(dotted, map[int]Change{0: {SetOn: map[string]string{"valkey": `"3.9"`, "redis 7.2": "(integer) 7"}, DropOn: []string{"redis 8"}}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(dotted)
	if want := "script = \"s.lua\"\n[[case]]\nname = \"a\"\nexpect = \"(integer) 1\"\nexpect_on.valkey = '\"3.9\"'\nexpect_on.\"redis 7.2\" = '''\n(integer) 7\n'''\n\n[[case]]\nname = \"b\"\n"; string(b) != want {
		t.Errorf("dotted:\n%s\nwant:\n%s", b, want)
	}
	crlf := filepath.Join(dir, "crlf.test.toml")
	if err := UpdateCases(crlf, map[int]Change{0: {Expect: &three, SetOn: map[string]string{"valkey 8": "(integer) 1"}}}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(crlf)
	if want := "script = \"s.lua\"\r\n[[case]]\r\nname = \"a\"\r\nexpect = '''\r\n\"3.9\"\r\n'''\r\n[case.expect_on]\r\n\"valkey 8\" = '''\r\n(integer) 1\r\n'''\r\n# before the next\r\n[[case]]\r\nname = \"b\"\r\n"; string(b) != want {
		t.Errorf("crlf:\n%q\nwant:\n%q", b, want)
	}
	inline := filepath.Join(dir, "inline.test.toml")
	before, _ := os.ReadFile(inline)
	if err := UpdateCases(inline, map[int]Change{0: {SetOn: map[string]string{"valkey 8": "(integer) 1"}}}); err == nil || !strings.Contains(err.Error(), "inline table") {
		t.Errorf("inline: %v", err)
	}
	if after, _ := os.ReadFile(inline); string(after) != string(before) {
		t.Errorf("inline: the file changed:\n%s", after)
	}
}

// A case's time is its own run: the cluster's start-up (seconds) is not
// charged to the first cluster case, nor the replacing of a server a
// timed-out script left busy to the innocent case after it. Both are
// counted apart, in ServerResult and at the end of the summary line.
func TestCaseTimesLeaveOutStartupAndRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	dir := write(t, map[string]string{
		"s.lua":        "if ARGV[1] == 'spin' then redis.call('SET', 'x', '1') while true do end end return 1",
		"cl.test.toml": "script = \"s.lua\"\ncluster = true\n[[case]]\nname = \"first on the cluster\"\nexpect = \"(integer) 1\"\n",
		"sp.test.toml": "script = \"s.lua\"\n[[case]]\nname = \"spin\"\nargs = [\"spin\"]\nexpect = \"(integer) 1\"\n[[case]]\nname = \"after\"\nexpect = \"(integer) 1\"\n",
	})
	sandboxtest.StartClusterT(t).Stop()
	files := []*File{load(t, filepath.Join(dir, "cl.test.toml")), load(t, filepath.Join(dir, "sp.test.toml"))}
	res := Run(context.Background(), files, Options{Jobs: 1, Timeout: time.Second}, nil)
	if len(res) != 1 || len(res[0].Cases) != 3 {
		t.Fatalf("%+v", res)
	}
	s := res[0]
	got := byName(s.Cases)
	first, spin, after := got["first on the cluster"], got["spin"], got["after"]
	if first.Outcome != Pass || spin.Outcome != Error || after.Outcome != Pass {
		t.Fatalf("outcomes:\n%s%s%s", CaseLine(first), CaseLine(spin), CaseLine(after))
	}
	if s.Startup < first.Duration || first.Duration > 500*time.Millisecond {
		t.Errorf("the cluster's start-up (%s in all) is charged to the first case: %s", s.Startup, first.Duration)
	}
	if s.Recovery <= 0 || after.Duration > 500*time.Millisecond || after.Duration >= s.Recovery {
		t.Errorf("the recovery after the timed-out case (%s) is charged to the next: %s", s.Recovery, after.Duration)
	}
	if spin.Duration < time.Second || spin.Duration > 3*time.Second {
		t.Errorf("the timed-out case's own time is its timeout: %s", spin.Duration)
	}
	if o := Overhead(s); !strings.Contains(o, "start-up ") || !strings.Contains(o, ", recovery ") {
		t.Errorf("Overhead %q", o)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Servers []DocServer `json:"servers"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || len(doc.Servers) != 1 {
		t.Fatalf("json: %v\n%s", err, b.String())
	}
	// The figures are the run's, not zeros: this run started a cluster and
	// replaced the spun-out sandbox.
	if d := doc.Servers[0]; d.StartupMS < float64(s.Startup.Milliseconds()) || d.StartupMS <= 0 || d.RecoveryMS <= 0 {
		t.Errorf("json startup_ms %v (want %s), recovery_ms %v (want > 0)", d.StartupMS, s.Startup, d.RecoveryMS)
	}
}
