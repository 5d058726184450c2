package classify

import "testing"

// textOnly are errors whose class only their text tells, in the exact
// words of each server (Redis 7.0.15 observed; Redis 8.0 and Valkey 8.1
// read in their sources: deps/lua/src/lapi.c and lvm.c, t_stream.c,
// db.c, functions.c, eval.c, script_lua.c or src/lua/), each in the forms
// a user meets: with the script trailer, as redis.pcall hands it back,
// without the code, pasted from redis-py or redis-cli.
var textOnly = []struct {
	servers string
	tc
}{
	// Lua's readonly tables (globals, redis, string, cjson…), all servers.
	{"redis 7.0, 8.0, valkey 8.1", tc{msg: "ERR user_script:1: Attempt to modify a readonly table script: " + sha1a + ", on @user_script:1.", class: Runtime, source: SourceScript, line: 1, sha: sha1a}},
	{"redis 7.0, 8.0, valkey 8.1: raised by setmetatable, no location", tc{msg: "ERR Attempt to modify a readonly table script: " + sha1a + ", on @user_script:1.", class: Runtime, source: SourceScript, line: 1, sha: sha1a}},
	{"function", tc{msg: "ERR user_function:3: Attempt to modify a readonly table script: myfunc, on @user_function:3.", class: Runtime, source: SourceScript, line: 3, fn: "myfunc"}},
	{"caught by pcall and returned", tc{msg: "user_script:1: Attempt to modify a readonly table", class: Runtime, source: SourceScript, line: 1}},
	{"bare", tc{msg: "ERR Attempt to modify a readonly table", class: Runtime, source: SourceScript}},
	{"bare, no code", tc{msg: "Attempt to modify a readonly table", class: Runtime, source: SourceScript}},
	{"redis-py", tc{msg: "redis.exceptions.ResponseError: user_script:1: Attempt to modify a readonly table script: " + sha1a + ", on @user_script:1.", class: Runtime, line: 1}},
	{"redis-cli", tc{msg: "(error) ERR Attempt to modify a readonly table script: " + sha1a + ", on @user_script:1.", class: Runtime, line: 1}},
	// The same family, for the variants of the global-variable texts.
	{"redis 7.0, 8.0, valkey 8.1", tc{msg: "ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: " + sha1a + ", on @user_script:1.", class: Runtime, source: SourceScript, line: 1}},
	{"bare", tc{msg: "Script attempted to access nonexistent global variable 'x'", class: Runtime, source: SourceScript}},
	{"redis 6.2", tc{msg: "ERR Script attempted to create global variable 'x'", class: Runtime, source: SourceScript}},

	// XREAD/XREADGROUP BLOCK in a script: Redis ≤ 7.2 only (7.4, 8.0 and
	// Valkey 8 run it without blocking, so they have no such error).
	{"redis 7.0", tc{msg: "ERR xread command is not allowed with BLOCK option from scripts script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall, line: 1, cmd: "xread"}},
	{"redis 7.0, returned by redis.pcall", tc{msg: "ERR xreadgroup command is not allowed with BLOCK option from scripts", class: Command, source: SourceRedisCall, cmd: "xreadgroup"}},
	{"redis 7.0, no code", tc{msg: "xread command is not allowed with BLOCK option from scripts", class: Command, source: SourceRedisCall, cmd: "xread"}},
	{"redis 7.0, function", tc{msg: "ERR xread command is not allowed with BLOCK option from scripts script: f, on @user_function:2.", class: Command, source: SourceRedisCall, line: 2, fn: "f"}},

	// A cluster has only database 0 (db.c), Redis 7.0, 8.0, Valkey 8.1.
	{"redis 7.0, 8.0, valkey 8.1: redis.call", tc{msg: "ERR SELECT is not allowed in cluster mode script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall, line: 1, cmd: "select"}},
	{"redis 7.0, 8.0, valkey 8.1: a client's SELECT", tc{msg: "ERR SELECT is not allowed in cluster mode", class: Command, source: SourceServer, cmd: "select"}},
	{"redis-py", tc{msg: "redis.exceptions.ResponseError: SELECT is not allowed in cluster mode", class: Command, cmd: "select"}},
	{"MOVE", tc{msg: "ERR MOVE is not allowed in cluster mode script: " + sha1a + ", on @user_script:2.", class: Command, source: SourceRedisCall, line: 2, cmd: "move"}},
	{"SWAPDB", tc{msg: "ERR SWAPDB is not allowed in cluster mode", class: Command, cmd: "swapdb"}},
	{"COPY … DB", tc{msg: "ERR Copying to another database is not allowed in cluster mode", class: Command, cmd: "copy"}},

	// FCALL numkeys not an integer (functions.c), all three servers.
	{"redis 7.0, 8.0, valkey 8.1", tc{msg: "ERR Bad number of keys provided", class: Arguments, source: SourceServer}},
	{"redis-py", tc{msg: "redis.exceptions.ResponseError: Bad number of keys provided", class: Arguments}},
	{"redis-cli", tc{msg: "(error) ERR Bad number of keys provided", class: Arguments}},

	// The #! line (eval.c evalExtractShebangFlags), all three servers.
	{"redis 7.0, 8.0, valkey 8.1: no newline", tc{msg: "ERR Invalid script shebang", class: Compile, source: SourceCompiler}},
	{"redis-py", tc{msg: "redis.exceptions.ResponseError: Invalid script shebang", class: Compile}},
	{"redis 7.0, 8.0", tc{msg: "ERR Invalid engine in script shebang", class: Compile}},
	{"redis 7.0, 8.0", tc{msg: "ERR Unexpected engine in script shebang: #!x", class: Compile}},
	// Valkey 8.1 (EVAL runs on its scripting-engine manager).
	{"valkey 8.1", tc{msg: "ERR Could not find scripting engine 'x'", class: Compile, source: SourceCompiler}},
	{"valkey 8.1, redis-py", tc{msg: "redis.exceptions.ResponseError: Could not find scripting engine 'python'", class: Compile}},
	{"redis 7.0, 8.0, valkey 8.1: FUNCTION LOAD", tc{msg: "ERR Engine 'x' not found", class: Compile}},
}

func TestClassifyByTextAlone(t *testing.T) {
	for _, tt := range textOnly {
		c := Classify(tt.msg)
		bad := c.Class != tt.class ||
			(tt.source != "" && c.Source != tt.source) ||
			(tt.line != 0 && c.Line != tt.line) ||
			(tt.sha != "" && c.SHA != tt.sha) ||
			(tt.fn != "" && c.Function != tt.fn) ||
			(tt.cmd != "" && c.Command != tt.cmd)
		if bad {
			t.Errorf("%s: %q\n got %s/%s line %d sha %q fn %q cmd %q\nwant %s/%s line %d cmd %q",
				tt.servers, tt.msg, c.Class, c.Source, c.Line, c.SHA, c.Function, c.Command,
				tt.class, tt.source, tt.line, tt.cmd)
		}
		// Every class keeps its hint, explanation, docs and client notes.
		if c.Hint == "" || c.Class.Explain() == "" || len(c.Class.Docs()) == 0 ||
			c.Clients.RedisPy == "" || c.Clients.GoRedis == "" {
			t.Errorf("%q: hint, explanation, docs or client notes missing: %+v", tt.msg, c)
		}
	}
}

// FuzzClassify's seeds include these texts too.
func init() {
	for _, tt := range textOnly {
		cases = append(cases, tt.tc)
	}
}

// TestHintsArePrintable: hints and client notes quote the message (a
// redirect's address, a command's name) but never carry its control or
// bidi characters, so `jq -r .error.hint` cannot write them either.
func TestHintsArePrintable(t *testing.T) {
	evil := "\x1b]52;c;aGk=\x07\u202e\u0085\xff"
	for _, msg := range []string{
		"MOVED 3999 " + evil + ":1",
		"ASK 3999 " + evil + ":1",
		"ERR unknown command '" + evil + "', with args beginning with: ",
		"NOPERM User app has no permissions to run the '" + evil + "' command",
		"ERR " + evil + " command is not allowed with BLOCK option from scripts",
		"ERR Error running script (call to f_" + evil + "): @user_script:1: x",
	} {
		c := Classify(msg)
		for _, s := range []string{c.Hint, c.Clients.RedisPy, c.Clients.GoRedis} {
			for _, r := range s {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e || r == 0xfffd {
					t.Errorf("%q: raw %U in %q", msg, r, s)
					break
				}
			}
		}
	}
}
