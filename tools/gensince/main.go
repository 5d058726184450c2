// Command gensince writes redisx/lint/since_gen.go: in which Redis and
// Valkey version each command, and each argument token of a command
// (SET … GET, EXPIRE … NX), appeared, so that lint can tell a script
// what its target server lacks. It is not part of luascope.
//
// Its sources are the servers' own command descriptions:
//
//   - a src/commands directory of a server checkout (-redis-src,
//     -valkey-src): one JSON file per command, with "since" on commands
//     and arguments;
//   - the COMMAND DOCS reply of a released server, as `redis-cli -3
//     --json COMMAND DOCS` prints it (-redis-docs VERSION=FILE,
//     -valkey-docs VERSION=FILE): the same descriptions, compiled into the
//     binary that was actually shipped.
//
// A COMMAND DOCS dump decides for every version up to its own: what a
// checkout says appeared by then but the release does not have (a
// command dropped before the release, such as SFLUSH before Redis 8.0,
// or a sentinel-only command) is left out. The newest such release of each
// flavor is the table's horizon: lint does not claim a newer server lacks
// a command, since it may have gained it.
//
// Only what lint needs is written: commands and tokens that appeared
// after -floor (the oldest server lint takes as a target) in one flavor,
// or that one flavor lacks. Regenerate (see docs/lint.md):
//
//	go run ./tools/gensince -redis-src R/src/commands -redis-docs 8.0.2=r.json \
//	    -valkey-src V/src/commands -valkey-docs 8.1.1=v.json -o redisx/lint/since_gen.go
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// version is major<<16 | minor<<8 | patch, the packing lint uses.
type version uint32

// never marks a command or token a flavor does not have.
const never version = 1<<32 - 1

func parseVersion(s string) (version, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("version %q: want MAJOR.MINOR[.PATCH]", s)
	}
	var v version
	for i := 0; i < 3; i++ {
		n := 0
		if i < len(parts) {
			var err error
			if n, err = strconv.Atoi(parts[i]); err != nil || n < 0 || n > 255 {
				return 0, fmt.Errorf("version %q: part %q is not 0-255", s, parts[i])
			}
		}
		v = v<<8 | version(n)
	}
	return v, nil
}

func (v version) String() string {
	if v == never {
		return "never"
	}
	return fmt.Sprintf("%d.%d.%d", v>>16, v>>8&0xff, v&0xff)
}

// goLit is v as lint's source spells it.
func (v version) goLit() string {
	if v == never {
		return "never"
	}
	return fmt.Sprintf("0x%06x", uint32(v))
}

// arg is one argument of a command, in either source format.
type arg struct {
	Token     string   `json:"token"`
	Since     string   `json:"since"`
	Type      string   `json:"type"`
	Optional  flexBool `json:"optional"`
	Flags     []string `json:"flags"` // COMMAND DOCS: "optional", "multiple"
	Multiple  flexBool `json:"multiple"`
	Arguments []arg    `json:"arguments"`
}

func (a arg) optional() bool { return bool(a.Optional) || hasFlag(a.Flags, "optional") }

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

// flexBool reads true, false, "true" or "false": a few command files
// quote their booleans.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	v, err := strconv.ParseBool(strings.Trim(string(data), `"`))
	*b = flexBool(v)
	return err
}

// command is one command (or subcommand) description.
type command struct {
	Since        string             `json:"since"`
	Container    string             `json:"container"`
	CommandFlags []string           `json:"command_flags"`
	Arguments    []arg              `json:"arguments"`
	Subcommands  map[string]command `json:"subcommands"` // COMMAND DOCS only
}

// flavorData is everything one flavor's sources say.
type flavorData struct {
	cmds    map[string]version            // "set", "client|list"
	tokens  map[string]map[string]version // command → TOKEN → since
	lead    map[string]int                // command → leading positional arguments
	horizon version
}

func newFlavorData() *flavorData {
	return &flavorData{cmds: map[string]version{}, tokens: map[string]map[string]version{}, lead: map[string]int{}}
}

func (d *flavorData) add(name string, c command) error {
	since, err := parseVersion(c.Since)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if old, ok := d.cmds[name]; !ok || since < old {
		d.cmds[name] = since
	}
	if _, ok := d.lead[name]; !ok {
		d.lead[name] = leading(c.Arguments)
	}
	return d.walk(name, c.Arguments, 0)
}

