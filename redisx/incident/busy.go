package incident

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// Kind says what holds a server.
type Kind string

// The kinds Probe reports.
const (
	// Idle: nothing runs.
	Idle Kind = "idle"
	// Script: an EVAL/EVALSHA (or _RO) script, stopped by SCRIPT KILL.
	Script Kind = "script"
	// Function: an FCALL/FCALL_RO function, stopped by FUNCTION KILL.
	Function Kind = "function"
	// Other: the server answers BUSY for something that is not a script
	// (a module's blocking command): no kill applies.
	Other Kind = "other"
	// Unknown: the server could not be asked (ACL, an error reply).
	Unknown Kind = "unknown"
)

// Running is what one node is running, as far as the server tells.
type Running struct {
	Node string `json:"node"`
	Kind Kind   `json:"kind"`
	// Name is the running function's name (FUNCTION STATS), "" otherwise.
	Name string `json:"name,omitempty"`
	// Command is the command that started it, as running_script gives
	// it (FCALL name numkeys key… arg…); raw bytes, escape to show.
	Command []string `json:"command,omitempty"`
	// DurationMS is how long it has run, when the server says.
	DurationMS int64 `json:"duration_ms,omitempty"`
	// Kill is the command that stops it: SCRIPT KILL, FUNCTION KILL or "".
	Kill string `json:"kill,omitempty"`
	// Reply is the server's answer that told the kind when it was an
	// error reply (BUSY, NOPERM), raw; escape to show.
	Reply string `json:"reply,omitempty"`
}

// Busy reports whether something holds the node.
func (r Running) Busy() bool { return r.Kind != Idle && r.Kind != Unknown }

// Probe asks the node at addr what it is running, with commands a BUSY
// server answers (see the package doc). The error is for a node that
// could not be reached; everything the server answered is in Running.
func Probe(ctx context.Context, s *redisx.Session, addr string) (Running, error) {
	r := Running{Node: addr, Kind: Unknown}
	v, err := s.OnNode(ctx, addr, "FUNCTION", "STATS")
	if err != nil {
		return r, err
	}
	if v.Kind != resp.Error {
		return fromStats(r, *v)
	}
	r.Reply = string(v.Str)
	switch c := classify.Classify(string(v.Str)); c.Class {
	case classify.Busy:
		// FUNCTION STATS is allow-busy and reports a running function
		// itself: a BUSY answer means what runs is not a function.
		return busyNotFunction(r, string(v.Str)), nil
	case classify.NoPerm:
		// Not allowed FUNCTION STATS: PING tells at least whether the
		// node is held, and its BUSY text is all that is left to say by
		// what.
		return pingProbe(ctx, s, r)
	default:
		if strings.Contains(strings.ToLower(string(v.Str)), "unknown") {
			// Before Redis 7 there are no functions: a BUSY PING is a script.
			return pingProbe(ctx, s, r)
		}
		return r, nil
	}
}

// fromStats reads FUNCTION STATS' running_script: nil when nothing runs,
// else name, command and duration_ms. The kill follows the command's
// name, not any error text.
func fromStats(r Running, v resp.Value) (Running, error) {
	var rs *resp.Value
	err := pairs(v, func(k string, val resp.Value) {
		if k == "running_script" {
			rs = &val
		}
	})
	if err != nil {
		return r, fmt.Errorf("FUNCTION STATS on %s: %w", r.Node, err)
	}
	if rs == nil || rs.Kind == resp.Nil {
		r.Kind = Idle
		return r, nil
	}
	err = pairs(*rs, func(k string, val resp.Value) {
		switch k {
		case "name":
			r.Name = string(val.Str)
		case "command":
			for _, e := range val.Elems {
				r.Command = append(r.Command, string(e.Str))
			}
		case "duration_ms":
			r.DurationMS = val.Int
		}
	})
	if err != nil {
		return r, fmt.Errorf("FUNCTION STATS on %s: running_script: %w", r.Node, err)
	}
	r.Kind, r.Kill = KillFor(r.Command)
	return r, nil
}

