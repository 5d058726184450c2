package ldb

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		raw  string
		want Line
	}{
		{"* Stopped at 5, stop reason = step over",
			Line{Kind: KindStop, Num: 5, Text: "step over"}},
		{"* Stopped at 1234, stop reason = timeout reached, infinite loop?",
			Line{Kind: KindStop, Num: 1234, Text: "timeout reached, infinite loop?"}},
		{"-> 5   local x = 1", Line{Kind: KindSource, Num: 5, Text: "local x = 1", Current: true}},
		{"->#12  x()", Line{Kind: KindSource, Num: 12, Text: "x()", Current: true, Breakpoint: true}},
		{"  #123 x()", Line{Kind: KindSource, Num: 123, Text: "x()", Breakpoint: true}},
		{"   1234 x()", Line{Kind: KindSource, Num: 1234, Text: "x()"}},
		// Indented code keeps its indentation; an empty line keeps nothing.
		{"   2     return a + b", Line{Kind: KindSource, Num: 2, Text: "  return a + b"}},
		{"   7   ", Line{Kind: KindSource, Num: 7, Text: ""}},
		{"   9   <out of range source code line>", Line{Kind: KindSource, Num: 9, Text: "<out of range source code line>"}},
		{"<redis> set k v", Line{Kind: KindRedis, Text: "set k v"}},
		{"<command> set k v", Line{Kind: KindRedis, Text: "set k v"}}, // Valkey
		{`<reply> "+OK"`, Line{Kind: KindReply, Text: `"+OK"`}},
		{"<error> -ERR value is not an integer or out of range", Line{Kind: KindError, Text: "-ERR value is not an integer or out of range"}},
		{"<value> a = 1", Line{Kind: KindValue, Text: "a = 1"}},
		{"<retval> {5}", Line{Kind: KindRetval, Text: "{5}"}},
		{`<debug> line 3: "hello", 1, {1; 2; "x"}`, Line{Kind: KindDebug, Num: 3, Text: `"hello", 1, {1; 2; "x"}`}},
		{"<debug> something else", Line{Kind: KindDebug, Text: "something else"}},
		{"<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.",
			Line{Kind: KindHint, Text: "The above reply was trimmed. Use 'maxlen 0' to disable trimming."}},
		{"<endsession>", Line{Kind: KindEndSession}},
		// Text: anything else, including near misses.
		{"No such variable.", Line{Kind: KindText, Text: "No such variable."}},
		{"3 breakpoints set:", Line{Kind: KindText, Text: "3 breakpoints set:"}},
		{"In top level:", Line{Kind: KindText, Text: "In top level:"}},
		{"                     line = 0 means: current position.", Line{Kind: KindText, Text: "                     line = 0 means: current position."}},
		{"* Stopped at x, stop reason = y", Line{Kind: KindText, Text: "* Stopped at x, stop reason = y"}},
		{"* Stopped at 3", Line{Kind: KindText, Text: "* Stopped at 3"}},
		{"<endsession> ", Line{Kind: KindText, Text: "<endsession> "}},
		{"<REDIS> x", Line{Kind: KindText, Text: "<REDIS> x"}},
		{"<redis>", Line{Kind: KindText, Text: "<redis>"}},
		{"-> 5x  y", Line{Kind: KindText, Text: "-> 5x  y"}},
		{"-> 5", Line{Kind: KindText, Text: "-> 5"}},
		{"=> 5   y", Line{Kind: KindText, Text: "=> 5   y"}},
		{"", Line{Kind: KindText}},
		// Raw bytes pass through untouched (the UI escapes them).
		{"<reply> \x1b[2J\xff", Line{Kind: KindReply, Text: "\x1b[2J\xff"}},
	}
	for _, tc := range tests {
		got := ParseLine(tc.raw)
		tc.want.Raw = tc.raw
		if got != tc.want {
			t.Errorf("ParseLine(%q)\n got %+v\nwant %+v", tc.raw, got, tc.want)
		}
	}
}

func TestParseVars(t *testing.T) {
	all := []Line{
		ParseLine("<value> a = 1"),
		ParseLine(`<value> s = "x = y"`),
		ParseLine("<value> (for index) = 2"),
		ParseLine(`<value> long = "xxxx ...`),
		ParseLine("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming."),
	}
	want := []Var{
		{Name: "a", Value: "1"},
		{Name: "s", Value: `"x = y"`},
		{Name: "(for index)", Value: "2"},
		{Name: "long", Value: `"xxxx ...`, Truncated: true},
	}
	if got := parseVars(all, ""); !reflect.DeepEqual(got, want) {
		t.Errorf("parseVars(all) = %+v", got)
	}
	one := parseVars([]Line{ParseLine("<value> {1; 2}")}, "KEYS")
	if !reflect.DeepEqual(one, []Var{{Name: "KEYS", Value: "{1; 2}"}}) {
		t.Errorf("parseVars(KEYS) = %+v", one)
	}
	if got := parseVars([]Line{ParseLine("No such variable.")}, "x"); got != nil {
		t.Errorf("no such variable gave %+v", got)
	}
}