// walk records the tokens of args; a token's since is the newest of its
// own and its enclosing blocks' (a block added in 7.0 brings its tokens).
func (d *flavorData) walk(name string, args []arg, inherited version) error {
	for _, a := range args {
		since := inherited
		if a.Since != "" {
			v, err := parseVersion(a.Since)
			if err != nil {
				return fmt.Errorf("%s %s: %w", name, a.Token, err)
			}
			since = max(since, v)
		}
		if tok := strings.ToUpper(a.Token); tok != "" && tok != `""` {
			if d.tokens[name] == nil {
				d.tokens[name] = map[string]version{}
			}
			// A token in several places exists from its first one.
			if old, ok := d.tokens[name][tok]; !ok || since < old {
				d.tokens[name][tok] = since
			}
		}
		if err := d.walk(name, a.Arguments, since); err != nil {
			return err
		}
	}
	return nil
}

// leading counts the required plain arguments before the first token,
// option or block: SET key value → 2. A literal there is a key or a
// value, never an option, so lint does not read it as a token.
func leading(args []arg) int {
	n := 0
	for _, a := range args {
		if a.Token != "" || a.optional() || a.Type == "block" || a.Type == "oneof" || a.Type == "pure-token" {
			break
		}
		n++
		if bool(a.Multiple) || hasFlag(a.Flags, "multiple") {
			break
		}
	}
	return n
}

func sentinelOnly(c command) bool {
	for _, f := range c.CommandFlags {
		if strings.EqualFold(f, "only_sentinel") {
			return true
		}
	}
	return false
}

// readSrc reads a src/commands directory.
func readSrc(d *flavorData, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%s: no *.json command files", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var doc map[string]command
		if err := json.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for n, c := range doc {
			if sentinelOnly(c) {
				continue
			}
			name := strings.ToLower(n)
			if c.Container != "" {
				name = strings.ToLower(c.Container) + "|" + name
			}
			if err := d.add(name, c); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
	}
	return nil
}

// readDocs reads a COMMAND DOCS dump of release rel and drops what the
// checkouts say appeared by rel but the release does not have.
func readDocs(d *flavorData, spec string) error {
	verStr, file, ok := strings.Cut(spec, "=")
	if !ok {
		return fmt.Errorf("%q: want VERSION=FILE", spec)
	}
	rel, err := parseVersion(verStr)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var doc map[string]command
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	rd := newFlavorData()
	var addAll func(name string, c command) error
	addAll = func(name string, c command) error {
		if err := rd.add(name, c); err != nil {
			return err
		}
		for sn, sc := range c.Subcommands {
			if err := addAll(strings.ToLower(sn), sc); err != nil {
				return err
			}
		}
		return nil
	}
	for n, c := range doc {
		if c.Since == "" {
			continue // a module's command without docs: not a server command
		}
		if err := addAll(strings.ToLower(n), c); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	for name, since := range d.cmds {
		if _, ok := rd.cmds[name]; !ok && since <= rel {
			delete(d.cmds, name)
			delete(d.tokens, name)
			delete(d.lead, name)
		}
	}
	for name, toks := range d.tokens {
		for tok, since := range toks {
			if _, inRel := rd.cmds[name]; !inRel || since > rel {
				continue
			}
			if _, ok := rd.tokens[name][tok]; !ok {
				delete(toks, tok)
			}
		}
	}
	for name, since := range rd.cmds {
		if old, ok := d.cmds[name]; !ok || since < old {
			d.cmds[name] = since
		}
		d.lead[name] = rd.lead[name] // the release's argument list wins
		for tok, ts := range rd.tokens[name] {
			if d.tokens[name] == nil {
				d.tokens[name] = map[string]version{}
			}
			if old, ok := d.tokens[name][tok]; !ok || ts < old {
				d.tokens[name][tok] = ts
			}
		}
	}
	d.horizon = max(d.horizon, rel)
	return nil
}

// finish sets the horizon of a flavor read from checkouts alone: the
// newest version its descriptions name.
func (d *flavorData) finish() {
	if d.horizon != 0 {
		return
	}
	for _, v := range d.cmds {
		d.horizon = max(d.horizon, v)
	}
	for _, toks := range d.tokens {
		for _, v := range toks {
			d.horizon = max(d.horizon, v)
		}
	}
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	var redisSrc, valkeySrc, redisDocs, valkeyDocs multiFlag
	flag.Var(&redisSrc, "redis-src", "a Redis src/commands directory (repeatable)")
	flag.Var(&valkeySrc, "valkey-src", "a Valkey src/commands directory (repeatable)")
	flag.Var(&redisDocs, "redis-docs", "VERSION=FILE: COMMAND DOCS of a Redis release, as redis-cli -3 --json prints it (repeatable)")
	flag.Var(&valkeyDocs, "valkey-docs", "VERSION=FILE: COMMAND DOCS of a Valkey release (repeatable)")
	floorStr := flag.String("floor", "6.0.0", "oldest target server: what appeared by then is left out")
	out := flag.String("o", "redisx/lint/since_gen.go", "output file")
	note := flag.String("note", "", "a line naming the sources' revisions, written into the file's header")
	flag.Parse()
	floor, err := parseVersion(*floorStr)
	if err != nil {
		fail(err)
	}
	redis, valkey := newFlavorData(), newFlavorData()
	for _, s := range redisSrc {
		fail(readSrc(redis, s))
	}
	for _, s := range valkeySrc {
		fail(readSrc(valkey, s))
	}
	for _, s := range redisDocs {
		fail(readDocs(redis, s))
	}
	for _, s := range valkeyDocs {
		fail(readDocs(valkey, s))
	}
	redis.finish()
	valkey.finish()
	if len(redis.cmds) == 0 || len(valkey.cmds) == 0 {
		fail(fmt.Errorf("need sources for both Redis and Valkey"))
	}
	src, err := render(redis, valkey, floor, *note)
	if err != nil {
		fail(err)
	}
	fail(os.WriteFile(*out, src, 0o644))
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gensince:", err)
		os.Exit(1)
	}
}

