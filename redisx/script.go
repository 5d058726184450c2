package redisx

import (
	"crypto/sha1" //nolint:gosec // Redis names scripts by SHA1; this is an identifier, not security
	"encoding/hex"
	"strings"
	"unsafe"
)

// KnownFlags are the shebang flags Redis 7.0+ accepts (`#!lua flags=…`).
// Any other flag makes the server refuse the script at load time.
var KnownFlags = []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}

// Shebang is the parsed first line of a script, `#!lua flags=no-writes`.
// Flags change how Redis runs the script (no-writes allows EVAL_RO-like
// use on replicas, allow-oom runs under OOM…), so luascope shows them
// before a run.
type Shebang struct {
	Engine  string   `json:"engine"`
	Flags   []string `json:"flags"`
	Unknown []string `json:"unknown,omitempty"` // flags Redis will reject
	Other   []string `json:"other,omitempty"`   // other name=value words, e.g. name=… (functions only)
}

// Script is a Lua source with what can be known about it locally.
type Script struct {
	Source  string
	SHA     string   // SHA1 of Source, exactly what SCRIPT LOAD returns
	Shebang *Shebang // nil when the first line is not a shebang
}

// NewScript computes the SHA and parses the shebang; no server needed.
func NewScript(src string) Script {
	return Script{Source: src, SHA: SHA1(src), Shebang: parseShebang(src)}
}

// Unhashed is NewScript without the SHA, for a caller that hashes a big
// script on another goroutine (Hashed) and meanwhile needs its shebang.
func Unhashed(src string) Script {
	return Script{Source: src, Shebang: parseShebang(src)}
}

// Hashed is s with its SHA, computed if Unhashed left it out.
func (s Script) Hashed() Script {
	if s.SHA == "" {
		s.SHA = SHA1(s.Source)
	}
	return s
}

// SHA1 is the hex SHA1 that Redis uses as the script's name in its cache.
func SHA1(src string) string {
	// Hashed in place: []byte(src) would copy the script (10 MB for a
	// 10 MB script, on every edit in the editor); sha1 only reads it.
	sum := sha1.Sum(unsafe.Slice(unsafe.StringData(src), len(src))) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// parseShebang reads `#!<engine> [flags=a,b] …` from the first line, or
// returns nil. Redis only honours a shebang on the very first line.
func parseShebang(src string) *Shebang {
	if !strings.HasPrefix(src, "#!") {
		return nil
	}
	line, _, _ := strings.Cut(src[2:], "\n")
	line = strings.TrimRight(line, "\r")
	words := strings.Fields(line)
	sb := &Shebang{Flags: []string{}}
	if len(words) > 0 {
		sb.Engine = words[0]
		words = words[1:]
	}
	for _, w := range words {
		name, val, ok := strings.Cut(w, "=")
		if !ok || name != "flags" {
			sb.Other = append(sb.Other, w)
			continue
		}
		for _, f := range strings.Split(val, ",") {
			if f == "" {
				continue
			}
			sb.Flags = append(sb.Flags, f)
			if !isKnownFlag(f) {
				sb.Unknown = append(sb.Unknown, f)
			}
		}
	}
	return sb
}

// HasFlag reports whether the shebang declares flag.
func (s *Shebang) HasFlag(flag string) bool {
	if s == nil {
		return false
	}
	for _, f := range s.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

func isKnownFlag(f string) bool {
	for _, k := range KnownFlags {
		if k == f {
			return true
		}
	}
	return false
}
