package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

// A server is not to be trusted with the terminal: whatever bytes it puts
// in a redirect, an error or a CLUSTER NODES line, luascope's output
// carries no escape sequence, control character or bidi override. Real
// servers never send such bytes, so these tests talk to a fake one.

// The redirects name an "address" that is an OSC 52 clipboard write, and
// the cluster's addresses carry CSI sequences and U+202E.
const (
	osc52     = "\x1b]52;c;aGk=\x07"
	movedEvil = "-MOVED 3999 " + osc52 + ":1\r\n"
	askEvil   = "-ASK 3999 " + osc52 + ":1\r\n"
)

// fakeRedis answers just enough of the protocol to be connected to;
// reply gives the raw reply to everything else ("" for the defaults).
type fakeRedis struct {
	ln    net.Listener
	mode  string // "standalone" or "cluster"
	reply func(cmd []string) string

	mu   sync.Mutex
	seen [][]string
	wg   sync.WaitGroup
}

func startFakeRedis(t *testing.T, mode string, reply func(cmd []string) string) *fakeRedis {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRedis{ln: ln, mode: mode, reply: reply}
	f.wg.Add(1)
	go f.accept()
	t.Cleanup(func() {
		ln.Close()
		f.wg.Wait()
	})
	return f
}

func (f *fakeRedis) addr() string { return f.ln.Addr().String() }

func (f *fakeRedis) port() string {
	_, p, _ := net.SplitHostPort(f.addr())
	return p
}

func (f *fakeRedis) accept() {
	defer f.wg.Done()
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		conns.Add(1)
		go func() {
			defer conns.Done()
			f.serve(c)
		}()
	}
}

func (f *fakeRedis) serve(c net.Conn) {
	defer c.Close()
	go func() {
		// Closing the listener ends the test: drop the connection too.
		f.wg.Wait()
	}()
	r := bufio.NewReader(c)
	for {
		cmd, err := readCommand(r)
		if err != nil {
			return
		}
		f.mu.Lock()
		f.seen = append(f.seen, cmd)
		f.mu.Unlock()
		out := ""
		if f.reply != nil {
			out = f.reply(cmd)
		}
		if out == "" {
			out = f.defaultReply(cmd)
		}
		if _, err := io.WriteString(c, out); err != nil {
			return
		}
	}
}

// readCommand reads one RESP array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "*") {
		return strings.Fields(line), nil // inline command
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		return nil, err
	}
	cmd := make([]string, n)
	for i := range cmd {
		hdr, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		size, err := strconv.Atoi(strings.TrimSpace(hdr[1:]))
		if err != nil {
			return nil, err
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		cmd[i] = string(buf[:size])
	}
	if len(cmd) > 0 {
		cmd[0] = strings.ToUpper(cmd[0])
	}
	return cmd, nil
}

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

// defaultReply is Redis 7.0.15's answer where the test does not care.
func (f *fakeRedis) defaultReply(cmd []string) string {
	switch cmd[0] {
	case "HELLO":
		fields := []string{"server", "redis", "version", "7.0.15", "proto", ":2", "id", ":7", "mode", f.mode, "role", "master", "modules", "*0"}
		var b strings.Builder
		b.WriteString("*14\r\n")
		for i, v := range fields {
			if i%2 == 1 && (strings.HasPrefix(v, ":") || strings.HasPrefix(v, "*")) {
				b.WriteString(v + "\r\n")
			} else {
				b.WriteString(bulk(v))
			}
		}
		return b.String()
	case "PING":
		return "+PONG\r\n"
	case "INFO":
		enabled := "0"
		if f.mode == "cluster" {
			enabled = "1"
		}
		return bulk("# Server\r\nredis_version:7.0.15\r\nredis_mode:" + f.mode + "\r\n# Cluster\r\ncluster_enabled:" + enabled + "\r\n")
	case "SCRIPT":
		if len(cmd) > 2 && strings.EqualFold(cmd[1], "LOAD") {
			sum := sha1.Sum([]byte(cmd[2]))
			return bulk(hex.EncodeToString(sum[:]))
		}
		return "*1\r\n:0\r\n"
	case "CLIENT", "SELECT", "READONLY", "AUTH":
		return "+OK\r\n"
	case "CLUSTER":
		if len(cmd) > 1 && strings.EqualFold(cmd[1], "NODES") {
			return bulk(f.addrID("a") + " " + f.addr() + "@1 myself,master - 0 0 1 connected 0-16383\n")
		}
		if len(cmd) > 1 && strings.EqualFold(cmd[1], "MYID") {
			return bulk(f.addrID("a"))
		}
	}
	return "-ERR unknown command '" + strings.ToLower(cmd[0]) + "'\r\n"
}

