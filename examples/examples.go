package examples

import (
	"crypto/sha1"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Example is one script of the gallery with everything needed to run it
// and to check what Redis answered.
type Example struct {
	// Name is the kebab-case name users type (`luascope examples NAME`);
	// the script is scripts/NAME.lua.
	Name string
	// Title is a one-line summary for lists.
	Title string
	// Lesson says in a few sentences what the example shows, the Redis
	// rule behind it and the pitfall it guards against.
	Lesson string
	// Source is the Lua script, exactly as embedded.
	Source string
	// Keys and Args are the KEYS and ARGV a run uses by default.
	Keys, Args []string
	// Setup are Redis commands to send before the script (one []string per
	// command, e.g. {"HSET", "h", "f", "v"}), so that it finds the data it
	// is about; the first one deletes the example's keys, so a run can be
	// repeated. All keys of an example share one hash slot, so the setup
	// and the script work on a cluster too.
	Setup [][]string
	// Expect maps a caller's protocol (2 or 3) to the reply a real server
	// sends after Setup, as the JSON reply node of `luascope run --json`.
	// A protocol without an entry expects the same as 2 (see Expected).
	Expect map[int]string
	// ExpectOn holds the replies of servers that answer otherwise than
	// Expect says (which is what Redis 7.0 answers), keyed by a prefix of
	// the server's "flavor version", e.g. "valkey" or "redis 8.": Valkey
	// 8.1 walks a Lua table in another order, so a map flattened for a
	// RESP2 caller comes out in another order. The longest matching key
	// wins; a protocol it lacks falls back to Expected. Filled in only
	// from live runs on that server (make test-servers).
	ExpectOn map[string]map[int]string
	// Tags group examples: conversion, errors, resp3, pattern, cluster.
	Tags []string
	// User, when set, is the ACL user the script runs as, with Password:
	// a lesson about what a user may not do needs a user who may not. The
	// example's Setup creates it (ACL SETUSER User reset on >Password …,
	// so a run can be repeated) and the script then runs on a connection
	// of its own as that user (AsUser); the setup still runs as the
	// session's user. Such an example runs on a standalone server only: a
	// setup command reaches one node, and ACL users are per node.
	User, Password string
}

// The tags an example may carry, so lists can be filtered by them.
const (
	TagConversion = "conversion" // how a Lua value becomes a reply, and back
	TagErrors     = "errors"     // errors raised or returned on purpose, and handled
	TagRESP3      = "resp3"      // redis.setresp(3) and the RESP3 reply types
	TagPattern    = "pattern"    // a script people run in production
	TagCluster    = "cluster"    // several keys kept in one slot with hash tags
	TagServers    = "servers"    // answers that differ between Redis and Valkey versions
)

// Tags lists every tag, in the order lists show them.
var Tags = []string{TagConversion, TagErrors, TagRESP3, TagPattern, TagCluster, TagServers}

// Expected is the JSON reply node a caller speaking protocol proto should
// get: Expect[proto], or Expect[2] when the reply does not differ.
func (e Example) Expected(proto int) string {
	if v, ok := e.Expect[proto]; ok {
		return v
	}
	return e.Expect[2]
}

// ExpectedOn is Expected for a given server, named "flavor version" as
// redisx.ServerInfo has them ("redis 7.0.15", "valkey 8.1.1"): the
// ExpectOn entry whose key is the longest prefix of server, else
// Expected.
func (e Example) ExpectedOn(server string, proto int) string {
	best := ""
	for k := range e.ExpectOn {
		if strings.HasPrefix(server, k) && len(k) > len(best) {
			if _, ok := e.ExpectOn[k][proto]; ok {
				best = k
			}
		}
	}
	if best != "" {
		return e.ExpectOn[best][proto]
	}
	return e.Expected(proto)
}

// HasTag reports whether the example carries tag.
func (e Example) HasTag(tag string) bool { return slices.Contains(e.Tags, tag) }

// ErrUnknown is wrapped by Get's error for a name that is not in the
// gallery, so callers can tell a typo from other failures with errors.Is.
var ErrUnknown = errors.New("unknown example")

// All returns every example, in the gallery's teaching order: conversion
// rules, errors, RESP3, then patterns. The result is a fresh copy each
// time, so callers may change it freely.
func All() []Example {
	list := loaded()
	out := make([]Example, len(list))
	for i, e := range list {
		out[i] = e.clone()
	}
	return out
}

// Get returns the example called name. Its error wraps ErrUnknown and lists
// the names there are, because that is what someone who mistyped needs.
func Get(name string) (Example, error) {
	for _, e := range loaded() {
		if e.Name == name {
			return e.clone(), nil
		}
	}
	return Example{}, fmt.Errorf("%w %q: the examples are %s", ErrUnknown, name, strings.Join(Names(), ", "))
}

// Names lists the examples' names in gallery order (for completion and
// error messages).
func Names() []string {
	list := loaded()
	names := make([]string, len(list))
	for i, e := range list {
		names[i] = e.Name
	}
	return names
}

func (e Example) clone() Example {
	e.Keys = slices.Clone(e.Keys)
	e.Args = slices.Clone(e.Args)
	e.Tags = slices.Clone(e.Tags)
	setup := make([][]string, len(e.Setup))
	for i, c := range e.Setup {
		setup[i] = slices.Clone(c)
	}
	e.Setup = setup
	e.Expect = maps.Clone(e.Expect)
	if e.ExpectOn != nil {
		on := make(map[string]map[int]string, len(e.ExpectOn))
		for k, v := range e.ExpectOn {
			on[k] = maps.Clone(v)
		}
		e.ExpectOn = on
	}
	return e
}

//go:embed scripts/*.lua
var scripts embed.FS

// shaPlaceholder in an Expect entry stands for the SHA1 of the example's
// source: a script that raises error({err=…}) gets
// "… script: SHA, on @user_script:N." appended by Redis, and keeping the
// SHA out of the table lets the comments of a script change freely.
const shaPlaceholder = "{{sha}}"

var (
	loadOnce sync.Once
	gallery  []Example
)

// loaded fills in each table entry's Source from its embedded file. A
// missing file is a build mistake the package's tests catch, so it panics.
func loaded() []Example {
	loadOnce.Do(func() {
		gallery = make([]Example, len(table))
		for i, e := range table {
			b, err := scripts.ReadFile("scripts/" + e.Name + ".lua")
			if err != nil {
				panic(fmt.Sprintf("examples: %s has no script: %v", e.Name, err))
			}
			e.Source = string(b)
			sum := sha1.Sum(b)
			sha := hex.EncodeToString(sum[:])
			fill := func(m map[int]string) map[int]string {
				out := make(map[int]string, len(m))
				for k, v := range m {
					out[k] = strings.ReplaceAll(v, shaPlaceholder, sha)
				}
				return out
			}
			e.Expect = fill(e.Expect)
			if e.ExpectOn != nil {
				on := make(map[string]map[int]string, len(e.ExpectOn))
				for k, v := range e.ExpectOn {
					on[k] = fill(v)
				}
				e.ExpectOn = on
			}
			gallery[i] = e
		}
	})
	return gallery
}
