package redisx

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"luascope/redisx/resp"
)

// ErrCommandUnknown says the server does not know a command (COMMAND INFO
// answered nil), so nothing can be said about whether it writes.
var ErrCommandUnknown = errors.New("the server does not know this command")

// CommandReadOnly reports whether the command args would run is flagged
// readonly by the server (COMMAND INFO, a subcommand's own flags for
// container commands such as OBJECT ENCODING). Read-only mode uses it for
// commands a person types, whose names no list in luascope can foresee
// (a module's, a newer server's): anything not flagged readonly may
// write. When the answer cannot be had — COMMAND denied by an ACL, an
// unknown command or subcommand, a lost connection — it returns false and
// the reason, so the caller refuses. Answers are remembered for the
// session, since a server's command table does not change under it.
func (s *Session) CommandReadOnly(ctx context.Context, args ...string) (bool, error) {
	if len(args) == 0 || args[0] == "" {
		return false, errors.New("no command")
	}
	name := strings.ToLower(args[0])
	sub := ""
	if len(args) > 1 {
		sub = name + "|" + strings.ToLower(args[1])
	}
	s.adm.cmdMu.Lock()
	ro, known := s.adm.cmdRO[name]
	subRO, subKnown := s.adm.cmdRO[sub]
	_, container := s.adm.cmdRO[name+"|"]
	s.adm.cmdMu.Unlock()
	if !known {
		learnt, err := s.learnCommand(ctx, name)
		if err != nil {
			return false, err
		}
		s.adm.cmdMu.Lock()
		if s.adm.cmdRO == nil {
			s.adm.cmdRO = map[string]bool{}
		}
		for k, v := range learnt {
			s.adm.cmdRO[k] = v
		}
		ro = learnt[name]
		subRO, subKnown = s.adm.cmdRO[sub]
		_, container = s.adm.cmdRO[name+"|"]
		s.adm.cmdMu.Unlock()
	}
	if !container {
		return ro, nil
	}
	// A container's own flags say nothing: CONFIG GET and CONFIG SET share them.
	switch {
	case sub == "":
		return false, fmt.Errorf("%s needs a subcommand", strings.ToUpper(name))
	case !subKnown:
		return false, fmt.Errorf("%s %s: %w", strings.ToUpper(name), strings.ToUpper(args[1]), ErrCommandUnknown)
	}
	return subRO, nil
}

// learnCommand asks COMMAND INFO name and returns the readonly flag of the
// command and of each of its subcommands ("name|sub"); a container
// command is marked with the key "name|".
func (s *Session) learnCommand(ctx context.Context, name string) (map[string]bool, error) {
	v, err := s.Admin(ctx, "COMMAND", "INFO", name)
	if err != nil {
		return nil, fmt.Errorf("COMMAND INFO %s: %w", name, err)
	}
	if v.Kind == resp.Error {
		return nil, fmt.Errorf("COMMAND INFO %s: %s", name, resp.Escape(v.Str))
	}
	if v.Kind != resp.Array || len(v.Elems) != 1 {
		return nil, fmt.Errorf("COMMAND INFO %s: unexpected reply %s", name, resp.Summary(*v, 60))
	}
	entry := v.Elems[0]
	if entry.Kind == resp.Nil {
		return nil, fmt.Errorf("%s: %w", strings.ToUpper(name), ErrCommandUnknown)
	}
	out := map[string]bool{}
	if !commandEntry(entry, out) {
		return nil, fmt.Errorf("COMMAND INFO %s: unexpected reply %s", name, resp.Summary(*v, 60))
	}
	return out, nil
}

// commandEntry reads one COMMAND INFO entry — [name, arity, flags, first,
// last, step, categories, tips, key specs, subcommands] since Redis 7, the
// first seven before — into out.
func commandEntry(e resp.Value, out map[string]bool) bool {
	if e.Kind != resp.Array || len(e.Elems) < 3 {
		return false
	}
	name := strings.ToLower(string(e.Elems[0].Str))
	ro := false
	for _, f := range e.Elems[2].Elems {
		if strings.EqualFold(string(f.Str), "readonly") {
			ro = true
		}
	}
	out[name] = ro
	if len(e.Elems) >= 10 && len(e.Elems[9].Elems) > 0 {
		out[name+"|"] = false
		for _, sub := range e.Elems[9].Elems {
			if !commandEntry(sub, out) {
				return false
			}
		}
	}
	return true
}
