package examples

// table is the gallery, in teaching order. Source is filled in from
// scripts/NAME.lua; "{{sha}}" in Expect becomes the source's SHA1.
// Every Expect entry was read off redis-server 7.0.15 and is checked
// against a real server by the package's tests, for RESP2 and RESP3. The
// order of a map's entries, a set's members, and of the flat array a RESP2
// caller gets for them, is the Lua table's iteration order: stable for one
// Lua build (every Redis so far embeds the same Lua 5.1), but not a promise,
// so the tests compare maps and sets without order.
var table = []Example{
	// Conversion rules: how a Lua value becomes the reply.
	{
		Name:  "average-rating",
		Title: "Numbers are truncated: 3.83 comes back as 3",
		Lesson: "A Lua number becomes an integer reply and its fraction is cut off, toward zero (3.83 → 3, -0.5 → 0): " +
			"Redis has no float in RESP2, and it does not round. " +
			"Return the number as text (tostring, string.format) or, to a RESP3 caller, as {double=x}. " +
			"The pitfall is an average or a ratio that is silently wrong, never an error.",
		Keys:   []string{"ratings:book:7"},
		Setup:  [][]string{{"DEL", "ratings:book:7"}, {"HSET", "ratings:book:7", "sum", "23", "count", "6"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"integer","value":3},{"type":"bulk","value":"3.83"}]}`},
		Tags:   []string{TagConversion},
	},
	{
		Name:  "true-false-nil",
		Title: "true is 1, false is nil, and a missing key is false",
		Lesson: "Lua true becomes the integer 1 and false becomes a nil reply: a script in the default RESP2 mode cannot send a boolean. " +
			"The other way, redis.call hands a missing key (a nil reply) to Lua as false, not nil, so it can live in a table. " +
			"The pitfall: `if redis.call('GET', k) == nil` is never true; test `if not v` instead.",
		Keys:   []string{"app:{beta}:testers", "app:{beta}:banner"},
		Args:   []string{"ana"},
		Setup:  [][]string{{"DEL", "app:{beta}:testers", "app:{beta}:banner"}, {"SADD", "app:{beta}:testers", "ana", "ben"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"integer","value":1},{"type":"nil"},{"type":"nil"},{"type":"bulk","value":"boolean"}]}`},
		Tags:   []string{TagConversion, TagCluster},
	},
	{
		Name:  "nil-holes",
		Title: "An array is cut at the first nil",
		Lesson: "Redis converts a Lua table by reading t[1], t[2], … and stops at the first nil, so everything after a hole is lost without a word. " +
			"Holes come from tonumber() of a missing value, or from a function that returns nothing. " +
			"Store false instead (it becomes a nil reply and keeps its place), as the second array here does.",
		Keys:  []string{"stats:page:home"},
		Args:  []string{"views", "likes", "shares"},
		Setup: [][]string{{"DEL", "stats:page:home"}, {"HSET", "stats:page:home", "views", "120", "shares", "7"}},
		Expect: map[int]string{2: `{"type":"array","items":[` +
			`{"type":"array","items":[{"type":"integer","value":120}]},` +
			`{"type":"array","items":[{"type":"integer","value":120},{"type":"nil"},{"type":"integer","value":7}]}]}`},
		Tags: []string{TagConversion},
	},
	{
		Name:  "status-vs-bulk",
		Title: "A status reply is not a bulk string: {ok=…} vs 'OK'",
		Lesson: "redis.call('SET', …) hands the script the status reply as the table {ok='OK'}; returning it (or redis.status_reply(x)) sends a status reply, while returning the Lua string 'OK' sends a bulk string. " +
			"redis-cli prints both as OK, but they are different wire types, and clients that read types (or compare with a status) can tell. " +
			"Return {ok=…} only for simple, single-line text.",
		Keys:   []string{"greeting"},
		Args:   []string{"hello"},
		Setup:  [][]string{{"DEL", "greeting"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"status","value":"OK"},{"type":"bulk","value":"OK"},{"type":"status","value":"STORED"}]}`},
		Tags:   []string{TagConversion},
	},

	// Errors on purpose, and the errors of commands.
	{
		Name:  "validate-args",
		Title: "Refuse bad arguments with redis.error_reply before writing",
		Lesson: "ARGV values are always strings: check them with tonumber() and return redis.error_reply('ERR …') (or {err='ERR …'}, the same thing) before any write. " +
			"The reply is an error that the client raises, and the script has changed nothing. " +
			"Start the message with an upper-case code such as ERR, so clients can match on it.",
		Keys:   []string{"counter:orders"},
		Args:   []string{"abc"},
		Setup:  [][]string{{"DEL", "counter:orders"}},
		Expect: map[int]string{2: `{"type":"error","value":"ERR quantity is not a number: abc"}`},
		Tags:   []string{TagErrors},
	},
	{
		Name:  "error-no-rollback",
		Title: "error({err=…}) stops the script, but earlier writes stay",
		Lesson: "error({err='…'}) aborts the script from any depth with that error reply (Redis appends the script's SHA and line). " +
			"Scripts are atomic, not transactional: the INCR that ran before the error is not undone, so validate first and write last. " +
			"Never error() a table without an err field: it crashes the server (Redis 7.0.15, 8.0.2 and Valkey 8.1.1 as Debian builds them).",
		Keys:   []string{"account:{7}:audit", "account:{7}:balance"},
		Args:   []string{"50"},
		Setup:  [][]string{{"DEL", "account:{7}:audit", "account:{7}:balance"}, {"SET", "account:{7}:balance", "30"}},
		Expect: map[int]string{2: `{"type":"error","value":"ERR insufficient funds script: {{sha}}, on @user_script:10."}`},
		Tags:   []string{TagErrors, TagCluster},
	},
	{
		Name:  "pcall-wrongtype",
		Title: "redis.pcall catches WRONGTYPE and returns it as {err=…}",
		Lesson: "redis.call raises a command's error and stops the script; redis.pcall returns it as the table {err='WRONGTYPE …'} so the script can decide. " +
			"Here the profile was stored as a string, not a hash, and the script returns the error with the key's name added. " +
			"Keep Redis's code (the first word) at the front of the message, so clients still see a WRONGTYPE error.",
		Keys:   []string{"profile:ana"},
		Args:   []string{"email"},
		Setup:  [][]string{{"DEL", "profile:ana"}, {"SET", "profile:ana", "ana@example.com"}},
		Expect: map[int]string{2: `{"type":"error","value":"WRONGTYPE Operation against a key holding the wrong kind of value (key profile:ana)"}`},
		Tags:   []string{TagErrors},
	},
	{
		Name:  "missing-key-error",
		Title: "'no such key' is the script's own error, not NOSCRIPT",
		Lesson: "This script returns redis.error_reply('no such key') when the session is missing, and that text in a log is easily mistaken for a lost script cache. " +
			"It is not NOSCRIPT: the script ran, and reloading it will not help; luascope classifies the reply as class script. " +
			"Look at the data (here, an expired session), and give such errors a code and context, such as 'ERR session expired: KEY'.",
		Keys:   []string{"session:9f2c"},
		Setup:  [][]string{{"DEL", "session:9f2c"}},
		Expect: map[int]string{2: `{"type":"error","value":"no such key"}`},
		Tags:   []string{TagErrors},
	},

	// RESP3.
	{
		Name:  "resp3-profile-map",
		Title: "redis.setresp(3): a map with a double and a boolean",
		Lesson: "After redis.setresp(3), redis.call hands the script RESP3 shapes (HGETALL becomes {map=…}) and the script may return {map=…}, {double=…} and real booleans. " +
			"A RESP3 caller (HELLO 3) gets a map, a double and a boolean; a RESP2 caller gets a flat array, the bulk string \"12.5\" and the integer 1. " +
			"A map has no order: do not rely on the order of its entries.",
		Keys:  []string{"profile:ada"},
		Setup: [][]string{{"DEL", "profile:ada"}, {"HSET", "profile:ada", "name", "Ada", "score", "12.5"}},
		Expect: map[int]string{
			2: `{"type":"array","items":[{"type":"bulk","value":"score"},{"type":"bulk","value":"12.5"},{"type":"bulk","value":"name"},{"type":"bulk","value":"Ada"},{"type":"bulk","value":"vip"},{"type":"integer","value":1}]}`,
			3: `{"type":"map","entries":[{"key":{"type":"bulk","value":"score"},"value":{"type":"double","value":12.5}},{"key":{"type":"bulk","value":"name"},"value":{"type":"bulk","value":"Ada"}},{"key":{"type":"bulk","value":"vip"},"value":{"type":"boolean","value":true}}]}`,
		},
		// Valkey 8.1 walks the Lua table in another order (as it would
		// any map: the lesson's point).
		ExpectOn: map[string]map[int]string{"valkey 8.1": {
			2: `{"type":"array","items":[{"type":"bulk","value":"name"},{"type":"bulk","value":"Ada"},{"type":"bulk","value":"vip"},{"type":"integer","value":1},{"type":"bulk","value":"score"},{"type":"bulk","value":"12.5"}]}`,
		}},
		Tags: []string{TagRESP3, TagConversion},
	},
	{
		Name:  "resp3-common-tags",
		Title: "{set=…}: a set reply for RESP3, an array for RESP2",
		Lesson: "Under redis.setresp(3), SINTER arrives as {set={member=true, …}} and returning it sends a RESP3 set; a RESP2 caller gets the members as an array. " +
			"A set has no order: sort it in the client if order matters. " +
			"The two keys share the hash tag {team}, so a cluster keeps them in one slot and the script may read both.",
		Keys: []string{"tags:{team}:ana", "tags:{team}:ben"},
		Setup: [][]string{{"DEL", "tags:{team}:ana", "tags:{team}:ben"},
			{"SADD", "tags:{team}:ana", "redis", "lua", "go"}, {"SADD", "tags:{team}:ben", "lua", "go", "rust"}},
		Expect: map[int]string{
			2: `{"type":"array","items":[{"type":"bulk","value":"lua"},{"type":"bulk","value":"go"}]}`,
			3: `{"type":"set","items":[{"type":"bulk","value":"lua"},{"type":"bulk","value":"go"}]}`,
		},
		Tags: []string{TagRESP3, TagCluster},
	},

	// Patterns people use.
	{
		Name:  "fixed-window-rate-limit",
		Title: "Fixed-window rate limiter (INCR + EXPIRE)",
		Lesson: "INCR counts the calls and the first call sets the window's EXPIRE; in a script both happen atomically, so a crash cannot leave a counter that never expires. " +
			"The setup plays a caller who already used 5 of 5 calls, so this one is refused. " +
			"A fixed window lets a burst of up to twice the limit through at a window's edge; use the sliding window when that matters.",
		Keys:   []string{"rate:user:42"},
		Args:   []string{"5", "60"},
		Setup:  [][]string{{"DEL", "rate:user:42"}, {"SET", "rate:user:42", "5", "EX", "60"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"integer","value":0},{"type":"integer","value":0}]}`},
		Tags:   []string{TagPattern},
	},
	{
		Name:  "sliding-window-rate-limit",
		Title: "Sliding-window rate limiter (sorted set of timestamps)",
		Lesson: "Each request is a member of a sorted set scored by the server's TIME in milliseconds; old ones are trimmed, the rest counted, and the request added only if it fits. " +
			"Use the server's clock (clients' clocks disagree) and a unique member per request (two requests in one millisecond would otherwise count once). " +
			"TIME before a write is fine since Redis 5: scripts replicate their effects, not the script.",
		Keys:   []string{"ratelog:user:42"},
		Args:   []string{"3", "1000", "req-1"},
		Setup:  [][]string{{"DEL", "ratelog:user:42"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"integer","value":1},{"type":"integer","value":2}]}`},
		Tags:   []string{TagPattern},
	},
	{
		Name:  "lock-release",
		Title: "Release a lock by token (compare-and-delete)",
		Lesson: "A lock is SET key token NX PX ttl; releasing it must delete the key only if it still holds our token, in one atomic step. " +
			"The setup plays the classic failure: our lock expired and worker-b took it, so the script answers 0 and leaves their lock alone. " +
			"A plain DEL, or GET then DEL from the client, would have freed worker-b's lock.",
		Keys:   []string{"lock:report:daily"},
		Args:   []string{"worker-a:7f3e"},
		Setup:  [][]string{{"DEL", "lock:report:daily"}, {"SET", "lock:report:daily", "worker-b:91c2", "PX", "30000"}},
		Expect: map[int]string{2: `{"type":"integer","value":0}`},
		Tags:   []string{TagPattern},
	},
	{
		Name:  "stock-decrement",
		Title: "Decrement stock, never below zero",
		Lesson: "Check and decrement in one script, so two buyers cannot both take the last unit; DECRBY alone would go negative. " +
			"The setup leaves 2 units and the call wants 3, so it answers {0, 2} and writes nothing. " +
			"A missing key reaches Lua as false and tonumber(false) is nil: `or 0` treats it as no stock.",
		Keys:   []string{"stock:sku-1234"},
		Args:   []string{"3"},
		Setup:  [][]string{{"DEL", "stock:sku-1234"}, {"SET", "stock:sku-1234", "2"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"integer","value":0},{"type":"integer","value":2}]}`},
		Tags:   []string{TagPattern},
	},
	{
		Name:  "leaderboard-update",
		Title: "Leaderboard: ZINCRBY and the new rank in one round trip",
		Lesson: "ZINCRBY adds points and ZREVRANK gives the rank among the highest scores, atomically, so the rank matches the score. " +
			"ZINCRBY answers with the score as a string: return it as is, because tonumber() would turn 12.5 into the integer 12 on the way out. " +
			"ZREVRANK is 0-based; add 1 for a human rank.",
		Keys:   []string{"leaderboard:weekly"},
		Args:   []string{"alice", "60"},
		Setup:  [][]string{{"DEL", "leaderboard:weekly"}, {"ZADD", "leaderboard:weekly", "100", "alice", "150", "bob", "90", "carol"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"bulk","value":"160"},{"type":"integer","value":1}]}`},
		Tags:   []string{TagPattern},
	},
	{
		Name:  "job-claim",
		Title: "Idempotent job claim: SET NX with a TTL, then move the job",
		Lesson: "SET claim worker NX EX ttl takes the job for one worker for a while, and the job moves from pending to processing in the same atomic step. " +
			"SET NX answers false when the key exists: a retried claim by the same worker is answered already-yours, not an error. " +
			"The three keys share the hash tag {emails}, so the script works in a cluster.",
		Keys: []string{"jobs:{emails}:claim:102", "jobs:{emails}:pending", "jobs:{emails}:processing"},
		Args: []string{"102", "worker-a", "30"},
		Setup: [][]string{{"DEL", "jobs:{emails}:claim:102", "jobs:{emails}:pending", "jobs:{emails}:processing"},
			{"RPUSH", "jobs:{emails}:pending", "101", "102", "103"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"bulk","value":"claimed"},{"type":"bulk","value":"worker-a"}]}`},
		Tags:   []string{TagPattern, TagCluster},
	},
	{
		Name:  "cart-hash-tags",
		Title: "Cluster-safe multi-key update with hash tags",
		Lesson: "A script may only touch keys of one hash slot in a cluster, or it fails with CROSSSLOT. " +
			"Only the part in braces is hashed, so cart:{42}:items and cart:{42}:total share a slot and one script keeps the items and the total in step. " +
			"Pass every key in KEYS: the cluster routes the script by KEYS, and a key built inside the script fails there as soon as it lives in another slot.",
		Keys: []string{"cart:{42}:items", "cart:{42}:total"},
		Args: []string{"sku-2", "2", "250"},
		Setup: [][]string{{"DEL", "cart:{42}:items", "cart:{42}:total"},
			{"HSET", "cart:{42}:items", "sku-1", "1"}, {"SET", "cart:{42}:total", "1500"}},
		Expect: map[int]string{2: `{"type":"array","items":[{"type":"integer","value":2},{"type":"integer","value":2000}]}`},
		Tags:   []string{TagPattern, TagCluster},
	},
	// Server versions: the same script, another answer (luascope compare).
	{
		Name:  "double-text",
		Title: "{double=3.9}: 3.8999999999999999 on Redis 7.0, 3.9 on Redis 8 and Valkey",
		Lesson: "A RESP2 caller gets {double=x} as a bulk string of the server's own text for the number: 3.8999999999999999 from Redis 7.0, 3.9 from Redis 8.0 and Valkey 8.1 (a RESP3 caller gets a double, whose text on the wire differs the same way). " +
			"Code that compares that string, or a test recorded on one server, breaks after an upgrade. " +
			"Parse it as a number, or send the text you mean with string.format.",
		Keys:   []string{"price:item:1"},
		Setup:  [][]string{{"DEL", "price:item:1"}, {"SET", "price:item:1", "3.9"}},
		Expect: map[int]string{2: `{"type":"bulk","value":"3.8999999999999999"}`, 3: `{"type":"double","value":3.9}`},
		ExpectOn: map[string]map[int]string{
			"redis 8.": {2: `{"type":"bulk","value":"3.9"}`},
			"valkey":   {2: `{"type":"bulk","value":"3.9"}`},
		},
		Tags: []string{TagServers, TagConversion},
	},
	{
		Name:  "error-text-differs",
		Title: "Error texts are the server's: Redis and Valkey word them differently",
		Lesson: "An unknown command in a script fails with \"ERR Unknown Redis command called from script\" on Redis and \"ERR Unknown command called from script\" on Valkey 8, and Valkey's NOSCRIPT drops \"Please use EVAL.\" (see the trace of a first run). " +
			"Code that matches whole error texts works on one server and not on the other. " +
			"Match the error code, the first word (ERR, NOSCRIPT, WRONGTYPE), as luascope's classes do.",
		Keys:   []string{"session:42"},
		Setup:  [][]string{{"DEL", "session:42"}},
		Expect: map[int]string{2: `{"type":"bulk","value":"ERR Unknown Redis command called from script"}`},
		ExpectOn: map[string]map[int]string{
			"valkey": {2: `{"type":"bulk","value":"ERR Unknown command called from script"}`, 3: `{"type":"bulk","value":"ERR Unknown command called from script"}`},
		},
		Tags: []string{TagServers, TagErrors},
	},
	{
		Name:  "acl-error-in-script",
		Title: "An ACL refusal inside a script is ERR, not NOPERM, and each server words it its own way",
		Lesson: "Run by a user who may not write, the script's SET fails with ERR, where the same SET sent by that user outside a script fails with NOPERM, and Redis 7.0 says \"ERR The user executing the script can't run this command or subcommand\" while Redis 7.2+ and Valkey say \"ERR ACL failure in script: User lesson-reader has no permissions to run the 'set' command\" (Redis reworded it in 7.2, Valkey kept the new text). " +
			"Code that waits for NOPERM, or matches one server's sentence, takes the refusal for some other error. " +
			"Ask before the call with redis.acl_check_cmd('SET', KEYS[1], v), which returns true or false on Redis 7.0+ and Valkey alike, and return an error code of your own; a client that matches only the ERR prefix and logs the text stays right on every server.",
		Keys: []string{"acl:report:1"},
		Setup: [][]string{
			{"DEL", "acl:report:1"},
			{"SET", "acl:report:1", "draft"},
			{"ACL", "SETUSER", "lesson-reader", "reset", "on", ">lesson-reader", "~acl:*", "+@read", "+eval", "+evalsha", "+script|load"},
		},
		User:     "lesson-reader",
		Password: "lesson-reader",
		Expect:   map[int]string{2: `{"type":"bulk","value":"ERR The user executing the script can't run this command or subcommand"}`},
		ExpectOn: map[string]map[int]string{
			"redis 8.": {2: `{"type":"bulk","value":"ERR ACL failure in script: User lesson-reader has no permissions to run the 'set' command"}`, 3: `{"type":"bulk","value":"ERR ACL failure in script: User lesson-reader has no permissions to run the 'set' command"}`},
			"valkey":   {2: `{"type":"bulk","value":"ERR ACL failure in script: User lesson-reader has no permissions to run the 'set' command"}`, 3: `{"type":"bulk","value":"ERR ACL failure in script: User lesson-reader has no permissions to run the 'set' command"}`},
		},
		Tags: []string{TagServers, TagErrors},
	},
	{
		Name:  "frozen-time",
		Title: "TIME stands still inside a script on Redis 8 and Valkey 8",
		Lesson: "On Redis 7.0 TIME inside a script reads the clock; on Redis 8.0 and Valkey 8.1 it returns the time the script started, on every call (until the script runs past busy-reply-threshold). " +
			"A duration or a rate measured with TIME inside a script is 0 there. " +
			"Measure time outside the script, or pass it in ARGV.",
		Keys:   []string{"work:sum"},
		Args:   []string{"2000000"},
		Setup:  [][]string{{"DEL", "work:sum"}},
		Expect: map[int]string{2: `{"type":"bulk","value":"moved"}`},
		ExpectOn: map[string]map[int]string{
			"redis 8.": {2: `{"type":"bulk","value":"frozen"}`, 3: `{"type":"bulk","value":"frozen"}`},
			"valkey":   {2: `{"type":"bulk","value":"frozen"}`, 3: `{"type":"bulk","value":"frozen"}`},
		},
		Tags: []string{TagServers},
	},
}
