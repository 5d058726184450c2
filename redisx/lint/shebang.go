package lint

import (
	"strings"
)

// knownFlags are the shebang flags Redis 7.0+ accepts. The same list is
// redisx.KnownFlags; it is repeated here because redisx (the runner) will
// import this package, and a cycle is not allowed.
var knownFlags = set("no-writes allow-oom allow-stale no-cluster allow-cross-slot-keys")

// shebang is what the first line says, as Redis reads it
// (evalExtractShebangFlags: words split on spaces, "flags=" split on commas).
type shebang struct {
	present bool
	library bool // "#!lua name=…": a FUNCTION LOAD library
	flags   map[string]bool
	length  int // bytes of the first line, without the line break
}

// checkShebang parses the first line and reports what Redis would refuse
// with "Unexpected engine", "Unknown lua shebang option" or "Unexpected
// flag in script shebang".
func (l *linter) checkShebang() {
	src := l.src
	if !strings.HasPrefix(src, "#!") {
		return
	}
	line := src
	if i := strings.IndexAny(src, "\r\n"); i >= 0 {
		line = src[:i]
	}
	sb := &l.sb
	sb.present = true
	sb.length = len(line)
	sb.flags = map[string]bool{}
	words := strings.Split(line[2:], " ")
	engine := words[0]
	words = words[1:]
	col := 1
	if engine != "lua" {
		l.add(1, 1, Error, CodeUnknownFlag,
			"unexpected engine in the shebang: "+quote(engine)+" (Redis: \"Unexpected engine in script shebang\")",
			"start the first line with #!lua, or remove the line")
		return
	}
	// A library shebang names the library; its flags go to register_function.
	for _, w := range words {
		if strings.HasPrefix(w, "name=") {
			sb.library = true
		}
	}
	pos := 2 + len(engine)
	for _, w := range words {
		col = pos + 2 // 1-based column of the word, after the space before it
		pos += 1 + len(w)
		if w == "" {
			continue
		}
		name, val, ok := strings.Cut(w, "=")
		switch {
		case sb.library && name == "name" && ok:
			continue
		case sb.library:
			l.add(1, col, Error, CodeUnknownFlag,
				"a library shebang takes only name=…: Redis refuses "+quote(w)+" (\"Invalid metadata value given\")",
				"give a function's flags to redis.register_function{function_name=…, callback=…, flags={'no-writes'}}")
			continue
		case !ok || name != "flags":
			l.add(1, col, Error, CodeUnknownFlag,
				"unknown shebang option "+quote(w)+" (Redis: \"Unknown lua shebang option\")",
				"the only option of an EVAL script is flags=a,b; name=… belongs to a FUNCTION LOAD library")
			continue
		}
		if val == "" {
			continue
		}
		fcol := col + len("flags=")
		for _, f := range strings.Split(val, ",") {
			if knownFlags[f] {
				sb.flags[f] = true
			} else {
				msg := "unknown shebang flag " + quote(f) + " (Redis: \"Unexpected flag in script shebang\")"
				if f == "" {
					msg = "empty shebang flag (a stray comma): Redis refuses it (\"Unexpected flag in script shebang\")"
				}
				l.add(1, fcol, Error, CodeUnknownFlag, msg,
					"known flags: no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys")
			}
			fcol += len(f) + 1
		}
	}
}
