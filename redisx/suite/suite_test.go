package suite

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
