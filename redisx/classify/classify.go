package classify

import (
	"strconv"
	"strings"
)

// Classify reads one error text and says what kind of failure it is. The
// text may be an error reply as a client shows it ("ERR …", "NOSCRIPT …"),
// with or without a leading "-" or redis-cli's "(error) ", or a pasted
// line or block: a redis-py exception line, a go-redis error string, a
// wrapped Go error, a redis-server log line, a whole traceback. Classify
// never panics; an empty or unrecognisable text is class unknown.
func Classify(msg string) Classification {
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return finish(Classification{Class: Unknown, Source: SourceClient}, "")
	}
	// In a pasted block the last line that clearly is an error wins: the
	// exception line ends a traceback, the "(error)" line follows the
	// redis-cli prompt, the newest log line comes last.
	var best, last lineResult
	found := false
	for _, l := range lines {
		r := classifyLine(l)
		last = r
		if r.strong {
			best, found = r, true
		}
	}
	if found {
		return best.c
	}
	return last.c
}

// lineResult is one line's classification; strong means the line was
// recognised as an error (a code, a trailer, a known text), not merely
// defaulted.
type lineResult struct {
	c      Classification
	strong bool
}

var (
	// trailerRe is what Redis 7.0+ and Valkey append to an error that
	// ended a script: " script: <sha|function>, on @user_script:<line>."
	trailerRe = lazyRE(`(?i)\s*\bscript: ([^\s,]+), on @?([A-Za-z_][\w.\-]*):(-?\d+)\.?`)
	// shortTrailerRe is a trailer cut short when pasted: "… script: <sha>".
	shortTrailerRe = lazyRE(`(?i)\s*\bscript: ([0-9a-f]{40})\.?\s*$`)
	// envelope6Re is Redis ≤ 6.2's wrapper around the same information.
	envelope6Re = lazyRE(`(?i)^(?:ERR )?Error running script \(call to ([^)]*)\):\s*(?:@?([A-Za-z_][\w.\-]*):(-?\d+):\s*)?(.*)$`)
	// envelope7Re is the 7.x form used when the Lua error is not a table.
	envelope7Re = lazyRE(`(?i)^(?:ERR )?Error running script ([^,\s(]+), (.*)$`)
	// luaLocRe is the location Lua itself prefixes to an error raised from
	// a string (luaL_where): "user_script:3: attempt to call …".
	luaLocRe = lazyRE(`(?i)^(?:ERR )?(user_script|user_function):(-?\d+):\s*(.*)$`)
	// pushLocRe is Redis ≤ 6.2's luaPushError location: "@user_script: 1: …".
	pushLocRe = lazyRE(`(?i)^@(user_script|user_function): ?(-?\d+): ?(.*)$`)
	// anyLocRe finds a script location anywhere, for compile errors.
	anyLocRe = lazyRE(`(?i)\buser_(?:script|function):(-?\d+):`)
	// shaRe and fshaRe find a script SHA named elsewhere in a text.
	shaRe  = lazyRE(`(?i)\b(?:script: |script name is: |f_)([0-9a-f]{40})\b`)
	isSHA  = lazyRE(`(?i)^[0-9a-f]{40}$`)
	fshaRe = lazyRE(`(?i)^f_([0-9a-f]{40})$`)
	// logNameRe is the script name a slow-script log line names.
	logNameRe = lazyRE(`(?i)script name is: ([^\s.]+)`)
	// commandRe finds the command an error text names: "… for 'get'
	// command", "… in 'set' command", "unknown command 'foo'".
	commandRe       = lazyRE(`'([A-Za-z][\w|.\-]*)' command`)
	commandQuotedRe = lazyRE(`(?i)\bcommand '([A-Za-z][\w|.\-]*)'`)
	unknownCmdRe    = lazyRE(`(?i)unknown command '([^']*)'`)
	redirectRe      = lazyRE(`(?i)^(MOVED|ASK) (\d+) (\S+)$`)
	serverLogRe     = lazyRE(`^\d+:[A-Z] \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2}(?:\.\d+)? [.\-*#] `)
	oldServerLogRe  = lazyRE(`^\[\d+\] \d{1,2} [A-Za-z]{3}(?: \d{4})? \d{2}:\d{2}:\d{2}(?:\.\d+)? [.\-*#] `)
	pyExcRe         = lazyRE(`^(?:[A-Za-z_]\w*\.)*([A-Z]\w*(?:Error|Exception))(?::\s*|\(['"]|$)`)
	numberedRe      = lazyRE(`^\d+\) `)
)

