package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"luascope/redisx/sandbox"
	"luascope/redisx/sandbox/sandboxtest"
)

// startSandbox starts a private redis-server for one test.
func startSandbox(t *testing.T, config ...string) *sandbox.Server {
	return sandboxtest.StartT(t, config...)
}

// cli runs luascope in-process, as a user would from a shell.
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = realMain(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// runJSON runs a script through `luascope run --json` and returns the reply node.
func runJSON(t *testing.T, srv *sandbox.Server, extra []string, script string, keysArgs ...string) map[string]any {
	t.Helper()
	args := append([]string{"run", "--json", "-u", srv.URL(), "--strategy", "eval", "-e", script}, extra...)
	args = append(args, keysArgs...)
	out, errOut, code := cli(t, "", args...)
	if code != 0 && code != 1 {
		t.Fatalf("luascope %v: exit %d\n%s%s", args, code, out, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return rep
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestConversions checks every Lua→RESP and RESP→Lua conversion rule
// against a real server, for a RESP2 and a RESP3 caller, through the
// CLI's JSON contract. The expectations are Redis's documented rules
// (https://redis.io/docs/latest/develop/programmability/lua-api/).
func TestConversions(t *testing.T) {
	srv := startSandbox(t)
	c := srv.Client()
	defer c.Close()
	ctx := context.Background()
	c.HSet(ctx, "h", "f", "v")
	c.SAdd(ctx, "s", "m")
	c.Set(ctx, "str", "v", 0)

	cases := []struct {
		name, script string
		resp2, resp3 string // expected reply JSON for a RESP2 / RESP3 caller
	}{
		// Lua → RESP.
		{"number is truncated", "return 3.9", `{"type":"integer","value":3}`, `{"type":"integer","value":3}`},
		{"negative fraction truncates toward zero", "return -0.5", `{"type":"integer","value":0}`, `{"type":"integer","value":0}`},
		{"negative number", "return -3.9", `{"type":"integer","value":-3}`, `{"type":"integer","value":-3}`},
		{"string is bulk", "return 'x'", `{"type":"bulk","value":"x"}`, `{"type":"bulk","value":"x"}`},
		{"number as string keeps fraction", "return tostring(3.9)", `{"type":"bulk","value":"3.9"}`, `{"type":"bulk","value":"3.9"}`},
		{"true is 1", "return true", `{"type":"integer","value":1}`, `{"type":"integer","value":1}`},
		{"false is nil", "return false", `{"type":"nil"}`, `{"type":"nil"}`},
		{"nil is nil", "return nil", `{"type":"nil"}`, `{"type":"nil"}`},
		{"array cut at first nil", "return {1, 2, nil, 4}", `{"type":"array","items":[{"type":"integer","value":1},{"type":"integer","value":2}]}`, `{"type":"array","items":[{"type":"integer","value":1},{"type":"integer","value":2}]}`},
		{"string keys dropped", "return {a=1, b=2}", `{"type":"array","items":[]}`, `{"type":"array","items":[]}`},
		{"ok table is status", "return {ok='fine'}", `{"type":"status","value":"fine"}`, `{"type":"status","value":"fine"}`},
		{"status_reply", "return redis.status_reply('PONG')", `{"type":"status","value":"PONG"}`, `{"type":"status","value":"PONG"}`},
		{"err table is error", "return {err='ERR bad'}", `{"type":"error","value":"ERR bad"}`, `{"type":"error","value":"ERR bad"}`},
		{"error inside an array", "return {1, redis.error_reply('ERR inner')}", `{"type":"array","items":[{"type":"integer","value":1},{"type":"error","value":"ERR inner"}]}`, `{"type":"array","items":[{"type":"integer","value":1},{"type":"error","value":"ERR inner"}]}`},
		{"nested", "return {1, {'a', {ok='OK'}}}", `{"type":"array","items":[{"type":"integer","value":1},{"type":"array","items":[{"type":"bulk","value":"a"},{"type":"status","value":"OK"}]}]}`, `{"type":"array","items":[{"type":"integer","value":1},{"type":"array","items":[{"type":"bulk","value":"a"},{"type":"status","value":"OK"}]}]}`},
		{"double table", "return {double=1.5}", `{"type":"bulk","value":"1.5"}`, `{"type":"double","value":1.5}`},
		{"map table", "return {map={a=1}}", `{"type":"array","items":[{"type":"bulk","value":"a"},{"type":"integer","value":1}]}`, `{"type":"map","entries":[{"key":{"type":"bulk","value":"a"},"value":{"type":"integer","value":1}}]}`},
		{"set table", "return {set={a=true}}", `{"type":"array","items":[{"type":"bulk","value":"a"}]}`, `{"type":"set","items":[{"type":"bulk","value":"a"}]}`},
		{"big_number table", "return {big_number='123456789012345678901234567890'}", `{"type":"bulk","value":"123456789012345678901234567890"}`, `{"type":"bignum","value":"123456789012345678901234567890"}`},
		{"verbatim table", "return {verbatim_string={format='txt', string='hi'}}", `{"type":"bulk","value":"hi"}`, `{"type":"verbatim","format":"txt","value":"hi"}`},
		{"setresp(3) true", "redis.setresp(3) return true", `{"type":"integer","value":1}`, `{"type":"boolean","value":true}`},
		{"setresp(3) false", "redis.setresp(3) return false", `{"type":"integer","value":0}`, `{"type":"boolean","value":false}`},
		{"setresp(3) nil", "redis.setresp(3) return nil", `{"type":"nil"}`, `{"type":"nil"}`},
		// RESP → Lua (what redis.call hands the script).
		{"integer reply is number", "return type(redis.call('incr', 'n'))", `{"type":"bulk","value":"number"}`, `{"type":"bulk","value":"number"}`},
		{"bulk reply is string", "return type(redis.call('get', 'str'))", `{"type":"bulk","value":"string"}`, `{"type":"bulk","value":"string"}`},
		{"status reply is {ok=}", "local r = redis.call('set', 'x', 'y') return {type(r), r.ok}", `{"type":"array","items":[{"type":"bulk","value":"table"},{"type":"bulk","value":"OK"}]}`, `{"type":"array","items":[{"type":"bulk","value":"table"},{"type":"bulk","value":"OK"}]}`},
		{"error reply is {err=} under pcall", "local r = redis.pcall('incr', 'str') return {type(r), r.err}", `{"type":"array","items":[{"type":"bulk","value":"table"},{"type":"bulk","value":"ERR value is not an integer or out of range"}]}`, `{"type":"array","items":[{"type":"bulk","value":"table"},{"type":"bulk","value":"ERR value is not an integer or out of range"}]}`},
		{"nil bulk is false (RESP2)", "return type(redis.call('get', 'missing'))", `{"type":"bulk","value":"boolean"}`, `{"type":"bulk","value":"boolean"}`},
		{"nil is nil after setresp(3)", "redis.setresp(3) return type(redis.call('get', 'missing'))", `{"type":"bulk","value":"nil"}`, `{"type":"bulk","value":"nil"}`},
		{"array reply is table", "return type(redis.call('smembers', 's'))", `{"type":"bulk","value":"table"}`, `{"type":"bulk","value":"table"}`},
		{"map is flat array in RESP2 mode", "return redis.call('hgetall', 'h')", `{"type":"array","items":[{"type":"bulk","value":"f"},{"type":"bulk","value":"v"}]}`, `{"type":"array","items":[{"type":"bulk","value":"f"},{"type":"bulk","value":"v"}]}`},
		{"map is {map=} after setresp(3)", "redis.setresp(3) local r = redis.call('hgetall', 'h') return r.map.f", `{"type":"bulk","value":"v"}`, `{"type":"bulk","value":"v"}`},
		{"map passes through after setresp(3)", "redis.setresp(3) return redis.call('hgetall', 'h')", `{"type":"array","items":[{"type":"bulk","value":"f"},{"type":"bulk","value":"v"}]}`, `{"type":"map","entries":[{"key":{"type":"bulk","value":"f"},"value":{"type":"bulk","value":"v"}}]}`},
		{"set is {set=} after setresp(3)", "redis.setresp(3) local r = redis.call('smembers', 's') return tostring(r.set.m)", `{"type":"bulk","value":"true"}`, `{"type":"bulk","value":"true"}`},
		{"double is {double=} after setresp(3)", "redis.setresp(3) redis.call('zadd', 'z', 1.5, 'm') local r = redis.call('zscore', 'z', 'm') return tostring(r.double)", `{"type":"bulk","value":"1.5"}`, `{"type":"bulk","value":"1.5"}`},
		{"double is a string in RESP2 mode", "redis.call('zadd', 'z', 1.5, 'm') return type(redis.call('zscore', 'z', 'm'))", `{"type":"bulk","value":"string"}`, `{"type":"bulk","value":"string"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, proto := range []struct {
				flags []string
				want  string
			}{{nil, tc.resp2}, {[]string{"-3"}, tc.resp3}} {
				rep := runJSON(t, srv, proto.flags, tc.script)
				var want any
				if err := json.Unmarshal([]byte(proto.want), &want); err != nil {
					t.Fatal(err)
				}
				if got := compact(rep["reply"]); got != compact(want) {
					t.Errorf("%v %q\n got  %s\n want %s", proto.flags, tc.script, got, proto.want)
				}
			}
		})
	}
}
