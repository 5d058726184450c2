package lint

import (
	"fmt"
	"strings"
	"sync"

	"github.com/yuin/gopher-lua/ast"
)

// Per-server facts: what a script uses that its target server
// (Options.Server) does not have. Commands and their option tokens come
// from the generated since table (since_gen.go); the Lua globals and
// fields below were read in the servers' sources at their release tags
// (redis src/script_lua.c, valkey src/script_lua.c and src/eval.c).
// Findings are warnings: a script may test the version before it uses
// something newer, and lint cannot see that it does.

// fieldSince are fields of the redis table that appeared in a release:
// reading one on an older server gives nil, calling it raises "attempt
// to call field … (a nil value)". Valkey began as Redis 7.2.4, so it has
// what Redis 7.0 added, and added its own from its first release.
var fieldSince = map[string][2]version{
	"REDIS_VERSION":      {0x070000, 0x070200},
	"REDIS_VERSION_NUM":  {0x070000, 0x070200},
	"acl_check_cmd":      {0x070000, 0x070200},
	"SERVER_NAME":        {never, 0x070200},
	"VALKEY_VERSION":     {never, 0x070200},
	"VALKEY_VERSION_NUM": {never, 0x070200},
}

// globalSince are globals that appeared in a release: reading one on an
// older server raises "Script attempted to access nonexistent global
// variable". os came with Redis 7.2 (os.clock alone); server, Valkey's
// name for the redis table, with Valkey 8.0; its error handler's new
// name with 8.1.
var globalSince = map[string][2]version{
	"os":                     {0x070200, 0x070200},
	"server":                 {never, 0x080000},
	"__server__err__handler": {never, 0x080100},
}

func (l *linter) known() bool { _, _, ok := l.target(); return ok }

// globalHint says what to use instead of each of globalSince.
var globalHint = map[string]string{
	"os":                     "time with redis.call('TIME'), which every server has, or run on a newer server",
	"server":                 "write redis.call, redis.pcall…: every server has the redis table",
	"__server__err__handler": "do not use the server's internal error handler",
}

// target returns the flavor index and version of Options.Server,
// parsed once per lint (it is asked at every redis.call and global).
func (l *linter) target() (int, version, bool) {
	if !l.srvParsed {
		l.srvF, l.srvV, l.srvOK = l.opt.Server.parse()
		l.srvParsed = true
	}
	return l.srvF, l.srvV, l.srvOK
}

// checkCommandVersion reports a redis.call of a command, or of a
// subcommand, that the target lacks, and option tokens it lacks. It
// returns whether it reported the command, and whether the since table
// says the target has it (then the Redis 7.0 rules about the command's
// existence do not apply).
func (l *linter) checkCommandVersion(e *ast.FuncCallExpr, argCols []int, name string, line, col int) (reported, has bool) {
	f, v, ok := l.target()
	if !ok {
		return false, false
	}
	table := since()
	c, found := table[name]
	what := cmdName{name: name}
	first := 1 // the first argument after the command (and subcommand)
	if len(e.Args) > 1 && containers()[name] && (!found || !lacks(f, v, c.since)) {
		// The container is there (or unknown): judge the subcommand.
		if sub, ok := e.Args[1].(*ast.StringExpr); ok {
			if sc, ok := table[name+"|"+strings.ToLower(sub.Value)]; ok {
				what.sub = sub.Value
				c, found, first = sc, true, 2
				line, col = lineOf(sub, line), argCols[1]
			}
		}
	}
	if !found {
		return false, false
	}
	if lacks(f, v, c.since) {
		l.add(line, col, Warning, CodeCommandVersion,
			fmt.Sprintf("%s replies %q", lackMsg(l.opt.Server, f, what.String(), c.since), unknownCommandText(l.opt.Server)),
			commandHint(f, c.since))
		return true, false
	}
	if c.since[f] > v {
		return false, false // past the table's horizon: cannot tell
	}
	for i := first + c.lead; i < len(e.Args); i++ {
		s, ok := e.Args[i].(*ast.StringExpr)
		if !ok {
			continue
		}
		for _, t := range c.tokens {
			if !strings.EqualFold(t.token, s.Value) {
				continue
			}
			if lacks(f, v, t.since) {
				l.add(lineOf(s, line), argCols[i], Warning, CodeArgVersion,
					lackMsg(l.opt.Server, f, what.String()+" … "+t.token, t.since)+
						" does not know the option: the call fails (\"ERR syntax error\" or a wrong-number-of-arguments error)",
					"leave the option out on this server, or test the version in the script (redis.REDIS_VERSION_NUM, Redis 7.0+) before using it")
			}
			break
		}
	}
	return false, true
}