// classifyLine classifies one line of text.
func classifyLine(line string) lineResult {
	text, py, marked := unwrap(line)
	work := text
	// redis-py drops the code of the errors it maps to their own class
	// (NoScriptError("No matching script. Please use EVAL.")); put it back
	// so the same rules apply.
	if code := pyCodes[py]; code != "" && !hasWordPrefix(work, code) {
		work = code + " " + work
	}
	c := Classification{Message: text}
	c.Prefix = errorCode(work)
	// A known code or a mark makes the line an error for sure; any other
	// upper-case word ("OK" in a pasted redis-cli session) does not.
	strong := marked || knownCodes[c.Prefix]

	// Take the script trailer (7.0+) or envelope (≤ 6.2) off; what is left
	// is the message of the error that ended the script.
	body, inScript, engine := work, false, false
	if ms := trailerRe.FindAllStringSubmatchIndex(work, -1); len(ms) > 0 {
		m := ms[len(ms)-1]
		body, inScript = strings.TrimSpace(work[:m[0]]), true
		nameScript(&c, work[m[2]:m[3]])
		c.Line = atoi(work[m[6]:m[7]])
	} else if m := shortTrailerRe.FindStringSubmatchIndex(work); m != nil {
		body, inScript = strings.TrimSpace(work[:m[0]]), true
		nameScript(&c, work[m[2]:m[3]])
	} else if m := envelope6Re.FindStringSubmatch(work); m != nil {
		body, inScript = strings.TrimSpace(m[4]), true
		nameScript(&c, m[1])
		c.Line = atoi(m[3])
	} else if m := envelope7Re.FindStringSubmatch(work); m != nil {
		// The Lua error was not a table: the engine itself failed.
		body, inScript, engine = strings.TrimSpace(m[2]), true, true
		nameScript(&c, m[1])
	}
	strong = strong || inScript
	if c.SHA == "" {
		if m := shaRe.FindStringSubmatch(work); m != nil {
			c.SHA = strings.ToLower(m[1])
		}
	}
	c.Command = commandIn(work)

	if r, ok := classifyBody(&c, body, work, py, inScript); ok {
		return lineResult{c: finish(c, r), strong: true}
	}
	if engine {
		c.Class, c.Source = Runtime, SourceScript
		return lineResult{c: finish(c, ""), strong: true}
	}
	// Nothing matched a server text. A client-side failure?
	if !knownCodes[c.Prefix] && !inScript {
		if cls, ok := clientFailure(strings.ToLower(text), py); ok {
			c.Class, c.Source = cls, SourceClient
			return lineResult{c: finish(c, ""), strong: true}
		}
	}
	return lineResult{c: finish(c, fallback(&c, body, inScript)), strong: strong}
}

