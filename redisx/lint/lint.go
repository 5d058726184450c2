package lint

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says how sure a finding is that the script will misbehave, so
// that callers can fail a build on errors and only show warnings.
type Severity string

// Severities, from certain failure to advice.
const (
	// Error: Redis will refuse or fail the script (or crash) when it gets there.
	Error Severity = "error"
	// Warning: works on this server but is wrong somewhere (a cluster, a newer or patched Redis).
	Warning Severity = "warning"
	// Info: worth knowing, e.g. a feature that needs a newer Redis.
	Info Severity = "info"
)

// Codes name the rules. They are stable: tools and users filter on them.
const (
	CodeSyntax            = "syntax"             // the script does not compile
	CodeGlobalWrite       = "global-write"       // assigns a global or a field of a read-only library table
	CodeGlobalRead        = "global-read"        // reads a global Redis scripts do not have
	CodeUnknownField      = "unknown-field"      // redis.cal, string.trim…: nil in Redis
	CodeKeyNotFromKEYS    = "key-not-from-KEYS"  // a key argument built from literals or ARGV
	CodeKeysIndex         = "keys-index"         // KEYS[n] beyond numkeys, or not a positive integer
	CodeUnknownFlag       = "unknown-flag"       // a shebang flag, option or engine Redis rejects
	CodeFlagContradiction = "flag-contradiction" // a write command in a flags=no-writes script
	CodeROWrite           = "ro-write"           // a write command run with EVAL_RO
	CodeNoscriptCommand   = "noscript-command"   // a command scripts may not call (MULTI, BLPOP…)
	CodeUnknownCommand    = "unknown-command"    // a command Redis 7.0 does not know
	CodeErrorTableNoErr   = "error-table-no-err" // error({...}) without an err field: crashes the server
	CodeTooDeep           = "too-deep"           // nesting beyond what luascope analyses
	CodeCommandVersion    = "command-version"    // a command the target server (Options.Server) lacks
	CodeArgVersion        = "arg-version"        // an option token (SET … GET) the target server lacks
	CodeGlobalVersion     = "global-version"     // a global or field the target server lacks (redis.REDIS_VERSION on 6.2)
)

// Finding is one problem in a script. Line and Col are 1-based; Col
// counts characters (runes) and is 0 when the column is not known.
type Finding struct {
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint"`
}

// Options describe how the script will be run, since what is wrong
// depends on it (a write is fine with EVAL, not with EVAL_RO).
type Options struct {
	// NumKeys is the numkeys the script will be called with, or -1 when
	// unknown (then KEYS indexes are only checked for being positive).
	NumKeys int
	// ReadOnly: the script runs with EVAL_RO / EVALSHA_RO, so any write
	// command fails.
	ReadOnly bool
	// Production: the target is a production server, so findings that
	// can crash it become errors that luascope refuses to send.
	Production bool
	// MaxBytes, when positive, is the largest script Lint checks: a
	// larger one gets the single finding CodeNotLinted (see Skipped and
	// DefaultBudget), so that a huge script costs nothing to lint.
	MaxBytes int
	// Server is the server the script will run on, when known (from
	// redisx.Session.Info or lint --server): then lint reports what
	// that version lacks (CodeCommandVersion, CodeArgVersion,
	// CodeGlobalVersion) and stops judging by Redis 7.0 alone. The
	// zero value is an unknown server.
	Server Server
}

// Lint checks src and returns its findings sorted by line and column.
// It never fails: a script that does not parse yields a syntax finding.
func Lint(src string, opt Options) []Finding {
	if opt.MaxBytes > 0 && len(src) > opt.MaxBytes {
		return overBudget(len(src), opt)
	}
	l := newLinter(src, opt)
	l.run()
	out := l.findings
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out
}

// Format renders a finding like a compiler diagnostic,
// "line:col: severity: message [code]"; callers put "file:" in front
// (a Finding does not know its file), giving the usual
// file:line:col form that editors jump to.
func Format(f Finding) string {
	return fmt.Sprintf("%d:%d: %s: %s [%s]", f.Line, f.Col, f.Severity, f.Message, f.Code)
}

// Blocking returns the findings that must stop luascope from sending the
// script to a production or read-only connection: error() with a table
// without err, which crashes the server (Redis 7.0.15, 8.0.2 and Valkey 8.1.1 as built by Debian). Syntax errors are not
// blocking: the server refuses to compile the script and says why.
func Blocking(findings []Finding, production bool) []Finding {
	if !production {
		return nil
	}
	var out []Finding
	for _, f := range findings {
		if f.Code == CodeErrorTableNoErr {
			out = append(out, f)
		}
	}
	return out
}

// HasBlocking reports whether findings produced with Options.Production
// (or ReadOnly) hold one that luascope refuses to send, so the runner
// and the UI need not know which rules block.
func HasBlocking(findings []Finding) bool {
	for _, f := range findings {
		if f.Code == CodeErrorTableNoErr && f.Severity == Error {
			return true
		}
	}
	return false
}

// HasErrors reports whether any finding is an Error, the CLI's exit 1.
func HasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// quote renders a user-supplied string for a message: short, one line,
// control characters escaped.
func quote(s string) string {
	const max = 40
	r := []rune(s)
	if len(r) > max {
		s = string(r[:max]) + "…"
	}
	q := fmt.Sprintf("%q", s)
	return "'" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "'"
}
