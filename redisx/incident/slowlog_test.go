package incident

import (
	"strings"
	"testing"

	"luascope/redisx"
)

// The words below are what redis-server 7.0 logs: a word over 128 bytes
// is kept as its first 128 and "... (N more bytes)", a command of more
// than 32 words as 31 and "... (N more arguments)".
func TestScriptCall(t *testing.T) {
	body := strings.Repeat("x", 128)
	cases := []struct {
		words []string
		want  Call
		ok    bool
	}{
		{[]string{"SET", "k", "v"}, Call{}, false},
		{[]string{"evalsha", "ABCDEF", "2", "k1", "k2", "a"}, Call{Command: "EVALSHA", SHA: "abcdef", Keys: []string{"k1", "k2"}, Args: []string{"a"}}, true},
		{[]string{"EVAL", "return 1", "0"}, Call{Command: "EVAL", SHA: redisx.SHA1("return 1"), Body: "return 1", Keys: []string{}, Args: []string{}}, true},
		{[]string{"EVAL", body + "... (10 more bytes)", "1", "k"}, Call{Command: "EVAL", Body: body, BodyCut: true, Cut: true, Keys: []string{"k"}, Args: []string{}}, true},
		{[]string{"FCALL_RO", "fn", "0", "a", "... (40 more arguments)"}, Call{Command: "FCALL_RO", Function: "fn", Cut: true, Keys: []string{}, Args: []string{"a"}}, true},
		{[]string{"FCALL", "fn", "5", "k"}, Call{Command: "FCALL", Function: "fn", Keys: []string{"k"}, Args: []string{}}, true},
	}
	for _, c := range cases {
		got, ok := ScriptCall(c.words)
		if ok != c.ok || got.Command != c.want.Command || got.SHA != c.want.SHA || got.Body != c.want.Body ||
			got.BodyCut != c.want.BodyCut || got.Cut != c.want.Cut || got.Function != c.want.Function ||
			strings.Join(got.Keys, ",") != strings.Join(c.want.Keys, ",") || strings.Join(got.Args, ",") != strings.Join(c.want.Args, ",") {
			t.Errorf("ScriptCall(%q) = %+v %v, want %+v %v", c.words, got, ok, c.want, c.ok)
		}
	}
}

func TestKillFor(t *testing.T) {
	for cmd, want := range map[string]string{"fcall": "FUNCTION KILL", "FCALL_RO": "FUNCTION KILL", "eval": "SCRIPT KILL",
		"EVALSHA_RO": "SCRIPT KILL", "GET": ""} {
		if _, got := KillFor([]string{cmd, "x"}); got != want {
			t.Errorf("KillFor(%s) = %q, want %q", cmd, got, want)
		}
	}
}

// A library file answers for the functions it registers, in both forms.
func TestResolverLibrary(t *testing.T) {
	lib := "#!lua name=l\nredis.register_function('a', function() end)\n" +
		"redis.register_function{function_name = \"b\", callback = function() end}\n"
	r := NewResolver([]Known{{From: "file", Detail: "l.lua", Text: lib}})
	for _, fn := range []string{"a", "b"} {
		if s := r.Resolve(Call{Function: fn}); s == nil || s.Detail != "l.lua" {
			t.Errorf("function %s: %+v", fn, s)
		}
	}
	if s := r.Resolve(Call{Function: "c"}); s != nil {
		t.Errorf("unknown function resolved: %+v", s)
	}
	// Lua's tokens, not a pattern: a call in a comment or a string is no
	// registration.
	lib2 := "#!lua name=m\n-- redis.register_function('old', f)\nlocal s = \"redis.register_function('str', f)\"\n" +
		"server.register_function('d', function() end)\n"
	r = NewResolver([]Known{{From: "file", Detail: "m.lua", Text: lib2}})
	if s := r.Resolve(Call{Function: "d"}); s == nil || s.Detail != "m.lua" {
		t.Errorf("function d (server.register_function): %+v", s)
	}
	for _, fn := range []string{"old", "str"} {
		if s := r.Resolve(Call{Function: fn}); s != nil {
			t.Errorf("function %s, named only in a comment or string, resolved: %+v", fn, s)
		}
	}
}