// unwrap takes off what wraps an error text when it is printed or pasted:
// redis-cli's "(error) ", RESP's "-", a redis-server log prefix, a Python
// exception name, a Go wrapping prefix ("eval: ERR …"). It returns the
// error text, the Python exception name if there was one, and whether
// any of these marks was seen (a marked line is an error for sure).
func unwrap(s string) (text, py string, marked bool) {
	s = strings.TrimSpace(s)
	for range 8 {
		switch {
		case hasPrefixFold(s, "(error) "):
			s, marked = strings.TrimSpace(s[len("(error) "):]), true
		case hasPrefixFold(s, "(error)"):
			s, marked = strings.TrimSpace(s[len("(error)"):]), true
		case numberedRe.MatchString(s) && strings.Contains(s, "(error)"):
			s = strings.TrimSpace(numberedRe.ReplaceAllString(s, ""))
		case len(s) > 1 && s[0] == '-' && isLetter(s[1]):
			s, marked = s[1:], true
		default:
			// A log line is not an error by itself ("Ready to accept
			// connections"), so it does not mark the line.
			if loc := serverLogRe.FindStringIndex(s); loc != nil {
				s = strings.TrimSpace(s[loc[1]:])
				continue
			}
			if loc := oldServerLogRe.FindStringIndex(s); loc != nil {
				s = strings.TrimSpace(s[loc[1]:])
				continue
			}
			if py == "" {
				if m := pyExcRe.FindStringSubmatchIndex(s); m != nil {
					py = s[m[2]:m[3]]
					rest := s[m[1]:]
					if strings.HasSuffix(s[:m[1]], "(") || strings.HasSuffix(s[:m[1]], "'") || strings.HasSuffix(s[:m[1]], `"`) {
						rest = strings.TrimRight(rest, `)'"`)
					}
					s, marked = strings.TrimSpace(rest), true
					continue
				}
			}
			if cut, ok := cutAtCode(s); ok {
				s = cut
				continue
			}
			return s, py, marked
		}
	}
	return s, py, marked
}

// cutAtCode finds an error reply inside a wrapped Go error, "run script:
// ERR …", and returns it. It only cuts after ": " and never inside a
// script envelope or trailer, whose own ": " separate parts of one error.
func cutAtCode(s string) (string, bool) {
	if errorCode(s) != "" {
		return s, false
	}
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], ": ")
		if j < 0 {
			return s, false
		}
		p := i + j
		rest := s[p+2:]
		if w, _, _ := strings.Cut(rest, " "); knownCodes[w] && !scriptish(s[:p]) {
			return rest, true
		}
		i = p + 2
	}
	return s, false
}

// scriptish reports whether a text holds a script envelope or location,
// where ": " is part of the error and not a wrapping.
func scriptish(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "user_script") || strings.Contains(l, "user_function") ||
		strings.Contains(l, "error running script") || strings.Contains(l, "script:") ||
		strings.Contains(l, "error compiling")
}

// errorCode returns the error code a text starts with: a known Redis code
// in any case (upper-cased), or an upper-case word that servers and
// modules use as a code. "" when the first word is an ordinary word.
func errorCode(s string) string {
	w, _, _ := strings.Cut(s, " ")
	if w == "" {
		return ""
	}
	if up := strings.ToUpper(w); knownCodes[up] {
		if w == up || lowerCodesOK[up] {
			return up
		}
		return ""
	}
	if len(w) < 2 {
		return ""
	}
	for i := 0; i < len(w); i++ {
		b := w[i]
		if (b < 'A' || b > 'Z') && b != '_' && (b < '0' || b > '9' || i == 0) {
			return ""
		}
	}
	return w
}

// nameScript records the script a trailer or envelope names: a SHA for
// EVAL, a function name for FCALL, f_<sha> in Redis 6.
func nameScript(c *Classification, name string) {
	switch {
	case isSHA.MatchString(name):
		c.SHA = strings.ToLower(name)
	case fshaRe.MatchString(name):
		c.SHA = strings.ToLower(name[2:])
		c.Function = name
	case name != "" && name != "?":
		c.Function = name
	}
}

// commandIn returns the Redis command an error text names, lower case.
func commandIn(s string) string {
	if m := unknownCmdRe.FindStringSubmatch(s); m != nil {
		return strings.ToLower(m[1])
	}
	for _, re := range []*lazyRegexp{commandRe, commandQuotedRe} {
		if m := re.FindStringSubmatch(s); m != nil {
			return strings.ToLower(m[1])
		}
	}
	return ""
}

