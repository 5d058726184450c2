package redisx

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

func TestParseRedirect(t *testing.T) {
	for _, tc := range []struct {
		msg, kind, addr string
		slot            int
		ok              bool
	}{
		{"MOVED 3999 127.0.0.1:6381", "MOVED", "127.0.0.1:6381", 3999, true},
		{"ASK 0 redis-2.internal:6379", "ASK", "redis-2.internal:6379", 0, true},
		{"MOVED 16383 [::1]:7000", "MOVED", "[::1]:7000", 16383, true},
		{"MOVED 12 :6381", "MOVED", "127.0.0.1:6381", 12, true}, // Redis 7: host unknown
		// Not redirects: luascope never dials, nor writes into a note, these.
		{"MOVED 3999 \x1b]52;c;aGk=\x07:1", "", "", 0, false},
		{"MOVED 3999 127.0.0.1:\u202e1", "", "", 0, false},
		{"MOVED 3999 h\u0085st:1", "", "", 0, false},
		{"MOVED 3999 127.0.0.1:0", "", "", 0, false},
		{"MOVED 3999 127.0.0.1:65536", "", "", 0, false},
		{"MOVED 3999 127.0.0.1", "", "", 0, false},
		{"MOVED 16384 127.0.0.1:1", "", "", 0, false},
		{"MOVED -1 127.0.0.1:1", "", "", 0, false},
		{"ASK x 127.0.0.1:1", "", "", 0, false},
		{"ERR MOVED 1 127.0.0.1:1", "", "", 0, false},
	} {
		kind, slot, addr, ok := ParseRedirect(tc.msg)
		if kind != tc.kind || slot != tc.slot || addr != tc.addr || ok != tc.ok {
			t.Errorf("ParseRedirect(%q) = %q %d %q %v, want %q %d %q %v", tc.msg, kind, slot, addr, ok, tc.kind, tc.slot, tc.addr, tc.ok)
		}
	}
}

// safeForTerminal reports the first rune a terminal would act on.
func safeForTerminal(s string) (rune, bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			return r, false
		case r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return r, false
		case r != 0x200d && r != 0x200c && unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			return r, false
		}
	}
	return 0, true
}

// TestReportTextIsPrintable: every line of a run's text report that
// carries server or user text — the target, the server's version, a
// step's note, node and error, an effect, the explain tree, the
// classification's hint and client notes — is escaped.
func TestReportTextIsPrintable(t *testing.T) {
	evil := "\x1b]52;c;aGk=\x07\u202e\u0085\xff"
	c := classify.Classify("MOVED 3999 " + evil + ":1")
	reply := resp.Value{Kind: resp.Error, Str: []byte(c.Message)}
	rep := Report{
		Target:   "redis://" + evil,
		Server:   ReportServer{Version: evil, Mode: evil, Flavor: evil},
		Function: Arg(evil),
		Keys:     []Arg{Arg(evil)},
		Steps: []ReportStep{{Command: []Arg{"GET", Arg(evil)}, Node: evil, Outcome: OutcomeMoved, Reply: &reply,
			Note: "MOVED: slot 3999 is served by " + evil}, {Command: []Arg{"GET"}, Node: evil, Outcome: OutcomeFailed, Error: "dial " + evil}},
		Reply:    &reply,
		Error:    &c,
		Warnings: []string{evil},
		Effects:  []Effect{{Key: evil, After: KeyState{Exists: true, Type: evil, Preview: evil}, Changes: []string{evil}}},
	}
	for _, quiet := range []bool{false, true} {
		var b bytes.Buffer
		if err := rep.WriteText(&b, quiet); err != nil {
			t.Fatal(err)
		}
		if r, ok := safeForTerminal(b.String()); !ok {
			t.Errorf("quiet=%v: raw %U in\n%s", quiet, r, b.String())
		}
	}
	var b bytes.Buffer
	if err := WriteClassification(&b, c); err != nil {
		t.Fatal(err)
	}
	if r, ok := safeForTerminal(b.String()); !ok || !strings.Contains(b.String(), `\x1b]52`) {
		t.Errorf("classification: raw %U in\n%s", r, b.String())
	}
	b.Reset()
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if r, ok := safeForTerminal(b.String()); !ok {
		t.Errorf("JSON: raw %U in\n%s", r, b.String())
	}
	for _, field := range []string{`"keys":[{"hex":"`, `"function":{"hex":"`, `"message":{"hex":"`} {
		if !strings.Contains(b.String(), field) {
			t.Errorf("bytes that are not UTF-8 must be hex (%s):\n%s", field, b.String())
		}
	}
}
