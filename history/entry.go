package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Entry is one run as history keeps it. Its JSON form (one line of the
// file) is stable: fields are only ever added, never renamed or removed,
// because users grep and jq the file and older luascope versions read it.
//
// Source, Keys, Args and Step.Command are byte strings: each is a JSON
// string when valid UTF-8, else {"hex":"…"}, so they round-trip exactly.
// The other strings are display text; invalid UTF-8 in them becomes
// U+FFFD.
type Entry struct {
	Time time.Time // when the run started; Append fills in now when zero
	// Target is where the run went, already redacted
	// (redis://app:***@host:6379); Append masks any password left in it.
	Target string
	Label  string // connection label ("prod", "sandbox"), "" when none
	SHA    string // SHA1 of the script body
	Source string // the script text, capped at MaxSourceBytes
	// Function is the Redis Function called with FCALL, "" for a script.
	Function string
	Keys     []string // KEYS as sent, any bytes
	Args     []string // ARGV as sent, any bytes
	Strategy string   // evalsha-load, evalsha-eval, eval, load-first
	ReadOnly bool     // sent as EVAL_RO / EVALSHA_RO / FCALL_RO
	Steps    []Step   // round trips in order, at most MaxSteps
	// Reply summarises the final reply: "(integer) 1", "array[3]", …
	Reply string
	// ErrorClass is the classifier's class ("noscript", "runtime", …), ""
	// when the run succeeded; Error is the message that went with it.
	ErrorClass string
	Error      string
	Micros     int64 // whole run, all round trips
	// Truncated is set when Append had to cut the entry to its limits
	// (see MaxSourceBytes): Source, Keys and Args are exact only when it
	// is false, so a replay can warn.
	Truncated bool
}

// Step summarises one round trip: enough to see what happened in a past
// run without storing whole replies.
type Step struct {
	Command []string // as sent (a long body may be abbreviated)
	Node    string   // server address
	Outcome string   // ok, error, noscript, moved, ask, failed
	Micros  int64    // this round trip only
	Reply   string   // reply summary, or why no reply came
}

// Limits keep one entry (one line) small, so the file holds many runs and
// rotation never has to keep a single giant line.
const (
	// MaxSourceBytes caps Entry.Source.
	MaxSourceBytes = 256 << 10
	// MaxValueBytes caps each key and argument.
	MaxValueBytes = 64 << 10
	// MaxKeysArgsBytes caps all keys and arguments together; values past it
	// are dropped.
	MaxKeysArgsBytes = 256 << 10
	// MaxSteps caps Entry.Steps (the first ones are kept).
	MaxSteps = 64
	// MaxTextBytes caps the display strings: replies, errors, each word of
	// a step's command.
	MaxTextBytes = 4 << 10
)

// wireEntry is the JSON form of Entry; the field order here is the order
// in the file.
type wireEntry struct {
	Time       time.Time  `json:"time"`
	Target     string     `json:"target"`
	Label      string     `json:"label,omitempty"`
	SHA        string     `json:"sha"`
	Function   string     `json:"function,omitempty"`
	Source     bstr       `json:"source"`
	Keys       []bstr     `json:"keys"`
	Args       []bstr     `json:"args"`
	Strategy   string     `json:"strategy"`
	ReadOnly   bool       `json:"readonly"`
	Steps      []wireStep `json:"steps"`
	Reply      string     `json:"reply"`
	ErrorClass string     `json:"error_class"`
	Error      string     `json:"error,omitempty"`
	Micros     int64      `json:"micros"`
	Truncated  bool       `json:"truncated,omitempty"`
}

type wireStep struct {
	Command []bstr `json:"command"`
	Node    string `json:"node,omitempty"`
	Outcome string `json:"outcome"`
	Micros  int64  `json:"micros"`
	Reply   string `json:"reply,omitempty"`
}

// MarshalJSON writes the stable history form, so that a CLI listing
// (--json) prints entries exactly as the file stores them.
func (e Entry) MarshalJSON() ([]byte, error) {
	b, err := encode(e.toWire())
	return bytes.TrimSuffix(b, []byte("\n")), err
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (e *Entry) UnmarshalJSON(data []byte) error {
	var w wireEntry
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = w.toEntry()
	return nil
}

func (e Entry) toWire() wireEntry {
	w := wireEntry{
		Time: e.Time, Target: e.Target, Label: e.Label, SHA: e.SHA, Function: e.Function,
		Source: bstr(e.Source), Keys: toBstrs(e.Keys), Args: toBstrs(e.Args),
		Strategy: e.Strategy, ReadOnly: e.ReadOnly, Steps: make([]wireStep, len(e.Steps)),
		Reply: e.Reply, ErrorClass: e.ErrorClass, Error: e.Error, Micros: e.Micros,
		Truncated: e.Truncated,
	}
	for i, s := range e.Steps {
		w.Steps[i] = wireStep{Command: toBstrs(s.Command), Node: s.Node, Outcome: s.Outcome, Micros: s.Micros, Reply: s.Reply}
	}
	return w
}

func (w wireEntry) toEntry() Entry {
	e := Entry{
		Time: w.Time, Target: w.Target, Label: w.Label, SHA: w.SHA, Function: w.Function,
		Source: string(w.Source), Keys: fromBstrs(w.Keys), Args: fromBstrs(w.Args),
		Strategy: w.Strategy, ReadOnly: w.ReadOnly,
		Reply: w.Reply, ErrorClass: w.ErrorClass, Error: w.Error, Micros: w.Micros,
		Truncated: w.Truncated,
	}
	if len(w.Steps) > 0 {
		e.Steps = make([]Step, len(w.Steps))
		for i, s := range w.Steps {
			e.Steps[i] = Step{Command: fromBstrs(s.Command), Node: s.Node, Outcome: s.Outcome, Micros: s.Micros, Reply: s.Reply}
		}
	}
	return e
}

// encode writes one JSON line, newline included, without HTML escaping.
func encode(w wireEntry) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// errNoTime marks a JSON line that is not a history entry (every entry
// Append writes has a time).
var errNoTime = errors.New(`no "time": not a history entry`)

// decodeLine parses one line of the file.
func decodeLine(line []byte) (Entry, error) {
	var w wireEntry
	if err := json.Unmarshal(line, &w); err != nil {
		return Entry{}, err
	}
	if w.Time.IsZero() {
		return Entry{}, errNoTime
	}
	return w.toEntry(), nil
}

// prepare applies what Append guarantees: a time, no password in the
// target or error text, and the size limits.
func prepare(e Entry, now time.Time) Entry {
	if e.Time.IsZero() {
		e.Time = now
	}
	e.Target = redactTarget(e.Target)
	e.Error = redactText(capText(e.Error))
	e.Reply = redactText(capText(e.Reply))
	if len(e.Source) > MaxSourceBytes {
		e.Source, e.Truncated = cut(e.Source, MaxSourceBytes), true
	}
	budget := MaxKeysArgsBytes
	var t1, t2 bool
	e.Keys, t1 = capValues(e.Keys, &budget)
	e.Args, t2 = capValues(e.Args, &budget)
	e.Truncated = e.Truncated || t1 || t2
	if len(e.Steps) > MaxSteps {
		e.Steps, e.Truncated = e.Steps[:MaxSteps], true
	}
	steps := make([]Step, len(e.Steps))
	for i, s := range e.Steps {
		cmd := make([]string, len(s.Command))
		for j, w := range s.Command {
			cmd[j] = abbreviate(w)
		}
		s.Command, s.Reply = cmd, redactText(capText(s.Reply))
		steps[i] = s
	}
	e.Steps = steps
	return e
}

// capValues cuts each value to MaxValueBytes and drops the values past the
// shared budget. It copies, so the caller's slice is never modified.
func capValues(in []string, budget *int) ([]string, bool) {
	if in == nil {
		return nil, false
	}
	out := make([]string, 0, len(in))
	truncated := false
	for _, v := range in {
		if *budget <= 0 {
			return out, true
		}
		limit := min(MaxValueBytes, *budget)
		if len(v) > limit {
			v, truncated = cut(v, limit), true
		}
		*budget -= len(v)
		out = append(out, v)
	}
	return out, truncated
}

// capText cuts display text to MaxTextBytes, marking the cut.
func capText(s string) string {
	if len(s) <= MaxTextBytes {
		return s
	}
	return cut(s, MaxTextBytes) + fmt.Sprintf("…(%d bytes)", len(s))
}

// abbreviate shortens one word of a step's command the way the CLI shows
// a long script body: its start and its length.
func abbreviate(w string) string {
	const keep = 64
	if len(w) <= MaxTextBytes {
		return w
	}
	return cut(w, keep) + fmt.Sprintf("…(%d bytes)", len(w))
}

// cut returns at most n bytes of s, backing off to a rune boundary when s
// is UTF-8 text so that the cut does not turn text into hex.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if utf8.ValidString(s) {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
	}
	return s[:n]
}