// classifyBody applies the server-text rules to the message of the error
// (the trailer or envelope already taken off). It returns the hint key
// for the rule that matched.
func classifyBody(c *Classification, body, work, py string, inScript bool) (string, bool) {
	n := normalize(body)

	// Compile errors name a location too, so they come before runtime.
	if r, ok := compileRule(n); ok {
		c.Class, c.Source = Compile, SourceCompiler
		if m := anyLocRe.FindStringSubmatch(body); m != nil {
			c.Line = atoi(m[1])
		}
		return r, true
	}
	// Lua's own location first: a runtime error (or error("text")).
	if m := luaLocRe.FindStringSubmatch(stripDash(body)); m != nil {
		c.Class, c.Source = Runtime, SourceScript
		if l := atoi(m[2]); l > 0 {
			c.Line = l
		}
		return "", true
	}
	// Redis ≤ 6.2's luaPushError location, "@user_script: 1: <message>".
	if m := pushLocRe.FindStringSubmatch(stripDash(body)); m != nil {
		if c.Line == 0 {
			c.Line = atoi(m[2])
		}
		body = m[3]
		n = normalize(body)
	}
	// Lua's own readonly-table error has no location when a C function
	// (setmetatable, rawset) raised it: by its text it is still Lua's.
	if luaRuntimeText(n) {
		c.Class, c.Source = Runtime, SourceScript
		return "", true
	}
	code := errorCode(stripDash(body))
	source := func(outside Source) Source {
		if inScript {
			return SourceRedisCall
		}
		return outside
	}
	switch {
	case code == "NOSCRIPT" || strings.HasPrefix(n, "no matching script") || n == "function not found":
		if inScript { // nothing a script calls can say NOSCRIPT: the script raised it
			c.Class, c.Source = Script, SourceScript
			return "", true
		}
		c.Class, c.Source = NoScript, SourceCache
		if n == "function not found" {
			return "function", true
		}
		return "", true
	case code == "BUSY" || strings.Contains(n, "is busy running a script") || strings.Contains(n, "slow script detected"):
		c.Class, c.Source = Busy, SourceServer
		if m := logNameRe.FindStringSubmatch(work); m != nil && c.SHA == "" && c.Function == "" {
			nameScript(c, m[1])
		}
		return "", true
	case strings.Contains(n, "script killed by user with"):
		c.Class, c.Source = Killed, SourceServer
		return "", true
	case code == "UNKILLABLE" || strings.Contains(n, "already executed write commands against the dataset") ||
		strings.Contains(n, "busy script was sent by a master"):
		c.Class, c.Source = Unkillable, SourceServer
		return "", true
	case code == "NOTBUSY" || strings.Contains(n, "no scripts in execution right now"):
		c.Class, c.Source = Unknown, SourceServer
		return "notbusy", true
	case code == "OOM" || strings.Contains(n, "command not allowed when used memory") ||
		strings.Contains(n, "allow-oom flag is not set"):
		c.Class, c.Source = OOM, source(SourceServer)
		if strings.Contains(n, "allow-oom flag") {
			return "flag", true
		}
		return "", true
	case strings.Contains(n, "can not run script with write flag on readonly replica"):
		c.Class, c.Source = ReadOnly, SourceServer
		return "flag", true
	case code == "READONLY" || strings.Contains(n, "write against a read only replica"):
		c.Class, c.Source = ReadOnly, source(SourceServer)
		return "", true
	case strings.Contains(n, "write commands are not allowed from read-only scripts") ||
		strings.Contains(n, "write commands not allowed after non deterministic commands"):
		c.Class, c.Source = WriteDenied, SourceScript
		return "", true
	case strings.Contains(n, "script with write flag using *_ro command"):
		c.Class, c.Source = WriteDenied, SourceScript
		return "flag", true
	case code == "MASTERDOWN" || strings.Contains(n, "link with master is down") ||
		strings.Contains(n, "on a stale replica"):
		c.Class, c.Source = MasterDown, source(SourceServer)
		return "", true
	case code == "NOPERM" || strings.HasPrefix(n, "the user executing the script") ||
		strings.HasPrefix(n, "acl failure in script") || strings.Contains(n, "no permissions to"):
		c.Class, c.Source = NoPerm, SourceACL
		return "", true
	case code == "WRONGPASS" || code == "NOAUTH" || py == "AuthenticationError" ||
		py == "AuthenticationWrongNumberOfArgsError" || authText(n):
		c.Class, c.Source = Auth, SourceACL
		if strings.Contains(n, "without any password configured") || strings.Contains(n, "no password is set") {
			return "nopass", true
		}
		return "", true
	case code == "CROSSSLOT" || strings.Contains(n, "hash to the same slot") ||
		strings.Contains(n, "non local key in a cluster node"):
		c.Class, c.Source = CrossSlot, SourceCluster
		return "", true
	case code == "MOVED" || code == "ASK" || redirectRe.MatchString(stripDash(body)):
		c.Class, c.Source = Moved, SourceCluster
		if m := redirectRe.FindStringSubmatch(stripDash(body)); m != nil {
			if strings.EqualFold(m[1], "ASK") {
				c.Class = Ask
			}
			c.Slot, c.Addr = atoi(m[2]), m[3]
		} else if code == "ASK" {
			c.Class = Ask
		}
		return "", true
	case code == "TRYAGAIN" || strings.Contains(n, "during rehashing of slot") ||
		strings.Contains(n, "accessed during rehashing"):
		c.Class, c.Source = TryAgain, SourceCluster
		return "", true
	case code == "CLUSTERDOWN" || strings.Contains(n, "while the cluster is down") ||
		strings.Contains(n, "the cluster is down") || strings.Contains(n, "hash slot not served") ||
		strings.Contains(n, "access a slot not served"):
		c.Class, c.Source = ClusterDown, SourceCluster
		return "", true
	case strings.Contains(n, "'no-cluster' flag is set"):
		c.Class, c.Source = Unknown, SourceCluster
		return "nocluster", true
	case code == "LOADING" || strings.Contains(n, "is loading the dataset in memory"):
		c.Class, c.Source = Loading, SourceServer
		return "", true
	case strings.Contains(n, "max number of clients reached"):
		c.Class, c.Source = Connection, SourceServer
		return "maxclients", true
	case strings.HasPrefix(n, "no such key"):
		// The classic misdiagnosis: the script's own error, not a cache miss.
		c.Class, c.Source = Script, SourceScript
		if inScript {
			return "nosuchkey-raised", true
		}
		return "nosuchkey", true
	case glueText(n):
		// The scripting glue refused the redis.call itself.
		c.Class, c.Source = Command, SourceRedisCall
		return "glue", true
	case strings.Contains(n, "not allowed with block option from scripts"):
		// Only a script can be refused this (Redis ≤ 7.2; later servers
		// run XREAD BLOCK in a script without blocking).
		c.Class, c.Source = Command, SourceRedisCall
		c.Command = firstWord(c.Command, n)
		return "block", true
	case strings.Contains(n, "not allowed in cluster mode"):
		// SELECT, MOVE, SWAPDB, COPY … DB: a cluster has only database 0.
		// The same text answers a client's own SELECT, so without a
		// script trailer the source stays the server.
		c.Class, c.Source = Command, source(SourceServer)
		if strings.HasPrefix(n, "copying to another database") {
			c.Command = firstWord(c.Command, "copy")
		} else {
			c.Command = firstWord(c.Command, n)
		}
		return "clusterdb", true
	}
	// Command texts are ERR texts; without the code they only count when
	// redis-py dropped it (a script's own "syntax error" stays the script's).
	errText := code == "ERR" || (code == "" && py != "")
	if !inScript && errText && argumentText(n) {
		c.Class, c.Source = Arguments, SourceServer
		return "", true
	}
	if commandCodes[code] || (errText && commandText(n)) {
		c.Class, c.Source = Command, source(SourceServer)
		if code != "" {
			return strings.ToLower(code), true
		}
		return "", true
	}
	if py == "DataError" {
		c.Class, c.Source = Arguments, SourceClient
		return "", true
	}
	return "", false
}

