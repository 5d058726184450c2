package main

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"luascope/history"
	"luascope/redisx"
)

// TestMain lets a test run this test binary as the luascope command
// (LUASCOPE_AS_MAIN=1), to see what another process would: exit status,
// process title.
func TestMain(m *testing.M) {
	if os.Getenv("LUASCOPE_AS_MAIN") == "1" {
		os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	// Tests never touch the user's own history or config.
	dir, err := os.MkdirTemp("", "luascope-test-xdg-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	xdg.Reload()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestExitCodes(t *testing.T) {
	srv := startSandbox(t, "requirepass pw")
	u := "redis://:pw@" + srv.Addr()
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"reply", []string{"run", "-u", u, "-e", "return 1"}, exitOK},
		{"error reply", []string{"run", "-u", u, "-e", "return redis.error_reply('boom')"}, exitErrorReply},
		{"compile error", []string{"run", "-u", u, "-e", "return +"}, exitErrorReply},
		{"unknown flag", []string{"run", "--bogus"}, exitUsage},
		{"no script", []string{"run", "-u", u}, exitUsage},
		{"bad strategy", []string{"run", "-u", u, "--strategy", "nope", "-e", "return 1"}, exitUsage},
		{"missing file", []string{"run", "-u", u, "/nonexistent/x.lua"}, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"bad port", []string{"run", "-p", "70000", "-e", "return 1"}, exitUsage},
		{"unreachable", []string{"run", "-h", "127.0.0.1", "-p", freePort(t), "-e", "return 1"}, exitConnection},
		{"bad url", []string{"run", "-u", "http://x", "-e", "return 1"}, exitConnection},
		{"wrong password", []string{"run", "-u", "redis://:nope@" + srv.Addr(), "-e", "return 1"}, exitConnection},
		{"no password", []string{"run", "-u", "redis://" + srv.Addr(), "-e", "return 1"}, exitConnection},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := cli(t, "", c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			if code == exitUsage || code == exitConnection {
				if lines := strings.Count(strings.TrimSpace(errOut), "\n"); errOut == "" || lines > 2 {
					t.Errorf("want one clear line on stderr, got %q", errOut)
				}
			}
		})
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, p, _ := net.SplitHostPort(l.Addr().String())
	return p
}

func TestPasswordNeverShown(t *testing.T) {
	srv := startSandbox(t, "requirepass hunter2secret")
	for _, args := range [][]string{
		{"run", "-u", "redis://:hunter2secret@" + srv.Addr(), "-e", "return 1"},
		{"run", "--json", "-u", "redis://:hunter2secret@" + srv.Addr(), "-e", "return 1"},
		{"run", "-u", "redis://:wrong-hunter2secret@" + srv.Addr(), "-e", "return 1"},
		{"run", "-a", "hunter2secret", "-h", "127.0.0.1", "-p", srv.Addr()[strings.LastIndex(srv.Addr(), ":")+1:], "-e", "return 1"},
		{"run", "-u", "redis://:hunter2secret@" + srv.Addr() + "/notadb", "-e", "return 1"},
		{"run", "-u", "redis://:hunter2secret@" + srv.Addr(), "-e", "return redis.call('config', 'get', 'requirepass')"},
	} {
		out, errOut, _ := cli(t, "", args...)
		// The last case asks the server for its password on purpose: the
		// reply is the user's own data and is shown; nothing else may be.
		if strings.Contains(args[len(args)-1], "config") {
			out = strings.ReplaceAll(out, `"hunter2secret"`, "")
		}
		if strings.Contains(out+errOut, "hunter2secret") {
			t.Errorf("%v leaked the password:\n%s\n%s", args, out, errOut)
		}
	}
}

