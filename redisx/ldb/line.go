package ldb

import (
	"strconv"
	"strings"
)

// Kind says what a debugger log line is, from its prefix.
type Kind string

// The kinds of log line. Tags are matched exactly, case-sensitively, as
// the server writes them; a line that matches none is KindText (help,
// "No such variable.", "All breakpoints removed.", trace headers…).
const (
	// KindStop is "* Stopped at N, stop reason = R": the script is paused
	// before line N. Num is N and Text is R.
	KindStop Kind = "stop"
	// KindSource is a source line as list, whole, break and stops show it:
	// a three-byte prefix ("-> " current, "  #" breakpoint, "->#" both,
	// "   " neither), the line number padded to three, a space and the
	// code. Num is the number and Text the code.
	KindSource Kind = "source"
	// KindRedis is "<redis> cmd args", a command the script (or the redis
	// debugger command) called; Valkey writes "<command>" instead.
	KindRedis Kind = "redis"
	// KindReply is "<reply> …", that command's reply in the server's
	// human-readable form.
	KindReply Kind = "reply"
	// KindError is "<error> …": a failing command, an eval error, an
	// unknown debugger command.
	KindError Kind = "error"
	// KindValue is "<value> …": print output or the maxlen setting.
	KindValue Kind = "value"
	// KindRetval is "<retval> …", the value of an eval.
	KindRetval Kind = "retval"
	// KindDebug is "<debug> line N: …", from redis.debug(); Num is N.
	KindDebug Kind = "debug"
	// KindHint is "<hint> …", e.g. that a reply was trimmed by maxlen.
	KindHint Kind = "hint"
	// KindEndSession is "<endsession>": the script has finished and its
	// normal reply follows as a separate reply.
	KindEndSession Kind = "endsession"
	// KindText is any other line.
	KindText Kind = "text"
)

// Line is one line of a debugger reply, parsed. Text is raw server bytes
// (a script can log anything, terminal escapes included): escape it before
// printing.
type Line struct {
	// Kind is what the line is.
	Kind Kind
	// Text is the line without its tag and the space after it; for a stop
	// the reason, for a source line the code, for a debug line what comes
	// after "line N: ", for KindText the whole line.
	Text string
	// Num is the script line number of a stop, source or debug line, else
	// 0.
	Num int
	// Current marks the source line the script is stopped at ("->").
	Current bool
	// Breakpoint marks a source line that has a breakpoint ("#").
	Breakpoint bool
	// Raw is the line exactly as received, for a raw console view.
	Raw string
}

// tags maps a line prefix to its kind; "<command> " is Valkey's spelling
// of "<redis> ".
var tags = []struct {
	prefix string
	kind   Kind
}{
	{"<redis> ", KindRedis},
	{"<command> ", KindRedis},
	{"<reply> ", KindReply},
	{"<error> ", KindError},
	{"<value> ", KindValue},
	{"<retval> ", KindRetval},
	{"<debug> ", KindDebug},
	{"<hint> ", KindHint},
}

const stopPrefix = "* Stopped at "

// ParseLine parses one line of a debugger reply. It never fails: a line of
// no known form is KindText.
func ParseLine(raw string) Line {
	l := Line{Kind: KindText, Text: raw, Raw: raw}
	switch {
	case raw == "<endsession>":
		l.Kind, l.Text = KindEndSession, ""
		return l
	case strings.HasPrefix(raw, stopPrefix):
		num, rest, ok := cutNumber(raw[len(stopPrefix):])
		reason, found := strings.CutPrefix(rest, ", stop reason = ")
		if ok && found {
			l.Kind, l.Num, l.Text = KindStop, num, reason
		}
		return l
	}
	for _, t := range tags {
		if rest, ok := strings.CutPrefix(raw, t.prefix); ok {
			l.Kind, l.Text = t.kind, rest
			if t.kind == KindDebug {
				if after, ok := strings.CutPrefix(rest, "line "); ok {
					if num, rest, ok := cutNumber(after); ok {
						if text, ok := strings.CutPrefix(rest, ": "); ok {
							l.Num, l.Text = num, text
						}
					}
				}
			}
			return l
		}
	}
	if src, ok := parseSource(raw); ok {
		return src
	}
	return l
}

// parseSource reads the server's "%s%-3d %s" (prefix, number, code). The
// code may itself start with spaces, so its start is computed from the
// padding rather than found by trimming.
func parseSource(raw string) (Line, bool) {
	if len(raw) < 5 {
		return Line{}, false
	}
	l := Line{Kind: KindSource, Raw: raw}
	switch raw[:3] {
	case "-> ":
		l.Current = true
	case "->#":
		l.Current, l.Breakpoint = true, true
	case "  #":
		l.Breakpoint = true
	case "   ":
	default:
		return Line{}, false
	}
	rest := raw[3:]
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	if digits == 0 || digits > 9 {
		return Line{}, false
	}
	l.Num, _ = strconv.Atoi(rest[:digits])
	// "%-3d " pads the number to three with spaces, then one more space.
	width := max(3, digits) + 1
	if len(rest) < width || strings.TrimLeft(rest[digits:width], " ") != "" {
		return Line{}, false
	}
	l.Text = rest[width:]
	return l, true
}

// cutNumber reads a decimal number at the start of s.
func cutNumber(s string) (int, string, bool) {
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:i])
	return n, s[i:], err == nil
}

// Var is one variable from print.
type Var struct {
	// Name is the variable's name; Lua's internal loop variables have
	// names such as "(for index)".
	Name string
	// Value is the server's rendering: strings quoted with escapes,
	// numbers with %g, tables as {1; 2} or {["k"]=v}, functions as
	// "function@0x…". Raw text; escape before printing.
	Value string
	// Truncated is set when maxlen cut the value; Value then ends with
	// " ...", which no untrimmed rendering does.
	Truncated bool
}

// parseVars reads print output: "<value> name = value" lines for every
// local, or a single "<value> value" line for a named variable.
func parseVars(lines []Line, name string) []Var {
	var vars []Var
	for _, l := range lines {
		if l.Kind != KindValue {
			continue
		}
		v := Var{Name: name, Value: l.Text}
		if name == "" {
			n, val, ok := strings.Cut(l.Text, " = ")
			if !ok {
				continue
			}
			v.Name, v.Value = n, val
		}
		v.Truncated = strings.HasSuffix(v.Value, " ...")
		vars = append(vars, v)
	}
	return vars
}

// splitSource splits a script the way the server does for its listing:
// trailing newlines dropped, then split on "\n". A '\r' ending a line is
// dropped too, so CRLF scripts display cleanly; the server keeps it (and
// shows it as a space).
func splitSource(script string) []string {
	script = strings.TrimRight(script, "\r\n")
	if script == "" {
		return nil
	}
	lines := strings.Split(script, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