// fallback decides a text no rule recognised.
//   - With a trailer it is the script's own error: the server appends the
//     trailer to whatever error({err=…}) raised, and every text Redis
//     itself produces in a script has been recognised above.
//   - "ERR <something unknown>" without a trailer is a server (or module)
//     text luascope does not know.
//   - A reply whose first word is not a Redis error code (any other word,
//     or an upper-case code Redis never uses) can only come from a script:
//     since 7.0 error_reply('no such key') arrives as "no such key".
func fallback(c *Classification, body string, inScript bool) string {
	switch {
	case inScript:
		c.Class, c.Source = Script, SourceScript
		return "raised"
	case strings.EqualFold(strings.TrimSpace(c.Message), "redis: nil"):
		c.Class, c.Source = Unknown, SourceClient
		return "nil"
	case hasPrefixFold(strings.TrimSpace(c.Message), "redis: "):
		// go-redis's own errors ("redis: can't parse …") are no reply.
		c.Class, c.Source = Unknown, SourceClient
		return ""
	case c.Prefix == "ERR":
		c.Class, c.Source = Unknown, SourceServer
		return ""
	case strings.TrimSpace(body) == "":
		c.Class, c.Source = Unknown, SourceClient
		return ""
	default:
		c.Class, c.Source = Script, SourceScript
		return "returned"
	}
}

