// Package lint checks a Redis Lua script before it is sent, without a
// server: the mistakes Redis would only report at run time (or never,
// until the script runs in a cluster) are found from the source.
//
// It parses the script with gopher-lua's Lua 5.1 parser (Redis embeds Lua
// 5.1) and reports, with a stable code per rule:
//
//   - syntax errors, on the line Redis's own compiler names;
//   - assignments to globals (Redis 7.0+ refuses them: "Attempt to modify a
//     readonly table") and reads of globals a Redis script does not have
//     ("Script attempted to access nonexistent global variable");
//   - keys that do not come from KEYS, KEYS indexes beyond numkeys;
//   - shebang flags Redis rejects, write commands in no-writes or EVAL_RO
//     scripts, commands scripts may not call;
//   - with Options.Server (the target's flavor and version): commands,
//     option tokens and globals that version lacks, from a table
//     generated from the servers' own command descriptions
//     (tools/gensince, since_gen.go);
//   - error() with a table that has no err field, which crashes the server (Redis 7.0.15, 8.0.2, Valkey 8.1.1)
//     servers.
//
// Findings are advice: Redis stays the judge. The few that must stop a
// script from being sent to a production server are picked by Blocking.
package lint