func (f *fakeRedis) addrID(c string) string { return strings.Repeat(c, 40) }

// unsafeRune is what must never reach a terminal from a server: controls
// but newline and tab, DEL, C1, format characters (bidi overrides and
// isolates, zero-width spaces), line and paragraph separators, and bytes
// that are not UTF-8.
func unsafeRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r == 0x200c || r == 0x200d:
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// assertSafe fails when out holds a byte a terminal would act on.
func assertSafe(t *testing.T, what, out string) {
	t.Helper()
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		if unsafeRune(r, size) {
			lo, hi := max(0, i-40), min(len(out), i+40)
			t.Errorf("%s: raw %U at byte %d: %q", what, r, i, out[lo:hi])
			return
		}
		i += size
	}
}

func TestRedirectAddressNeverRaw(t *testing.T) {
	for _, tc := range []struct {
		name, reply string
		mode        string
		args        []string
	}{
		{"run MOVED", movedEvil, "standalone", nil},
		{"run ASK", askEvil, "standalone", nil},
		{"run -c MOVED", movedEvil, "cluster", []string{"-c"}},
		{"run -c ASK", askEvil, "cluster", []string{"-c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startFakeRedis(t, tc.mode, func(cmd []string) string {
				switch cmd[0] {
				case "EVALSHA", "EVAL", "EVALSHA_RO", "EVAL_RO", "ASKING":
					return tc.reply
				}
				return ""
			})
			for _, extra := range [][]string{nil, {"--json"}, {"--strategy", "eval"}} {
				args := append([]string{"run", "--no-history", "-h", "127.0.0.1", "-p", f.port()}, tc.args...)
				args = append(args, extra...)
				args = append(args, "-e", "return redis.call('get', KEYS[1])", "k")
				out, errOut, code := cli(t, "", args...)
				if code == exitOK {
					t.Errorf("%v: exit 0\n%s", args, out)
				}
				assertSafe(t, fmt.Sprintf("%v stdout", args), out)
				assertSafe(t, fmt.Sprintf("%v stderr", args), errOut)
				if len(extra) == 0 && !strings.Contains(out, `\x1b]52`) {
					t.Errorf("%v: the address is not shown escaped:\n%s", args, out)
				}
			}
		})
	}
}

func TestExplainErrorEscapesRedirect(t *testing.T) {
	for _, msg := range []string{movedEvil[1 : len(movedEvil)-2], askEvil[1 : len(askEvil)-2]} {
		for _, extra := range [][]string{nil, {"--json"}} {
			args := append([]string{"explain-error"}, extra...)
			out, errOut, code := cli(t, "", append(args, msg)...)
			if code != exitOK {
				t.Errorf("%q: exit %d %s", msg, code, errOut)
			}
			assertSafe(t, fmt.Sprintf("explain-error %v stdout", extra), out)
			assertSafe(t, fmt.Sprintf("explain-error %v stderr", extra), errOut)
		}
		// From stdin too.
		out, _, _ := cli(t, msg+"\n", "explain-error", "-")
		assertSafe(t, "explain-error - stdout", out)
		if !strings.Contains(out, `\x1b]52`) {
			t.Errorf("the address is not shown escaped:\n%s", out)
		}
	}
}

// hostileNodes is a CLUSTER NODES reply whose second node's address,
// flags and link state carry a CSI sequence, U+202E, a C1 control and
// a byte that is not UTF-8.
func hostileNodes(f *fakeRedis) string {
	return f.addrID("a") + " " + f.addr() + "@1 myself,master - 0 0 1 connected 0-8191\n" +
		f.addrID("b") + " 127.0.0.1:\x1b[2J\u202e1@2 master,\x1b[31mevil - 0 0 2 conn\u009bected\xff 8192-16383\n"
}