// normalize lower-cases an error message and drops what varies in front
// of the words the rules look for: "-", "ERR ".
func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(stripDash(s)))
	s = strings.TrimPrefix(s, "err ")
	return strings.TrimSpace(s)
}

func stripDash(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '-' && isLetter(s[1]) {
		return s[1:]
	}
	return s
}

func compileRule(n string) (string, bool) {
	switch {
	case strings.Contains(n, "error compiling script"):
		return "", true
	case strings.Contains(n, "error compiling function") || strings.Contains(n, "error registering functions"):
		return "function", true
	case strings.HasPrefix(n, "invalid script shebang"):
		return "shebang-eol", true
	case strings.Contains(n, "in script shebang") || strings.Contains(n, "unknown lua shebang option") ||
		(strings.HasPrefix(n, "engine '") && strings.Contains(n, "not found")) ||
		strings.HasPrefix(n, "could not find engine") || strings.HasPrefix(n, "could not find scripting engine"):
		return "shebang", true
	case (strings.HasPrefix(n, "library '") && strings.HasSuffix(strings.TrimRight(n, "."), "already exists")) ||
		strings.Contains(n, "missing library metadata") || strings.Contains(n, "library names can only contain") ||
		strings.Contains(n, "function names can only contain") || strings.Contains(n, "no functions registered") ||
		strings.Contains(n, "invalid metadata value") || strings.Contains(n, "library name was not given"):
		return "function", true
	}
	return "", false
}

// firstWord returns have, or else the first word of n when it can be a
// command's name: the command an error text starts with ("xread command
// is not allowed…").
func firstWord(have, n string) string {
	if have != "" {
		return have
	}
	w, _, _ := strings.Cut(n, " ")
	if !commandNameRe.MatchString(w) {
		return ""
	}
	return w
}

var commandNameRe = lazyRE(`^[a-z][a-z0-9_|.\-]*$`)

// atoi parses a line number or slot; anything unparsable or negative is 0.
func atoi(s string) int {
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0
	}
	return v
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// hasWordPrefix reports whether s starts with the word w (any case).
func hasWordPrefix(s, w string) bool {
	return hasPrefixFold(s, w) && (len(s) == len(w) || s[len(w)] == ' ')
}