func get(m map[string]version, k string) version {
	if v, ok := m[k]; ok {
		return v
	}
	return never
}

func render(redis, valkey *flavorData, floor version, note string) ([]byte, error) {
	names := map[string]bool{}
	for n := range redis.cmds {
		names[n] = true
	}
	for n := range valkey.cmds {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by tools/gensince; DO NOT EDIT.\n")
	fmt.Fprintf(&b, "// Sources: the servers' command descriptions (src/commands/*.json, COMMAND DOCS).\n")
	if note != "" {
		fmt.Fprintf(&b, "// %s\n", note)
	}
	fmt.Fprintf(&b, "\npackage lint\n\n")
	fmt.Fprintf(&b, "// sinceHorizon is the newest release of each flavor the table knows in full.\n")
	fmt.Fprintf(&b, "var sinceHorizon = [2]version{%s, %s}\n\n", redis.horizon.goLit(), valkey.horizon.goLit())
	fmt.Fprintf(&b, "// sinceFloor is the oldest target the table serves: older additions are left out.\n")
	fmt.Fprintf(&b, "const sinceFloor version = %s\n\n", floor.goLit())
	fmt.Fprintf(&b, "// sinceTable is built on first use: most luascope runs never lint.\nfunc sinceTable() map[string]cmdSince {\n\treturn map[string]cmdSince{\n")
	rows, toks := 0, 0
	for _, n := range sorted {
		r, v := get(redis.cmds, n), get(valkey.cmds, n)
		cmdNeeded := r > floor || v > floor
		var tl []string
		tokNames := map[string]bool{}
		for t := range redis.tokens[n] {
			tokNames[t] = true
		}
		for t := range valkey.tokens[n] {
			tokNames[t] = true
		}
		ts := make([]string, 0, len(tokNames))
		for t := range tokNames {
			ts = append(ts, t)
		}
		sort.Strings(ts)
		for _, t := range ts {
			tr, tv := get(redis.tokens[n], t), get(valkey.tokens[n], t)
			// A token one flavor lacks while the other has had it from
			// before the floor is an argument the two describe
			// differently (BITOP's operation: a string in Redis, tokens
			// in Valkey), not a missing option.
			if tr == never && tv <= floor {
				tr = 0
			}
			if tv == never && tr <= floor {
				tv = 0
			}
			// Useful only where a flavor has the command but not yet the token.
			rUseful := r != never && tr > r && tr > floor
			vUseful := v != never && tv > v && tv > floor
			if !rUseful && !vUseful {
				continue
			}
			tl = append(tl, fmt.Sprintf("{%q, [2]version{%s, %s}}", t, tr.goLit(), tv.goLit()))
		}
		if !cmdNeeded && len(tl) == 0 {
			continue
		}
		rows++
		toks += len(tl)
		lead := redis.lead[n]
		if r == never {
			lead = valkey.lead[n]
		}
		tokens := "nil"
		if len(tl) > 0 {
			tokens = "[]tokenSince{" + strings.Join(tl, ", ") + "}"
		}
		fmt.Fprintf(&b, "\t\t%q: {[2]version{%s, %s}, %d, %s},\n", n, r.goLit(), v.goLit(), lead, tokens)
	}
	fmt.Fprintf(&b, "\t}\n}\n\n// %d commands, %d tokens.\n", rows, toks)
	return format.Source(b.Bytes())
}