func TestClusterViewNeverRaw(t *testing.T) {
	var f *fakeRedis
	f = startFakeRedis(t, "cluster", func(cmd []string) string {
		if cmd[0] == "CLUSTER" && len(cmd) > 1 && strings.EqualFold(cmd[1], "NODES") {
			return bulk(hostileNodes(f))
		}
		return ""
	})
	for _, extra := range [][]string{nil, {"--json"}, {"--sha", strings.Repeat("a", 40)}, {"--json", "--sha", strings.Repeat("a", 40)}} {
		args := append([]string{"cluster", "-h", "127.0.0.1", "-p", f.port()}, extra...)
		out, errOut, code := cli(t, "", args...)
		if code != exitOK {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		assertSafe(t, fmt.Sprintf("%v stdout", args), out)
		assertSafe(t, fmt.Sprintf("%v stderr", args), errOut)
		if len(extra) > 0 && extra[0] == "--json" {
			if !json.Valid([]byte(out)) {
				t.Errorf("%v: not JSON:\n%s", args, out)
			}
			// The link state is not UTF-8: hex, not U+FFFD.
			if want := `"link":{"hex":"` + hex.EncodeToString([]byte("conn\u009bected\xff")) + `"}`; !strings.Contains(out, want) {
				t.Errorf("%v: want %s in\n%s", args, want, out)
			}
		}
	}
}

func TestBatchJSONNeverRaw(t *testing.T) {
	f := startFakeRedis(t, "standalone", func(cmd []string) string {
		switch cmd[0] {
		case "EVALSHA", "EVAL", "EVALSHA_RO", "EVAL_RO":
			return "-ERR \u202edeliver\x1b[2J " + osc52 + " \xff\xfe\r\n"
		}
		return ""
	})
	input := "k1 , a\nk\u202e2 , \x1b]0;title\x07\n"
	for _, extra := range [][]string{{"--json"}, nil} {
		args := append([]string{"batch", "-h", "127.0.0.1", "-p", f.port(), "--input", "-", "-e", "return 1"}, extra...)
		out, errOut, code := cli(t, input, args...)
		if code != exitErrorReply {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		assertSafe(t, fmt.Sprintf("batch %v stdout", extra), out)
		assertSafe(t, fmt.Sprintf("batch %v stderr", extra), errOut)
		if len(extra) > 0 {
			// The error text is not UTF-8: its bytes come out as hex.
			want := `"message":{"hex":"` + hex.EncodeToString([]byte("ERR \u202edeliver\x1b[2J "+osc52+" \xff\xfe")) + `"}`
			if strings.Count(out, want) != 2 {
				t.Errorf("batch --json: want two lines with %s:\n%s", want, out)
			}
		}
	}
}

// TestRunJSONKeysArgsHex: keys and arguments that are not UTF-8 come out
// of run --json as {"hex":…}, as the steps and the history write them,
// never as U+FFFD; bidi and control characters as \u escapes.
func TestRunJSONKeysArgsHex(t *testing.T) {
	srv := startSandbox(t)
	out, errOut, code := cli(t, "", "run", "--json", "--no-history", "-u", srv.URL(),
		"-e", "return #KEYS + #ARGV", "k\xff", "k\u202e", ",", "\xfe\x00", "a\x1b[2J")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	assertSafe(t, "run --json", out)
	var rep struct {
		Keys []json.RawMessage `json:"keys"`
		Args []json.RawMessage `json:"args"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := fmt.Sprintf("%s %s %s %s", rep.Keys[0], rep.Keys[1], rep.Args[0], rep.Args[1])
	want := `{"hex":"6bff"} "k\u202e" {"hex":"fe00"} "a\u001b[2J"`
	if got != want {
		t.Errorf("keys and args\n got %s\nwant %s", got, want)
	}
	if strings.Contains(out, `\ufffd`) || strings.ContainsRune(out, utf8.RuneError) {
		t.Errorf("U+FFFD in the report:\n%s", out)
	}
}