// cmdName is a command as messages show it, "CLIENT NO-TOUCH", built
// only when a finding needs it.
type cmdName struct{ name, sub string }

func (c cmdName) String() string {
	if c.sub == "" {
		return strings.ToUpper(c.name)
	}
	return strings.ToUpper(c.name + " " + c.sub)
}

// containers are the commands with subcommands in the since table
// (CLIENT for "client|no-touch"), so that only their calls build a
// subcommand key.
var containers = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for name := range since() {
		if c, _, ok := strings.Cut(name, "|"); ok {
			m[c] = true
		}
	}
	return m
})

func commandHint(f int, s [2]version) string {
	if s[f] == never {
		return fmt.Sprintf("this is a %s command: on %s, do it with the commands both have, or send the script only to %s", flavorTitle[1-f], flavorTitle[f], flavorTitle[1-f])
	}
	return fmt.Sprintf("run it on %s %s or newer, or test the version in the script (redis.REDIS_VERSION_NUM, Redis 7.0+) and take another path", flavorTitle[f], s[f])
}

// checkFieldVersion judges lib.field by the target's version. It returns
// whether the target decided (then the version-blind rules stay quiet).
func (l *linter) checkFieldVersion(lib, field string, line, col int) bool {
	if lib != "redis" || !l.known() {
		return false
	}
	s, ok := fieldSince[field]
	if !ok {
		return false
	}
	f, v, _ := l.target()
	if s[f] <= v {
		return true
	}
	// A field of the other flavor (Valkey's SERVER_NAME on Redis) is
	// named with this server too: lackMsg says whose it is.
	hint := "fine if the script tests it for nil first; otherwise run on a newer server"
	if s[f] == never {
		hint = "for a script that runs on both, read redis.REDIS_VERSION (Valkey keeps it at 7.2.4) or test the field for nil"
	}
	l.add(line, col, Warning, CodeGlobalVersion,
		lackMsg(l.opt.Server, f, "redis."+field, s)+" has no such field: it is nil there", hint)
	return true
}

// checkGlobalVersion judges a read of a global by the target's version,
// like checkFieldVersion.
func (l *linter) checkGlobalVersion(name string, line, col int) bool {
	if !l.known() {
		return false
	}
	s, ok := globalSince[name]
	if !ok {
		return false
	}
	f, v, _ := l.target()
	if s[f] <= v {
		return true
	}
	l.add(line, col, Warning, CodeGlobalVersion,
		fmt.Sprintf("%s raises \"Script attempted to access nonexistent global variable '%s'\"", lackMsg(l.opt.Server, f, name, s), name),
		globalHint[name])
	return true
}

// scriptableSince says from which release each server runs a command in
// a script that older ones refuse ("This Redis command is not allowed
// from script", their noscript flag). Redis dropped the flag of its
// blocking commands and WAIT in 7.2.0 (redis/redis#11568), so Valkey,
// which began as Redis 7.2.4, always runs them; WAITAOF lost it in Redis
// 7.4.0 (#12977) and Valkey 8.0.0 (read in both repositories'
// src/commands/*.json at their tags; run live on 7.0.15, 8.0.2, 8.1.1).
var scriptableSince = map[string][2]version{
	"blmove": {0x070200, 0x070200}, "blpop": {0x070200, 0x070200}, "brpop": {0x070200, 0x070200},
	"brpoplpush": {0x070200, 0x070200}, "bzpopmax": {0x070200, 0x070200}, "bzpopmin": {0x070200, 0x070200},
	"wait": {0x070200, 0x070200}, "waitaof": {0x070400, 0x080000},
}

