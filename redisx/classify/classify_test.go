package classify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
)

const (
	sha1a = "871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a"
	sha1b = "03c387736bb5cc009ff35151572cee04677aa374"
)

// tc is one message and what it must classify as; zero fields are not
// checked (sha "-" means: must be empty).
type tc struct {
	msg    string
	class  Class
	source Source
	line   int
	sha    string
	fn     string
	cmd    string
	prefix string
}

// Texts are the servers' own: observed on redis-server 7.0.15 (see
// server_test.go for the live ones) or read in the sources named.
var cases = []tc{
	// NOSCRIPT. server.c shared.noscripterr; newer Valkey dropped "Please use EVAL.".
	{msg: "NOSCRIPT No matching script. Please use EVAL.", class: NoScript, source: SourceCache, prefix: "NOSCRIPT"},
	{msg: "NOSCRIPT No matching script.", class: NoScript, source: SourceCache},
	{msg: "-NOSCRIPT No matching script. Please use EVAL.", class: NoScript},
	{msg: "(error) NOSCRIPT No matching script. Please use EVAL.", class: NoScript},
	{msg: "noscript no matching script. please use eval.", class: NoScript, prefix: "NOSCRIPT"},
	{msg: "redis.exceptions.NoScriptError: No matching script. Please use EVAL.", class: NoScript, prefix: "NOSCRIPT"},
	{msg: "ERR Function not found", class: NoScript},
	// A script cannot call EVALSHA, so NOSCRIPT with a trailer is the script's own.
	{msg: "NOSCRIPT fake script: " + sha1a + ", on @user_script:1.", class: Script, sha: sha1a},

	// Compile errors (eval.c luaCreateFunction, function_lua.c).
	{msg: "ERR Error compiling script (new function): user_script:1: '=' expected near 'x'", class: Compile, source: SourceCompiler, line: 1},
	{msg: "ERR Error compiling script (new function): user_script:12: unexpected symbol near '+'", class: Compile, line: 12},
	{msg: "redis.exceptions.ResponseError: Error compiling script (new function): user_script:3: 'end' expected near '<eof>'", class: Compile, line: 3},
	{msg: "ERR Error compiling function: user_function:2: unexpected symbol near '='", class: Compile, line: 2},
	{msg: "ERR Unexpected flag in script shebang: bogus", class: Compile},
	{msg: "ERR Unexpected engine in script shebang: #!python", class: Compile},
	{msg: "ERR Library 'lib' already exists", class: Compile},
	{msg: "ERR Missing library metadata", class: Compile},
	{msg: "eval: ERR Error compiling script (new function): user_script:1: unexpected symbol near 'x'", class: Compile, line: 1},

	// Lua runtime errors, 7.0+ (trailer) and 6.x (envelope).
	{msg: "ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: " + sha1b + ", on @user_script:1.", class: Runtime, source: SourceScript, line: 1, sha: sha1b},
	{msg: "ERR user_script:1: attempt to call field 'x' (a nil value) script: " + sha1a + ", on @user_script:1.", class: Runtime, line: 1, sha: sha1a},
	{msg: "ERR user_script:1: Attempt to modify a readonly table script: " + sha1a + ", on @user_script:1.", class: Runtime},
	{msg: "ERR user_script:7: attempt to index local 't' (a nil value) script: " + sha1a + ", on @user_script:7.", class: Runtime, line: 7},
	{msg: "ERR user_script:1: Expected object key string but found T_END at character 2 script: " + sha1a + ", on @user_script:1.", class: Runtime},
	{msg: "ERR user_function:2: Script attempted to access nonexistent global variable 'x' script: myfunc, on @user_function:2.", class: Runtime, line: 2, fn: "myfunc", sha: "-"},
	// error("text") gets Lua's location too: by its text it is a runtime error.
	{msg: "ERR user_script:1: plain string script: " + sha1a + ", on @user_script:1.", class: Runtime},
	{msg: "ERR Error running script (call to f_" + sha1a + "): @user_script:1: user_script:1: Script attempted to access nonexistent global variable 'x'", class: Runtime, line: 1, sha: sha1a, fn: "f_" + sha1a},
	{msg: "redis.exceptions.ResponseError: Error running script (call to f_" + sha1a + "): @user_script:2: user_script:2: Script attempted to create global variable 'x'", class: Runtime, line: 2, sha: sha1a},
	{msg: "ERR Error running script " + sha1a + ", execution failure", class: Runtime, sha: sha1a},

	// Commands called with redis.call (script.c, t_*.c), 7.x, Valkey, 6.x.
	{msg: "WRONGTYPE Operation against a key holding the wrong kind of value script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall, line: 1, sha: sha1a, prefix: "WRONGTYPE"},
	{msg: "ERR Unknown Redis command called from script script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall},
	{msg: "ERR Unknown Redis command called from script", class: Command, source: SourceRedisCall}, // returned by redis.pcall
	{msg: "ERR Wrong number of args calling Redis command from script script: " + sha1a + ", on @user_script:4.", class: Command, line: 4},
	{msg: "ERR wrong number of arguments for 'get' command script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall, cmd: "get"},
	{msg: "ERR value is not an integer or out of range script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall},
	{msg: "ERR invalid expire time in 'set' command script: " + sha1a + ", on @user_script:1.", class: Command, cmd: "set"},
	{msg: "ERR unknown command 'foo', with args beginning with: 'bar' script: " + sha1a + ", on @user_script:1.", class: Command, cmd: "foo"},
	{msg: "ERR Lua redis lib command arguments must be strings or integers script: " + sha1a + ", on @user_script:1.", class: Command},
	{msg: "ERR Please specify at least one argument for this redis lib call script: " + sha1a + ", on @user_script:1.", class: Command},
	{msg: "ERR This Redis command is not allowed from script script: " + sha1a + ", on @user_script:1.", class: Command},
	{msg: "ERR Unknown command called from script script: " + sha1a + ", on @user_script:1.", class: Command},                 // Valkey 8+
	{msg: "ERR Wrong number of args calling command from script script: f, on @user_function:3.", class: Command, fn: "f"},    // Valkey 8+
	{msg: "ERR Command arguments must be strings or integers script: " + sha1a + ", on @user_script:1.", class: Command},      // Valkey 8+
	{msg: "ERR This Valkey command is not allowed from script script: " + sha1a + ", on @user_script:1.", class: Command},     // Valkey 8+
	{msg: "ERR Please specify at least one argument for this call script: " + sha1a + ", on @user_script:1.", class: Command}, // Valkey 8+
	{msg: "ERR Error running script (call to f_" + sha1a + "): @user_script:1: WRONGTYPE Operation against a key holding the wrong kind of value", class: Command, source: SourceRedisCall, line: 1, sha: sha1a},
	{msg: "ERR Error running script (call to f_" + sha1a + "): @user_script:3: @user_script: 3: Unknown Redis command called from Lua script", class: Command, line: 3},
	{msg: "wrongtype operation against a key holding the wrong kind of value script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall},
	{msg: "redis.exceptions.ResponseError: WRONGTYPE Operation against a key holding the wrong kind of value script: " + sha1a + ", on @user_script:2.", class: Command, line: 2},
	{msg: "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. script: " + sha1a + ", on @user_script:1.", class: Command, source: SourceRedisCall},
	{msg: "NOREPLICAS Not enough good replicas to write.", class: Command, source: SourceServer},
	{msg: "EXECABORT Transaction discarded because of previous errors.", class: Command},
	{msg: "BUSYKEY Target key name already exists.", class: Command},

	// The script's own errors, and the classic misdiagnosis.
	{msg: "no such key script: " + sha1a, class: Script, source: SourceScript, sha: sha1a},
	{msg: "no such key script: " + sha1a + ", on @user_script:1.", class: Script, source: SourceScript, sha: sha1a, line: 1},
	{msg: "ERR no such key script: " + sha1a + ", on @user_script:1.", class: Script, source: SourceScript, sha: sha1a},
	{msg: "-no such key", class: Script, source: SourceScript, sha: "-"},
	{msg: "no such key", class: Script},
	{msg: "(error) no such key", class: Script},
	{msg: "ERR no such key", class: Script},
	{msg: "err no such key", class: Script},
	{msg: "redis.exceptions.ResponseError: no such key script: " + sha1a + ", on @user_script:1.", class: Script, sha: sha1a},
	{msg: "ERR Error running script (call to f_" + sha1a + "): @user_script:1: no such key", class: Script, sha: sha1a},
	{msg: "my error", class: Script, source: SourceScript},
	{msg: "MYERR custom failure", class: Script, prefix: "MYERR"},
	{msg: "raised on purpose script: " + sha1a + ", on @user_script:2.", class: Script, line: 2},
	{msg: "ERR x script: " + sha1a + ", on @user_script:1.", class: Script},   // error('x', 0)
	{msg: "ERR nil script: " + sha1a + ", on @user_script:1.", class: Script}, // error()
	{msg: "no such key script: raise, on @user_function:3.", class: Script, fn: "raise", line: 3},
	{msg: "ERR unknown error script: " + sha1a + ", on @user_script:1.", class: Script}, // Valkey: error({})

	// BUSY and killing (server.c shared.slow*err, script.c scriptKill).
	{msg: "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", class: Busy, source: SourceServer, prefix: "BUSY"},
	{msg: "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.", class: Busy},
	{msg: "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", class: Busy},
	{msg: "busy redis is busy running a script. you can only call script kill or shutdown nosave.", class: Busy},
	{msg: "3261:M 21 Nov 2026 23:47:38.357 # Slow script detected: still in execution after 100 milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: " + sha1a + ".", class: Busy, sha: sha1a},
	{msg: "ERR Script killed by user with SCRIPT KILL... script: " + sha1a + ", on @user_script:1.", class: Killed, source: SourceServer, sha: sha1a, line: 1},
	{msg: "ERR Script killed by user with SCRIPT KILL. script: " + sha1a + ", on @user_script:1.", class: Killed},        // Valkey 8+
	{msg: "ERR Script killed by user with FUNCTION KILL. script: spin, on @user_function:2.", class: Killed, fn: "spin"}, // Valkey 8+
	{msg: "8299:M 21 Nov 2026 23:47:43.762 # Lua script killed by user with SCRIPT KILL.", class: Killed},
	{msg: "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.", class: Unkillable, source: SourceServer},
	{msg: "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.", class: Unkillable},
	{msg: "NOTBUSY No scripts in execution right now.", class: Unknown, source: SourceServer, prefix: "NOTBUSY"},

	// OOM, READONLY, write_denied, MASTERDOWN (script.c scriptPrepareForRun, scriptVerify*).
	{msg: "OOM command not allowed when used memory > 'maxmemory'.", class: OOM, source: SourceServer, prefix: "OOM"},
	{msg: "OOM command not allowed when used memory > 'maxmemory'. script: " + sha1a + ", on @user_script:1.", class: OOM, source: SourceRedisCall, sha: sha1a},
	{msg: "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'", class: OOM, source: SourceServer},
	{msg: "ERR Error running script (call to f_" + sha1a + "): @user_script:1: @user_script: 1: -OOM command not allowed when used memory > 'maxmemory'.", class: OOM, source: SourceRedisCall},
	{msg: "redis.exceptions.OutOfMemoryError: command not allowed when used memory > 'maxmemory'.", class: OOM, prefix: "OOM"},
	{msg: "READONLY You can't write against a read only replica.", class: ReadOnly, source: SourceServer},
	{msg: "READONLY You can't write against a read only replica. script: " + sha1a + ", on @user_script:1.", class: ReadOnly, source: SourceRedisCall, sha: sha1a},
	{msg: "ERR Error running script (call to f_" + sha1a + "): @user_script:1: -READONLY You can't write against a read only replica.", class: ReadOnly, source: SourceRedisCall},
	{msg: "ERR Can not run script with write flag on readonly replica", class: ReadOnly, source: SourceServer}, // Redis 7.x
	{msg: "READONLY Can not run script with write flag on readonly replica", class: ReadOnly},                  // Valkey 8+
	{msg: "redis.exceptions.ReadOnlyError: You can't write against a read only replica. script: " + sha1a + ", on @user_script:1.", class: ReadOnly, source: SourceRedisCall},
	{msg: "ERR Write commands are not allowed from read-only scripts. script: " + sha1a + ", on @user_script:2.", class: WriteDenied, source: SourceScript, line: 2},
	{msg: "ERR Can not execute a script with write flag using *_ro command.", class: WriteDenied},
	{msg: "ERR Error running script (call to f_" + sha1a + "): @user_script:1: @user_script: 1: Write commands not allowed after non deterministic commands", class: WriteDenied},
	{msg: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", class: MasterDown, source: SourceServer},
	{msg: "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.", class: MasterDown},
	{msg: "ERR Can not execute the command on a stale replica script: " + sha1a + ", on @user_script:2.", class: MasterDown, source: SourceRedisCall, line: 2},

	// ACL (acl.c getAclErrorMessage: 7.0 "this user…", 7.2+ "User x…"; script.c scriptVerifyACL).
	{msg: "NOPERM this user has no permissions to run the 'set' command", class: NoPerm, source: SourceACL, cmd: "set"},
	{msg: "NOPERM User limited has no permissions to run the 'set' command", class: NoPerm, cmd: "set"},
	{msg: "NOPERM this user has no permissions to access one of the keys used as arguments", class: NoPerm},
	{msg: "NOPERM No permissions to access a key", class: NoPerm},
	{msg: "NOPERM No permissions to access a channel", class: NoPerm},
	{msg: "ERR The user executing the script can't run this command or subcommand script: " + sha1a + ", on @user_script:1.", class: NoPerm, source: SourceACL, line: 1},
	{msg: "ERR ACL failure in script: User limited has no permissions to run the 'set' command script: " + sha1a + ", on @user_script:1.", class: NoPerm, cmd: "set"},
	{msg: "ERR ACL failure in script: No permissions to access a key script: " + sha1a + ", on @user_script:1.", class: NoPerm},
	{msg: "redis.exceptions.NoPermissionError: this user has no permissions to run the 'set' command", class: NoPerm},

	// Authentication.
	{msg: "WRONGPASS invalid username-password pair or user is disabled.", class: Auth, source: SourceACL, prefix: "WRONGPASS"},
	{msg: "NOAUTH Authentication required.", class: Auth},
	{msg: "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time", class: Auth},
	{msg: "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?", class: Auth},
	{msg: "ERR invalid password", class: Auth},
	{msg: "ERR Client sent AUTH, but no password is set", class: Auth},
	{msg: "redis.exceptions.AuthenticationError: invalid username-password pair or user is disabled.", class: Auth},
	{msg: "AUTH failed: WRONGPASS invalid username-password pair or user is disabled.", class: Auth},
	{msg: "connect to 127.0.0.1:6379: authentication failed: WRONGPASS invalid username-password pair or user is disabled.", class: Auth},

	// Cluster (cluster.c getNodeByQuery/clusterRedirectClient, script.c scriptVerifyClusterState).
	{msg: "CROSSSLOT Keys in request don't hash to the same slot", class: CrossSlot, source: SourceCluster},
	{msg: "ERR Script attempted to access a non local key in a cluster node script: " + sha1a + ", on @user_script:1.", class: CrossSlot, source: SourceCluster, line: 1},
	{msg: "ERR Script attempted to access keys that do not hash to the same slot script: " + sha1a + ", on @user_script:2.", class: CrossSlot, line: 2},
	{msg: "redis.exceptions.ClusterCrossSlotError: Keys in request don't hash to the same slot", class: CrossSlot},
	{msg: "MOVED 3999 127.0.0.1:6381", class: Moved, source: SourceCluster, prefix: "MOVED"},
	{msg: "moved 3999 127.0.0.1:6381", class: Moved},
	{msg: "redis.exceptions.MovedError: 3999 127.0.0.1:6381", class: Moved},
	{msg: "ASK 3999 127.0.0.1:6381", class: Ask, source: SourceCluster},
	{msg: "TRYAGAIN Multiple keys request during rehashing of slot", class: TryAgain, source: SourceCluster},
	{msg: "ERR Unable to execute command 'get' in script because undeclared keys were accessed during rehashing of the slot script: " + sha1a + ", on @user_script:1.", class: TryAgain, cmd: "get"},
	{msg: "CLUSTERDOWN The cluster is down", class: ClusterDown, source: SourceCluster},
	{msg: "CLUSTERDOWN Hash slot not served", class: ClusterDown},
	{msg: "CLUSTERDOWN The cluster is down and only accepts read commands", class: ClusterDown},
	{msg: "ERR Script attempted to execute a command while the cluster is down script: " + sha1a + ", on @user_script:1.", class: ClusterDown},
	{msg: "ERR Script attempted to access a slot not served script: " + sha1a + ", on @user_script:1.", class: ClusterDown},
	{msg: "ERR Can not run script on cluster, 'no-cluster' flag is set.", class: Unknown, source: SourceCluster},

	// LOADING.
	{msg: "LOADING Redis is loading the dataset in memory", class: Loading, source: SourceServer},
	{msg: "LOADING Valkey is loading the dataset in memory", class: Loading},
	{msg: "redis.exceptions.BusyLoadingError: Redis is loading the dataset in memory", class: Loading},

	// EVAL's own arguments: no trailer.
	{msg: "ERR Number of keys can't be greater than number of args", class: Arguments, source: SourceServer},
	{msg: "ERR Number of keys can't be negative", class: Arguments},
	{msg: "ERR value is not an integer or out of range", class: Arguments},
	{msg: "ERR wrong number of arguments for 'eval' command", class: Arguments, cmd: "eval"},
	{msg: "ERR wrong number of arguments for 'evalsha' command", class: Arguments, cmd: "evalsha"},
	{msg: "redis.exceptions.ResponseError: Number of keys can't be greater than number of args", class: Arguments},
	{msg: "redis.exceptions.DataError: Invalid input of type: 'dict'. Convert to a bytes, string, int or float first.", class: Arguments, source: SourceClient},

	// Client side.
	{msg: "read tcp 127.0.0.1:33618->127.0.0.1:35925: i/o timeout", class: Timeout, source: SourceClient},
	{msg: "context deadline exceeded", class: Timeout, source: SourceClient},
	{msg: "redis: connection pool timeout", class: Timeout},
	{msg: "redis.exceptions.TimeoutError: Timeout reading from socket", class: Timeout},
	{msg: "dial tcp 127.0.0.1:1: connect: connection refused", class: Connection, source: SourceClient},
	{msg: "EOF", class: Connection},
	{msg: "read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer", class: Connection},
	{msg: "redis: client is closed", class: Connection},
	{msg: "tls: first record does not look like a TLS handshake", class: Connection},
	{msg: "x509: certificate signed by unknown authority", class: Connection},
	{msg: "redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.", class: Connection},
	{msg: "Could not connect to Redis at 127.0.0.1:6379: Connection refused", class: Connection},
	{msg: "ERR max number of clients reached", class: Connection, source: SourceServer},

	// Unknown.
	{msg: "", class: Unknown},
	{msg: "   \n  ", class: Unknown},
	{msg: "ERR something no server has said yet", class: Unknown, source: SourceServer},
	{msg: "redis: nil", class: Unknown, source: SourceClient},
	{msg: "redis: can't parse reply=\"x\"", class: Unknown, source: SourceClient},
}

func TestClassify(t *testing.T) {
	for _, tt := range cases {
		c := Classify(tt.msg)
		if c.Class != tt.class {
			t.Errorf("%q: class %s, want %s", tt.msg, c.Class, tt.class)
			continue
		}
		if tt.source != "" && c.Source != tt.source {
			t.Errorf("%q: source %s, want %s", tt.msg, c.Source, tt.source)
		}
		if tt.line != 0 && c.Line != tt.line {
			t.Errorf("%q: line %d, want %d", tt.msg, c.Line, tt.line)
		}
		if tt.sha == "-" && c.SHA != "" || tt.sha != "" && tt.sha != "-" && c.SHA != tt.sha {
			t.Errorf("%q: sha %q, want %q", tt.msg, c.SHA, tt.sha)
		}
		if tt.fn != "" && c.Function != tt.fn {
			t.Errorf("%q: function %q, want %q", tt.msg, c.Function, tt.fn)
		}
		if tt.cmd != "" && c.Command != tt.cmd {
			t.Errorf("%q: command %q, want %q", tt.msg, c.Command, tt.cmd)
		}
		if tt.prefix != "" && c.Prefix != tt.prefix {
			t.Errorf("%q: prefix %q, want %q", tt.msg, c.Prefix, tt.prefix)
		}
		if c.Hint == "" || c.Clients.RedisPy == "" || c.Clients.GoRedis == "" {
			t.Errorf("%q: empty hint or client notes: %+v", tt.msg, c)
		}
	}
}

func TestMisdiagnosis(t *testing.T) {
	// The error a script raised must never read as a cache problem.
	for _, msg := range []string{
		"no such key script: " + sha1a,
		"ERR no such key script: " + sha1a + ", on @user_script:1.",
		"-no such key",
	} {
		c := Classify(msg)
		if c.Class != Script || c.Source != SourceScript {
			t.Fatalf("%q: %s/%s", msg, c.Class, c.Source)
		}
		if !strings.Contains(c.Hint, "reloading") || !strings.Contains(c.Hint, "will not help") {
			t.Errorf("%q: hint %q", msg, c.Hint)
		}
		if strings.Contains(c.Clients.GoRedis, "EVAL") || strings.Contains(c.Clients.RedisPy, "NoScriptError") {
			t.Errorf("%q: client notes talk of a cache miss: %+v", msg, c.Clients)
		}
	}
	if c := Classify("no such key script: " + sha1a); c.SHA != sha1a || c.Message != "no such key script: "+sha1a {
		t.Errorf("sha %q message %q", c.SHA, c.Message)
	}
}

func TestMessageKeepsTheText(t *testing.T) {
	for msg, want := range map[string]string{
		"(error) NOSCRIPT No matching script. Please use EVAL.":                 "NOSCRIPT No matching script. Please use EVAL.",
		"-ERR Number of keys can't be negative\r\n":                             "ERR Number of keys can't be negative",
		"redis.exceptions.NoScriptError: No matching script. Please use EVAL.":  "No matching script. Please use EVAL.",
		"  WRONGTYPE Operation against a key holding the wrong kind of value  ": "WRONGTYPE Operation against a key holding the wrong kind of value",
	} {
		if got := Classify(msg).Message; got != want {
			t.Errorf("%q: message %q, want %q", msg, got, want)
		}
	}
}

func TestRedirectFields(t *testing.T) {
	c := Classify("MOVED 3999 127.0.0.1:6381")
	if c.Slot != 3999 || c.Addr != "127.0.0.1:6381" || !strings.Contains(c.Hint, "127.0.0.1:6381") {
		t.Errorf("moved: %+v", c)
	}
	c = Classify("-ASK 12182 10.0.0.2:7000")
	if c.Class != Ask || c.Slot != 12182 || c.Addr != "10.0.0.2:7000" {
		t.Errorf("ask: %+v", c)
	}
}

func TestPastedBlocks(t *testing.T) {
	traceback := `Traceback (most recent call last):
  File "app.py", line 12, in <module>
    r.evalsha(sha, 0)
  File "/usr/lib/python3/dist-packages/redis/commands/core.py", line 5712, in evalsha
    return self._evalsha("EVALSHA", sha, numkeys, *keys_and_args)
redis.exceptions.ResponseError: no such key script: ` + sha1a + `, on @user_script:3.`
	if c := Classify(traceback); c.Class != Script || c.Line != 3 || c.SHA != sha1a {
		t.Errorf("traceback: %+v", c)
	}
	cli := "127.0.0.1:6379> EVALSHA " + sha1a + " 0\n(error) NOSCRIPT No matching script. Please use EVAL.\n127.0.0.1:6379>"
	if c := Classify(cli); c.Class != NoScript {
		t.Errorf("redis-cli session: %+v", c)
	}
	log := "3261:M 21 Nov 2026 23:47:38.357 # Slow script detected: still in execution after 5000 milliseconds.\r\n" +
		"3261:M 21 Nov 2026 23:47:40.001 * Lua script killed by user with SCRIPT KILL.\n" +
		"3261:M 21 Nov 2026 23:47:41.002 * Background saving started by pid 3300"
	if c := Classify(log); c.Class != Killed {
		t.Errorf("server log: %+v", c)
	}
}

func TestClientNotes(t *testing.T) {
	for _, tt := range []struct{ msg, py, gr string }{
		{"NOSCRIPT No matching script. Please use EVAL.", "NoScriptError", "re-send the source with EVAL"},
		{"ERR Error compiling script (new function): user_script:1: x", "without the leading \"ERR \"", "not retried"},
		{"WRONGTYPE Operation against a key holding the wrong kind of value", "ResponseError with the whole text", "HasErrorPrefix(err, \"WRONGTYPE\")"},
		{"no such key", "ResponseError with the whole text", "not retried"},
		{"OOM command not allowed when used memory > 'maxmemory'.", "OutOfMemoryError", "redis.IsOOMError"},
		{"READONLY You can't write against a read only replica. script: " + sha1a + ", on @user_script:1.", "ReadOnlyError", "retries"},
		{"LOADING Redis is loading the dataset in memory", "BusyLoadingError", "retries"},
		{"MOVED 3999 127.0.0.1:6381", "MovedError", "ClusterClient follows it"},
		{"TRYAGAIN Multiple keys request during rehashing of slot", "TryAgainError", "retries"},
		{"WRONGPASS invalid username-password pair or user is disabled.", "AuthenticationError", "redis.IsAuthError"},
		{"ERR invalid password", "AuthenticationError", "match the text"},
		{"NOPERM this user has no permissions to run the 'set' command", "NoPermissionError", "redis.IsPermissionError"},
		{"ERR The user executing the script can't run this command or subcommand script: " + sha1a + ", on @user_script:1.", "ResponseError", "not retried"},
		{"BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", "ResponseError with the whole text", "not retried"},
		{"ERR max number of clients reached", "ConnectionError", "IsMaxClientsError"},
		{"ERR wrong number of arguments for 'auth' command", "AuthenticationWrongNumberOfArgsError", ""},
		{"NOSCRIPT fake script: " + sha1a + ", on @user_script:1.", "run the script again", "run the script again"},
		{"i/o timeout", "TimeoutError", "MaxRetries"},
		{"dial tcp 127.0.0.1:1: connect: connection refused", "ConnectionError", "dial errors"},
	} {
		c := Classify(tt.msg)
		if !strings.Contains(c.Clients.RedisPy, tt.py) {
			t.Errorf("%q: redis-py %q, want it to mention %q", tt.msg, c.Clients.RedisPy, tt.py)
		}
		if !strings.Contains(c.Clients.GoRedis, tt.gr) {
			t.Errorf("%q: go-redis %q, want it to mention %q", tt.msg, c.Clients.GoRedis, tt.gr)
		}
	}
}

// replyErr stands in for go-redis's proto.RedisError, which is internal.
type replyErr string

func (e replyErr) Error() string { return string(e) }
func (replyErr) RedisError()     {}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "read tcp 1.2.3.4:5->6.7.8.9:10: i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassifyError(t *testing.T) {
	if c := ClassifyError(nil); !reflect.DeepEqual(c, Classification{}) {
		t.Errorf("nil: %+v", c)
	}
	for _, tt := range []struct {
		err   error
		class Class
		src   Source
	}{
		{replyErr("NOSCRIPT No matching script. Please use EVAL."), NoScript, SourceCache},
		{fmt.Errorf("run script: %w", replyErr("no such key script: "+sha1a+", on @user_script:1.")), Script, SourceScript},
		{fmt.Errorf("connect: %w", replyErr("WRONGPASS invalid username-password pair or user is disabled.")), Auth, SourceACL},
		{redis.Nil, Unknown, SourceClient},
		{context.DeadlineExceeded, Timeout, SourceClient},
		{fmt.Errorf("eval: %w", os.ErrDeadlineExceeded), Timeout, SourceClient},
		{timeoutErr{}, Timeout, SourceClient},
		{&net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}, Timeout, SourceClient},
		{context.Canceled, Timeout, SourceClient},
		{io.EOF, Connection, SourceClient},
		{io.ErrUnexpectedEOF, Connection, SourceClient},
		{net.ErrClosed, Connection, SourceClient},
		{redis.ErrClosed, Connection, SourceClient},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, Connection, SourceClient},
		{fmt.Errorf("x: %w", syscall.ECONNRESET), Connection, SourceClient},
		{&net.DNSError{Err: "no such host", Name: "nowhere"}, Connection, SourceClient},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, Connection, SourceClient},
		{errors.New("use of closed network connection"), Connection, SourceClient},
		{errors.New("boom"), Unknown, SourceClient},
		{errors.New("WRONGPASS invalid username-password pair or user is disabled."), Auth, SourceACL},
		{errors.New("invalid password"), Auth, SourceACL},
	} {
		c := ClassifyError(tt.err)
		if c.Class != tt.class || c.Source != tt.src {
			t.Errorf("%T %v: %s/%s, want %s/%s", tt.err, tt.err, c.Class, c.Source, tt.class, tt.src)
		}
		if c.Message == "" || c.Hint == "" {
			t.Errorf("%v: empty message or hint: %+v", tt.err, c)
		}
	}
}

func TestClasses(t *testing.T) {
	seen := map[Class]bool{}
	for _, c := range Classes() {
		if seen[c] || !c.Valid() || c.Explain() == "" || strings.ToLower(string(c)) != string(c) {
			t.Errorf("class %q: duplicate, invalid or unexplained", c)
		}
		seen[c] = true
	}
	if len(seen) != 24 || Class("nope").Valid() || Class("nope").Explain() != "" {
		t.Errorf("%d classes", len(seen))
	}
}

func TestJSONContract(t *testing.T) {
	b, err := json.Marshal(Classify("no such key script: " + sha1a + ", on @user_script:1."))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	want := "class clients hint line message sha source"
	if got := strings.Join(sorted(keys), " "); got != want {
		t.Errorf("JSON keys %q, want %q", got, want)
	}
	clients, _ := m["clients"].(map[string]any)
	if _, ok := clients["redis-py"]; !ok || len(clients) != 2 {
		t.Errorf("clients %v", clients)
	}
	if m["class"] != "script" || m["source"] != "script" || m["line"] != 1.0 || m["sha"] != sha1a {
		t.Errorf("JSON %s", b)
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func FuzzClassify(f *testing.F) {
	for _, tt := range cases {
		f.Add(tt.msg)
	}
	f.Add("script: , on @:99999999999999999999.")
	f.Add("ERR Error running script (call to ): @user_script:-1: ")
	f.Add("MOVED 99999999999999999999999 x")
	f.Add("\xff\xfe-\x00(error) ")
	f.Fuzz(func(t *testing.T, msg string) {
		for _, c := range []Classification{Classify(msg), ClassifyError(errors.New(msg)), ClassifyError(replyErr(msg))} {
			if !c.Class.Valid() {
				t.Fatalf("%q: class %q", msg, c.Class)
			}
			if c.Line < 0 || c.Slot < 0 {
				t.Fatalf("%q: line %d slot %d", msg, c.Line, c.Slot)
			}
			if c.Hint == "" {
				t.Fatalf("%q: no hint", msg)
			}
		}
	})
}

func TestClassifyPasted(t *testing.T) {
	tb := `Traceback (most recent call last):
  File "/app/worker.py", line 12, in <module>
    r.evalsha(sha, 1, "k")
  File "/usr/lib/python3/site-packages/redis/commands/core.py", line 5301, in evalsha
    return self._evalsha("EVALSHA", sha, numkeys, *keys_and_args)
redis.exceptions.ResponseError: no such key script: 871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a, on @user_script:3.`
	got := ClassifyPasted(tb)
	if len(got) != 1 || got[0].Class != Script || got[0].Line != 3 {
		t.Fatalf("traceback: %+v", got)
	}
	for _, junk := range []string{"hello world", "Traceback (most recent call last):"} {
		if c := ClassifyPasted(junk); len(c) != 1 || c[0].Class != Unknown {
			t.Errorf("%q: %+v", junk, c)
		}
	}
	if c := ClassifyPasted("NOSCRIPT No matching script. Please use EVAL.\n\nWRONGTYPE Operation against a key holding the wrong kind of value"); len(c) != 2 || c[0].Class != NoScript || c[1].Class == Unknown {
		t.Errorf("two lines: %+v", c)
	}
}

func TestEveryClassHasDocsAndExplanation(t *testing.T) {
	for _, c := range Classes() {
		if len(c.Docs()) == 0 || c.Explain() == "" {
			t.Errorf("%s: docs %v, explanation %q", c, c.Docs(), c.Explain())
		}
	}
}

// TestBusyWrappedReplyClassified: a node's error reply that luascope
// keeps as text behind its own context ("INFO on host:port: …", as the
// per-node commands report it) is classified by the server's code, and
// the client notes name that code, not luascope's command.
func TestBusyWrappedReplyClassified(t *testing.T) {
	for _, tt := range []struct {
		msg   string
		class Class
		code  string
	}{
		{"INFO on 127.0.0.1:7603: BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", Busy, "BUSY"},
		{"FUNCTION LIST on [::1]:7000: BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.", Busy, "BUSY"},
		{"SCRIPT EXISTS on 10.0.0.1:6379: NOPERM User app has no permissions to run the 'script|exists' command", NoPerm, "NOPERM"},
	} {
		// As redisx.ReplyErr wraps a node's reply: the reply kept as a
		// server error under luascope's context.
		cmd, reply, _ := strings.Cut(tt.msg, ": ")
		c := ClassifyError(fmt.Errorf("%s: %w", cmd, serverReply(reply)))
		if c.Class != tt.class || c.Prefix != tt.code {
			t.Errorf("%q: class %s prefix %q, want %s %q", tt.msg, c.Class, c.Prefix, tt.class, tt.code)
		}
		for _, note := range []string{c.Clients.RedisPy, c.Clients.GoRedis} {
			if strings.Contains(note, "INFO") || strings.Contains(note, "FUNCTION\"") || strings.Contains(note, "class for SCRIPT") {
				t.Errorf("%q: client note names luascope's command: %s", tt.msg, note)
			}
		}
	}
	// luascope's own failures behind the same context stay unknown.
	if c := ClassifyError(errors.New("FUNCTION LIST on 127.0.0.1:1: unexpected reply +OK")); c.Class != Unknown || c.Source != SourceClient {
		t.Errorf("a parse failure: %s/%s", c.Class, c.Source)
	}
}

// serverReply is a server's error reply as go-redis returns one.
type serverReply string

func (e serverReply) Error() string { return string(e) }

// RedisError marks it as a reply (go-redis's redis.Error).
func (serverReply) RedisError() {}