func TestPasswordHiddenFromProcessTitle(t *testing.T) {
	srv := startSandbox(t, "requirepass hunter2secret")
	port := srv.Addr()[strings.LastIndex(srv.Addr(), ":")+1:]
	// The script runs for about a second, long enough to read the title.
	cmd := exec.Command(os.Args[0], "run", "--no-auth-warning", "-a", "hunter2secret", "-p", port,
		"-e", "local t = redis.call('time') local s = tonumber(t[1]) while tonumber(redis.call('time')[1]) < s + 2 do end return 1")
	cmd.Env = append(os.Environ(), "LUASCOPE_AS_MAIN=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait() //nolint:errcheck
	time.Sleep(700 * time.Millisecond)
	title, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/cmdline")
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if bytes.Contains(title, []byte("hunter2secret")) {
		t.Errorf("password visible in the process title: %q", title)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run failed: %v\n%s", err, out.String())
	}
}

func TestJSONContract(t *testing.T) {
	srv := startSandbox(t)
	out, _, code := cli(t, "", "run", "--json", "-u", srv.URL(), "-e", "#!lua flags=no-writes\nreturn {1, 'two', {ok='OK'}}", "k1", ",", "a1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var rep struct {
		Target string `json:"target"`
		Server struct {
			Version, Mode string
		} `json:"server"`
		Script struct {
			SHA   string   `json:"sha"`
			Flags []string `json:"flags"`
		} `json:"script"`
		Strategy string `json:"strategy"`
		Steps    []struct {
			Command []string        `json:"command"`
			Node    string          `json:"node"`
			Outcome string          `json:"outcome"`
			Reply   json.RawMessage `json:"reply"`
			Micros  *int64          `json:"micros"`
		} `json:"steps"`
		Reply json.RawMessage `json:"reply"`
		Error json.RawMessage `json:"error"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	src := "#!lua flags=no-writes\nreturn {1, 'two', {ok='OK'}}"
	if rep.Target != srv.URL() || rep.Server.Version == "" || rep.Server.Mode != "standalone" ||
		rep.Script.SHA != redisx.SHA1(src) || strings.Join(rep.Script.Flags, ",") != "no-writes" ||
		rep.Strategy != "evalsha-load" || len(rep.Steps) != 3 || string(rep.Error) != "null" {
		t.Errorf("report: %+v", rep)
	}
	for _, st := range rep.Steps {
		if st.Node == "" || st.Micros == nil || len(st.Command) == 0 || st.Outcome == "" || len(st.Reply) == 0 {
			t.Errorf("step: %+v", st)
		}
	}
	if rep.Steps[0].Outcome != "noscript" || strings.Join(rep.Steps[0].Command, " ") != "EVALSHA "+rep.Script.SHA+" 1 k1 a1" {
		t.Errorf("first step: %+v", rep.Steps[0])
	}
	want := `{"type":"array","items":[{"type":"integer","value":1},{"type":"bulk","value":"two"},{"type":"status","value":"OK"}]}`
	if string(rep.Reply) != want {
		t.Errorf("reply %s\nwant  %s", rep.Reply, want)
	}

	out, _, code = cli(t, "", "run", "--json", "-u", srv.URL(), "-e", "return redis.call('nosuchcommand')")
	var failed struct {
		Error struct {
			Class, Source, Message, SHA, Hint string
			Line                              int
			Clients                           map[string]string
		}
	}
	if err := json.Unmarshal([]byte(out), &failed); err != nil || code != 1 {
		t.Fatalf("exit %d %v\n%s", code, err, out)
	}
	if failed.Error.Class != "command" || failed.Error.Line != 1 || failed.Error.Hint == "" ||
		failed.Error.Clients["redis-py"] == "" || failed.Error.Clients["go-redis"] == "" {
		t.Errorf("error: %+v", failed.Error)
	}
}

func TestBinaryReplyIsEscapedInText(t *testing.T) {
	srv := startSandbox(t)
	out, _, code := cli(t, "", "run", "-u", srv.URL(), "-e", `return {"\27[2J\27]0;pwned\7", "a\0b", "\200\255"}`)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if strings.ContainsAny(out, "\x1b\x07\x00") || !strings.Contains(out, `\x1b[2J`) || !strings.Contains(out, `a\x00b`) {
		t.Errorf("server bytes reached the terminal raw:\n%q", out)
	}
	js, _, _ := cli(t, "", "run", "--json", "-u", srv.URL(), "-e", `return "\200\255"`)
	if !strings.Contains(js, `"hex":"c8ff"`) {
		t.Errorf("invalid UTF-8 should be hex in JSON: %s", js)
	}
}

func TestExplainError(t *testing.T) {
	out, _, code := cli(t, "", "explain-error", "no such key script: 871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a")
	if code != 0 || !strings.Contains(out, "class     script") || !strings.Contains(out, "871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a") {
		t.Errorf("misdiagnosis: exit %d\n%s", code, out)
	}
	out, _, code = cli(t, "NOSCRIPT No matching script. Please use EVAL.\n", "explain-error", "--json", "-")
	var c struct{ Class, Source string }
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != 0 || c.Class != "noscript" || c.Source != "cache" {
		t.Errorf("stdin json: exit %d %v %s", code, err, out)
	}
	if _, _, code := cli(t, "", "explain-error"); code != exitUsage {
		t.Errorf("no message: exit %d", code)
	}
}

func TestStdinScriptAndKeysArgs(t *testing.T) {
	srv := startSandbox(t)
	out, errOut, code := cli(t, "return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", "run", "-q", "-u", srv.URL(), "-", "a", "b", ",", "x", "y")
	if code != 0 || out != "1) \"a\"\n2) \"b\"\n3) \"x\"\n4) (integer) 2\n" {
		t.Errorf("exit %d\n%q\n%s", code, out, errOut)
	}
}

func TestVersion(t *testing.T) {
	out, _, code := cli(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "luascope ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestSandboxByDefault(t *testing.T) {
	// The default address is one nobody listens on (a port just freed),
	// so the test does not depend on what runs at 6379 on this machine.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := l.Addr().String()
	_ = l.Close()
	defer func(old string) { defaultAddr = old }(defaultAddr)
	defaultAddr = free
	t.Setenv("REDIS_URL", "")
	out, errOut, code := cli(t, "", "run", "-e", "return redis.call('ping')")
	if code != 0 || !strings.Contains(errOut, "no server at "+free) || !strings.Contains(out, "(status) PONG") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// history = false in a --config FILE counts as it does in the default
// config file: the run is not recorded (run used to read only the default
// file for it).
func TestRunConfigFileHistoryOff(t *testing.T) {
	srv := startSandbox(t)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte("history = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := cli(t, "", "run", "--config", cfg, "-u", srv.URL(), "-e", "return 'history off by --config'"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p, err := history.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	st, err := history.Open(p, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := st.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Source, "history off by --config") {
			t.Error("a run with history = false in its --config file was recorded")
		}
	}
}

func TestRunIsRecordedInHistory(t *testing.T) {
	srv := startSandbox(t, "requirepass hunter2secret")
	u := "redis://:hunter2secret@" + srv.Addr()
	if _, _, code := cli(t, "", "run", "-u", u, "-e", "return redis.call('incr', KEYS[1])", "hist:key", ",", "a\x00"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, _, code := cli(t, "", "run", "--no-history", "-u", u, "-e", "return 'not recorded'"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	p, err := history.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	st, err := history.Open(p, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	entries, problems, err := st.Load()
	if err != nil || len(problems) != 0 {
		t.Fatalf("load: %v %v", err, problems)
	}
	var found *history.Entry
	for i, e := range entries {
		if strings.Contains(e.Source, "not recorded") {
			t.Error("--no-history run was recorded")
		}
		if len(e.Keys) == 1 && e.Keys[0] == "hist:key" {
			found = &entries[i]
		}
	}
	if found == nil {
		t.Fatalf("run not in history: %+v", entries)
	}
	if found.Reply != "(integer) 1" || len(found.Steps) != 3 || found.Strategy != "evalsha-load" || found.Args[0] != "a\\x00" && found.Args[0] != "a\x00" {
		t.Errorf("entry: %+v", found)
	}
	raw, _ := os.ReadFile(p)
	if strings.Contains(string(raw), "hunter2secret") {
		t.Error("history file holds the password")
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("history mode %v", fi.Mode().Perm())
	}
}

func TestJSONOnConnectionFailure(t *testing.T) {
	out, _, code := cli(t, "", "run", "--json", "-p", freePort(t), "-h", "127.0.0.1", "-e", "return 1")
	var rep struct {
		Steps []any
		Error struct{ Class, Hint string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitConnection {
		t.Fatalf("exit %d, %v: %q", code, err, out)
	}
	if rep.Error.Class != "connection" || rep.Steps == nil || !strings.Contains(rep.Error.Hint, "did not run") {
		t.Errorf("report %+v", rep)
	}
}

func TestURLPasswordWorks(t *testing.T) {
	srv := startSandbox(t, "requirepass s3cretpw")
	cmd := exec.Command(os.Args[0], "run", "-q", "-u", "redis://:s3cretpw@"+srv.Addr(), "-e", "return 'in'")
	cmd.Env = append(os.Environ(), "LUASCOPE_AS_MAIN=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"in"`) {
		t.Fatalf("password in -u (real argv): %v\n%s", err, out)
	}
}

func TestNamedConnectionInRun(t *testing.T) {
	srv := startSandbox(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("strategy = \"eval\"\n[connections.ro]\nurl = \""+srv.URL()+"\"\nreadonly = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code := cli(t, "", "run", "--json", "--config", cfg, "--connection", "ro", "-e", "return redis.call('set','k','v')")
	var rep struct {
		Strategy string
		ReadOnly bool
		Steps    []struct{ Command []string }
		Error    struct{ Class string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d %v %s", code, err, out)
	}
	if rep.Strategy != "eval" || !rep.ReadOnly || rep.Steps[0].Command[0] != "EVAL_RO" || rep.Error.Class != "write_denied" || code != 1 {
		t.Errorf("exit %d report %+v", code, rep)
	}
	if _, errOut, code := cli(t, "", "run", "--config", cfg, "--connection", "nope", "-e", "return 1"); code != exitUsage || !strings.Contains(errOut, "ro") {
		t.Errorf("unknown connection: exit %d %s", code, errOut)
	}
}

func TestEscapesInErrorMessages(t *testing.T) {
	_, errOut, code := cli(t, "", "run", "/nonexistent/evil\x1b[2J\x07.lua")
	if code != exitUsage || strings.ContainsAny(errOut, "\x1b\x07") || !strings.Contains(errOut, `\x1b[2J`) {
		t.Errorf("exit %d: %q", code, errOut)
	}
}

func TestCrashingErrorTableRefusedWhenProtected(t *testing.T) {
	srv := startSandbox(t)
	script := "if ARGV[1] == 'boom' then error({code=1}) end return 1"
	_, errOut, code := cli(t, "", "run", "--ro", "-u", srv.URL(), "-e", script)
	if code != exitErrorReply || !strings.Contains(errOut, "not sent: line 1") {
		t.Errorf("read-only: exit %d %s", code, errOut)
	}
	out, errOut, code := cli(t, "", "run", "-u", srv.URL(), "-e", script)
	if code != 0 || !strings.Contains(errOut, "warning: line 1") || !strings.Contains(out, "(integer) 1") {
		t.Errorf("warning only: exit %d %s %s", code, out, errOut)
	}
}