// noscriptText is what a server replies when a script calls a command
// it may not (the same words on Redis and Valkey, checked live).
const noscriptText = "ERR This Redis command is not allowed from script"

// scriptableEffect says what a command that cannot block does in a
// script, where the server answers at once.
func scriptableEffect(name string) string {
	switch name {
	case "wait":
		return "it returns at once the number of replicas that acknowledged the writes so far"
	case "waitaof":
		return "it returns at once the counts of local and replica AOF fsyncs done so far"
	}
	return "with nothing to pop it returns nil (false in Lua) at once, whatever the timeout"
}

// checkScriptable judges, for a known target, a command that some
// servers refuse in a script and others run without blocking. It
// returns whether it decided (then the version-blind noscript rule stays
// quiet).
func (l *linter) checkScriptable(name string, line, col int) bool {
	s, ok := scriptableSince[name]
	if !ok {
		return false
	}
	f, v, ok := l.target()
	if !ok {
		return false
	}
	upper := strings.ToUpper(name)
	if v < s[f] {
		l.add(line, col, Warning, CodeNoscriptCommand,
			fmt.Sprintf("%s may not be called from a script on this server (%s): it replies %q (%s %s and newer run it, without blocking)",
				upper, l.opt.Server, noscriptText, flavorTitle[f], s[f]),
			scriptableHint(name))
		return true
	}
	var refusing []string
	for g := range flavorTitle {
		if s[g] > oldest[g] {
			refusing = append(refusing, fmt.Sprintf("%s before %s", flavorTitle[g], s[g]))
		}
	}
	verb := "refuses"
	if len(refusing) > 1 {
		verb = "refuse"
	}
	l.add(line, col, Warning, CodeNoscriptCommand,
		fmt.Sprintf("%s does not block in a script on this server (%s): %s (%s %s it: %q)",
			upper, l.opt.Server, scriptableEffect(name), strings.Join(refusing, " and "), verb, noscriptText),
		scriptableHint(name))
	return true
}

func scriptableHint(name string) string {
	if name == "wait" || name == "waitaof" {
		return "a script cannot wait: send " + strings.ToUpper(name) + " from the client after the script, where it can block"
	}
	return "a script cannot wait: use the non-blocking form (LPOP for BLPOP), which every server runs the same"
}

// missingCommandMsg is the unknown-command finding for a known target: a
// command in neither table is in no release lint knows of.
func missingCommandMsg(target Server, f int, v version, cmd string) string {
	if v <= sinceHorizon[f] {
		return fmt.Sprintf("this server (%s) has no command %s: the call fails with %q", target, quote(cmd), unknownCommandText(target))
	}
	return fmt.Sprintf("%s up to %s has no command %s: if this server (%s) has none either, the call fails with %q",
		flavorTitle[f], sinceHorizon[f], quote(cmd), target, unknownCommandText(target))
}

// osFieldMsg is the finding for os.NAME (not clock) on a known target:
// before Redis 7.2 there is no os table; from then on it holds clock
// alone, so os.NAME is nil (both checked live on 7.0.15 and 8.0.2).
func osFieldMsg(target Server, f int, v version, field string) string {
	if v < globalSince["os"][f] {
		return fmt.Sprintf("os.%s: this server (%s) has no os table at all: it raises \"Script attempted to access nonexistent global variable 'os'\"", field, target)
	}
	return fmt.Sprintf("os.%s is nil on this server (%s): its os table holds clock alone (calling it raises \"attempt to call field '%s' (a nil value)\")", field, target, field)
}
