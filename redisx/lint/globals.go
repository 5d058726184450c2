package lint

import "strings"

// The globals of Redis's Lua environment for EVAL, from the allow lists in
// redis/src/script_lua.c (libraries_allow_list, redis_api_allow_list,
// lua_builtins_allow_list, lua_builtins_not_documented_allow_list,
// deny_list), checked against `pairs(_G)` on redis-server 7.0.15.
// Reading any other global raises "Script attempted to access
// nonexistent global variable"; writing any global raises "Attempt to
// modify a readonly table" (Redis 7.0+).

// libFields are the global tables and their fields on Redis 7.0.15
// (`for k in pairs(lib)`); a field missing here is nil in Redis.
var libFields = map[string]string{
	"redis": "LOG_DEBUG LOG_NOTICE LOG_VERBOSE LOG_WARNING REDIS_VERSION REDIS_VERSION_NUM REPL_ALL REPL_AOF " +
		"REPL_NONE REPL_REPLICA REPL_SLAVE acl_check_cmd breakpoint call debug error_reply log pcall " +
		"replicate_commands set_repl setresp sha1hex status_reply",
	"string":    "byte char dump find format gfind gmatch gsub len lower match rep reverse sub upper",
	"math":      "abs acos asin atan atan2 ceil cos cosh deg exp floor fmod frexp huge ldexp log log10 max min mod modf pi pow rad random randomseed sin sinh sqrt tan tanh",
	"table":     "concat foreach foreachi getn insert maxn remove setn sort",
	"coroutine": "create resume running status wrap yield",
	"bit":       "arshift band bnot bor bswap bxor lshift rol ror rshift tobit tohex",
	"cjson": "_NAME _VERSION decode decode_invalid_numbers decode_max_depth encode encode_invalid_numbers " +
		"encode_keep_buffer encode_max_depth encode_number_precision encode_sparse_array new null",
	"cmsgpack": "_COPYRIGHT _DESCRIPTION _NAME _VERSION pack unpack unpack_limit unpack_one",
	"struct":   "pack size unpack",
	// os exists from Redis 7.2 with os.clock only; 7.0 has no os at all.
	"os": "clock",
}

// builtins are the base-library functions and values Redis keeps
// (lua_builtins_allow_list minus the ones in deprecatedGlobals).
var builtins = set("xpcall tostring setmetatable next assert tonumber rawequal collectgarbage getmetatable " +
	"rawset pcall type _G select unpack gcinfo pairs rawget loadstring ipairs _VERSION load error " +
	"__redis__err__handler")

// valkeyGlobals exist only on Valkey (8.0+, checked on 8.1.1): server is
// its name for the redis table, and its error handler is renamed to
// match. On Redis reading them raises "Script attempted to access
// nonexistent global variable".
var valkeyGlobals = set("server __server__err__handler")

// valkeyFields are the fields Valkey adds to the redis (and server)
// table; they are nil on Redis.
var valkeyFields = set("SERVER_NAME VALKEY_VERSION VALKEY_VERSION_NUM")

// deprecatedGlobals were in Redis's allow list but are gone from patched
// servers (the 2025 Lua sandbox fixes; Debian's 7.0.15-1~deb12u10 build,
// for one, has none of them).
var deprecatedGlobals = set("getfenv setfenv newproxy")

// deniedGlobals: Lua functions Redis removes on purpose, with what to use
// instead.
var deniedGlobals = map[string]string{
	"print":    "Redis removes print: log with redis.log(redis.LOG_NOTICE, msg) (it goes to the server log), or return the value",
	"dofile":   "Redis removes dofile: scripts cannot read files",
	"loadfile": "Redis removes loadfile: scripts cannot read files",
	"io":       "scripts have no io library: they cannot touch files",
	"debug":    "Redis removes the debug library after start-up (use redis.debug with the Lua debugger, SCRIPT DEBUG)",
	"require":  "scripts cannot load modules: only the bundled cjson, cmsgpack, bit and struct are there",
	"package":  "scripts cannot load modules: only the bundled cjson, cmsgpack, bit and struct are there",
	"module":   "scripts cannot define modules",
	"arg":      "Lua's arg is only a local inside a vararg function (function(...)); use ARGV for the script's arguments",
}

// readonlyTables are the globals whose fields cannot be assigned (Redis
// 7.0 makes them read-only). KEYS and ARGV are ordinary tables.
var readonlyTables = set("redis string math table coroutine bit cjson cmsgpack struct os _G")

type lookupMode int

const (
	modeEval    lookupMode = iota // EVAL / EVALSHA: KEYS and ARGV are globals
	modeLibrary                   // FUNCTION LOAD: no KEYS/ARGV; redis.register_function
)

// globalKind classifies a global name for the reader.
type globalKind int

const (
	gUnknown    globalKind = iota
	gBuiltin               // a value Redis keeps
	gLib                   // a library table with known fields
	gKeysArgv              // KEYS or ARGV
	gOS                    // os: 7.2+ only, clock only
	gDeprecated            // getfenv/setfenv/newproxy
	gDenied                // print, dofile…
	gValkey                // server…: Valkey only
)

func classifyGlobal(name string, mode lookupMode) globalKind {
	switch {
	case name == "os":
		return gOS
	case name == "KEYS" || name == "ARGV":
		if mode == modeLibrary {
			return gUnknown
		}
		return gKeysArgv
	case libFields[name] != "":
		return gLib
	case builtins[name]:
		return gBuiltin
	case deprecatedGlobals[name]:
		return gDeprecated
	case deniedGlobals[name] != "":
		return gDenied
	case valkeyGlobals[name]:
		return gValkey
	}
	return gUnknown
}

// hasField reports whether lib.field exists in Redis.
func hasField(lib, field string, mode lookupMode) bool {
	if mode == modeLibrary && lib == "redis" && field == "register_function" {
		return true
	}
	for _, f := range strings.Fields(libFields[lib]) {
		if f == field {
			return true
		}
	}
	return false
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