// KillFor is what stops a script started by command (its words as sent):
// FCALL and FCALL_RO are functions (FUNCTION KILL), EVAL, EVALSHA and
// their _RO forms scripts (SCRIPT KILL).
func KillFor(command []string) (Kind, string) {
	if len(command) == 0 {
		return Function, "FUNCTION KILL" // running_script reports functions
	}
	switch strings.ToUpper(command[0]) {
	case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO":
		return Script, "SCRIPT KILL"
	case "FCALL", "FCALL_RO":
		return Function, "FUNCTION KILL"
	}
	return Other, ""
}

// busyNotFunction is a BUSY answer to a command that reports functions
// itself: an EVAL script, unless the text says it is a module's.
func busyNotFunction(r Running, text string) Running {
	if strings.Contains(text, "SCRIPT KILL") {
		r.Kind, r.Kill = Script, "SCRIPT KILL"
	} else {
		r.Kind = Other
	}
	return r
}

// pingProbe is the fallback when FUNCTION STATS cannot be used: PING is
// answered BUSY while anything holds the server, and then only BUSY's
// text (which names the kill) tells a script from a function.
func pingProbe(ctx context.Context, s *redisx.Session, r Running) (Running, error) {
	v, err := s.OnNode(ctx, r.Node, "PING")
	if err != nil {
		return r, err
	}
	if v.Kind != resp.Error {
		r.Kind = Idle
		return r, nil
	}
	r.Reply = string(v.Str)
	if classify.Classify(string(v.Str)).Class != classify.Busy {
		return r, nil
	}
	switch {
	case strings.Contains(r.Reply, "FUNCTION KILL"):
		r.Kind, r.Kill = Function, "FUNCTION KILL"
	case strings.Contains(r.Reply, "SCRIPT KILL"):
		r.Kind, r.Kill = Script, "SCRIPT KILL"
	default:
		r.Kind = Other
	}
	return r, nil
}

// Outcome is what a kill did.
type Outcome string

// The outcomes of Kill.
const (
	// Killed: the server stopped the script (its client got an error).
	Killed Outcome = "killed"
	// Unkillable: the script has written, so the server refuses to stop
	// it (stopping would leave half its writes). Only SHUTDOWN NOSAVE
	// ends it before it ends itself.
	Unkillable Outcome = "unkillable"
	// NotBusy: it ended before the kill arrived.
	NotBusy Outcome = "not-busy"
	// Failed: any other answer (NOPERM, a client's error).
	Failed Outcome = "failed"
)

// KillResult is the kill's outcome and the server's answer (raw).
type KillResult struct {
	Outcome Outcome `json:"outcome"`
	Reply   string  `json:"reply,omitempty"`
}

// Kill sends kill ("SCRIPT KILL" or "FUNCTION KILL", as Probe said) to
// the node at addr. A read-only session refuses it
// (redisx.ErrReadOnlyAdmin) before anything is sent.
func Kill(ctx context.Context, s *redisx.Session, addr, kill string) (KillResult, error) {
	words := strings.Fields(kill)
	if len(words) != 2 || (words[0] != "SCRIPT" && words[0] != "FUNCTION") || words[1] != "KILL" {
		return KillResult{}, fmt.Errorf("kill %q: want SCRIPT KILL or FUNCTION KILL", kill)
	}
	v, err := s.OnNode(ctx, addr, words[0], words[1])
	if err != nil {
		if errors.Is(err, redisx.ErrReadOnlyAdmin) {
			return KillResult{}, err
		}
		return KillResult{Outcome: Failed, Reply: err.Error()}, err
	}
	res := KillResult{Reply: string(v.Str)}
	if v.Kind != resp.Error {
		res.Outcome = Killed
		return res, nil
	}
	switch {
	case classify.Classify(string(v.Str)).Class == classify.Unkillable:
		res.Outcome = Unkillable
	case strings.HasPrefix(string(v.Str), "NOTBUSY"):
		res.Outcome = NotBusy
	default:
		res.Outcome = Failed
	}
	return res, nil
}

// pairs walks a map, or an array holding key, value, key, value… (RESP2).
func pairs(v resp.Value, f func(key string, val resp.Value)) error {
	if (v.Kind != resp.Map && v.Kind != resp.Array) || len(v.Elems)%2 != 0 {
		return fmt.Errorf("expected key/value pairs, got %s", resp.Summary(v, 60))
	}
	for i := 0; i < len(v.Elems); i += 2 {
		f(string(v.Elems[i].Str), v.Elems[i+1])
	}
	return nil
}