func TestSplitSource(t *testing.T) {
	tests := map[string][]string{
		"":                    nil,
		"\n\n":                nil,
		"a":                   {"a"},
		"a\nb\n\n":            {"a", "b"},
		"a\r\nb\r\n":          {"a", "b"},
		"a\n\nb":              {"a", "", "b"},
		"  x\n\ty":            {"  x", "\ty"},
		"a\rb\n":              {"a\rb"}, // the server splits on \n only
		"return 1 -- end\r\n": {"return 1 -- end"},
	}
	for in, want := range tests {
		if got := splitSource(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitSource(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitEval(t *testing.T) {
	word := strings.Repeat("w", 100)
	long := strings.TrimSpace(strings.Repeat(word+" ", 40)) // 4039 bytes
	for _, code := range []string{
		"1+1",
		strings.Repeat("x", maxArg),
		long,
		long + " ",                // a trailing space must not make an empty part
		"  " + long,               // leading spaces
		strings.Repeat(" ", 3000), // only spaces
		strings.Repeat("y", 1023) + "  " + strings.Repeat("z", 1023), // adjacent spaces
		strings.Repeat("y", 1024) + " " + strings.Repeat("z", 1024),
	} {
		parts, err := splitEval(code)
		if err != nil {
			t.Errorf("splitEval(%d bytes): %v", len(code), err)
			continue
		}
		if err := checkArgs(parts); err != nil {
			t.Errorf("splitEval(%d bytes) gave parts the server refuses: %v", len(code), err)
		}
		if got := strings.Join(parts, " "); got != code {
			t.Errorf("splitEval(%d bytes): joined back differs", len(code))
		}
	}
	for _, code := range []string{"", strings.Repeat("x", maxArg+1), "a " + strings.Repeat("x", 1500) + " b"} {
		if _, err := splitEval(code); !errors.Is(err, ErrBadArgument) {
			t.Errorf("splitEval(%d bytes) = %v, want ErrBadArgument", len(code), err)
		}
	}
}

func TestCheckArgs(t *testing.T) {
	ok := [][]string{{"s"}, {"e", strings.Repeat("x", 1024)}, make1024("1")}
	for _, a := range ok {
		if err := checkArgs(a); err != nil {
			t.Errorf("checkArgs(%d args) = %v", len(a), err)
		}
	}
	bad := [][]string{{"e", ""}, {"e", strings.Repeat("x", 1025)}, append(make1024("1"), "1")}
	for _, a := range bad {
		if err := checkArgs(a); !errors.Is(err, ErrBadArgument) {
			t.Errorf("checkArgs(%d args) = %v, want ErrBadArgument", len(a), err)
		}
	}
}

func make1024(s string) []string {
	a := make([]string, maxArgs)
	for i := range a {
		a[i] = s
	}
	return a
}

func TestWrapEval(t *testing.T) {
	tests := []struct{ code, head string }{
		{"1+1", exprHead},
		{"redis.call('get', 'k')", exprHead},
		{"1 -- a comment", exprHead},
		{"local t = {} return t", stmtHead},
		{"x = 1", stmtHead},
		{"x(", ""}, // sent as it is: the server's compile error names the user's code
	}
	for _, tc := range tests {
		got := wrapEval(tc.code)
		switch {
		case tc.head == "" && got != tc.code:
			t.Errorf("wrapEval(%q) = %q, want it unchanged", tc.code, got)
		case tc.head != "" && !strings.HasPrefix(got, tc.head+tc.code+"\n"):
			t.Errorf("wrapEval(%q) = %q, want the %q wrapper", tc.code, got, tc.head)
		}
		if tc.head != "" && !parses(got) && !parses("return "+got) {
			t.Errorf("wrapEval(%q) does not compile: %q", tc.code, got)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"* Stopped at 5, stop reason = step over", "->#12  x()", "<debug> line 3: a", "<endsession>", "   1   "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		l := ParseLine(raw)
		if l.Raw != raw {
			t.Fatalf("Raw = %q, want %q", l.Raw, raw)
		}
		if !strings.Contains(raw, l.Text) {
			t.Fatalf("Text %q is not part of %q", l.Text, raw)
		}
	})
}

func FuzzSplitEval(f *testing.F) {
	f.Add("1+1", 3)
	f.Fuzz(func(t *testing.T, word string, n int) {
		code := strings.Repeat(word, min(max(n, 1), 3000))
		parts, err := splitEval(code)
		if err != nil {
			if !errors.Is(err, ErrBadArgument) {
				t.Fatal(err)
			}
			return
		}
		if strings.Join(parts, " ") != code {
			t.Fatal("parts do not join back to the code")
		}
		for _, p := range parts {
			if p == "" || len(p) > maxArg {
				t.Fatalf("part of %d bytes", len(p))
			}
		}
	})
}
