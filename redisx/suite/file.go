package suite

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"luascope/redisx"
	"luascope/redisx/classify"
	"luascope/redisx/resp"
)

// Ext is how a test file's name ends; Discover finds these.
const Ext = ".test.toml"

// File is one test file: what it tests (a script, or a library's
// function) and its cases.
type File struct {
	Path string // as found (relative to where luascope runs, when given so)
	// Script is the script's path (relative to the file in the file,
	// resolved here) and Source its text; or Library (its path and
	// LibrarySource) with Function, called with FCALL.
	Script, Source                   string
	Library, LibrarySource, Function string
	RESP                             int  // 2 or 3
	Cluster                          bool // run on a sandbox cluster
	Explain                          bool // fail on lossy conversions not allowed by the case
	Setup                            [][]string
	Cases                            []Case
}

// Call is one run of a case: its keys and args, byte for byte.
type Call struct {
	Keys, Args []string
}

// Case is one test.
type Case struct {
	Name  string
	Setup [][]string
	// Calls are the runs, in order (repeat expanded); expect, expect_error
	// and keys_after are checked after the last.
	Calls []Call
	// Expect is the last reply as `luascope run` prints it, when given
	// (ExpectText as written); HasExpect is false for a case without one
	// (snapshot: --update fills it in).
	Expect     resp.Value
	ExpectText string
	HasExpect  bool
	// ExpectOn holds the replies of servers that answer otherwise, keyed
	// by a prefix of the server's "flavor version" ("valkey", "redis 8."):
	// the longest matching key wins over Expect. How a test says that
	// Redis 8 prints 3.9 where 7.0 printed 3.8999999999999999, instead of
	// skipping a server.
	ExpectOn map[string]resp.Value
	// ExpectError is an error class the last run must fail with (and
	// ExpectMessage a substring of its message).
	ExpectError   classify.Class
	ExpectMessage string
	// Replies are the expected replies of each call in turn ("" skips one).
	Replies    []string
	KeysAfter  []KeyState
	AllowLossy []string
	Explain    bool
	Skip       string // why the case is skipped; "" runs it
	// User and Password: the case's calls run on a connection of their
	// own logged in as this ACL user (after the setups, which create it
	// with ACL SETUSER), for a script that must be tried as a user who
	// may not do everything; "" runs them as the server's connection.
	User, Password string
}

// KeyState is a key's expected state after a case (keys_after).
type KeyState struct {
	Key    string
	Exists *bool
	Type   string
	// Value is a string's value; Members a list's, set's or sorted set's
	// members in order (a set's sorted); Fields a hash's.
	Value   *string
	Members []string
	Fields  map[string]string
	// TTL: HasTTL says one was given; None means the key must not expire;
	// otherwise MinTTL ≤ ttl ≤ MaxTTL.
	HasTTL, None   bool
	MinTTL, MaxTTL time.Duration
}

type rawFile struct {
	Script   string    `toml:"script"`
	Library  string    `toml:"library"`
	Function string    `toml:"function"`
	RESP     int       `toml:"resp"`
	Cluster  bool      `toml:"cluster"`
	Explain  bool      `toml:"explain"`
	Setup    any       `toml:"setup"`
	Case     []rawCase `toml:"case"`
}

type rawCase struct {
	Name          string            `toml:"name"`
	Setup         [][]any           `toml:"setup"`
	Keys          []any             `toml:"keys"`
	Args          []any             `toml:"args"`
	Repeat        *int              `toml:"repeat"`
	Calls         []rawCall         `toml:"calls"`
	Expect        *string           `toml:"expect"`
	ExpectOn      map[string]string `toml:"expect_on"`
	ExpectError   string            `toml:"expect_error"`
	ExpectMessage string            `toml:"expect_message"`
	Replies       []string          `toml:"replies"`
	KeysAfter     map[string]rawKey `toml:"keys_after"`
	AllowLossy    []string          `toml:"allow_lossy"`
	Explain       *bool             `toml:"explain"`
	Skip          *string           `toml:"skip"`
	User          string            `toml:"user"`
	Password      string            `toml:"password"`
}

type rawCall struct {
	Keys []any `toml:"keys"`
	Args []any `toml:"args"`
}

type rawKey struct {
	Exists *bool  `toml:"exists"`
	Type   string `toml:"type"`
	Value  any    `toml:"value"`
	TTL    string `toml:"ttl"`
}

// maxFileSize bounds a test file as the config is bounded.
const maxFileSize = 16 << 20

// Load reads and checks a test file and the script or library it names.
// Every problem is reported at once, each naming the case.
func Load(path string) (*File, error) {
	if !strings.HasSuffix(path, Ext) {
		return nil, fmt.Errorf("%s: not a test file: test files end in %s (a script is named in one with script = \"…\")", path, Ext)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d MiB: is this a test file?", path, maxFileSize>>20)
	}
	var raw rawFile
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var problems []string
	for _, k := range md.Undecoded() {
		if len(k) > 0 && k[0] == "setup" {
			continue // read by hand: a list, or a table with commands
		}
		if len(k) >= 2 && k[0] == "case" && k[len(k)-1] == "hex" {
			continue // {hex = "…"} is read from the any values, by words
		}
		if len(k) >= 4 && k[0] == "case" && k[1] == "keys_after" && k[3] == "value" {
			continue // a hash's fields: any names
		}
		if len(k) == 4 && k[0] == "case" && k[1] == "keys_after" {
			problems = append(problems, fmt.Sprintf("keys_after %s: unknown field %s (fields: exists, type, value, ttl)", strconv.Quote(k[2]), k[3]))
			continue
		}
		problems = append(problems, fmt.Sprintf("unknown key %s", k))
	}
	f := &File{Path: path, Function: raw.Function, RESP: raw.RESP, Cluster: raw.Cluster, Explain: raw.Explain}
	dir := filepath.Dir(path)
	switch {
	case raw.Script != "" && raw.Library != "":
		problems = append(problems, "script and library: name one")
	case raw.Script != "":
		f.Script = filepath.Join(dir, raw.Script)
		b, err := os.ReadFile(f.Script)
		if err != nil {
			problems = append(problems, "script: "+err.Error())
		}
		f.Source = string(b)
		if raw.Function != "" {
			problems = append(problems, "function goes with library, not script")
		}
	case raw.Library != "":
		f.Library = filepath.Join(dir, raw.Library)
		b, err := os.ReadFile(f.Library)
		if err != nil {
			problems = append(problems, "library: "+err.Error())
		}
		f.LibrarySource = string(b)
		if raw.Function == "" {
			problems = append(problems, "library needs function = \"name\": the function each case calls with FCALL")
		}
	default:
		problems = append(problems, "no script = \"file.lua\" (or library = \"lib.lua\" with function = \"name\")")
	}
	switch f.RESP {
	case 0:
		f.RESP = 2
	case 2, 3:
	default:
		problems = append(problems, fmt.Sprintf("resp = %d: 2 or 3", raw.RESP))
	}
	setup, err := setupCommands(raw.Setup)
	if err != nil {
		problems = append(problems, "setup: "+err.Error())
	}
	f.Setup = setup
	if len(raw.Case) == 0 {
		problems = append(problems, "no [[case]]")
	}
	names := map[string]int{}
	for i, rc := range raw.Case {
		c, msgs := readCase(rc, f)
		where := fmt.Sprintf("case %d", i+1)
		if rc.Name != "" {
			where += " (" + strconv.Quote(rc.Name) + ")"
			if j, dup := names[rc.Name]; dup {
				msgs = append(msgs, fmt.Sprintf("the same name as case %d", j+1))
			}
			names[rc.Name] = i
		}
		for _, m := range msgs {
			problems = append(problems, where+": "+m)
		}
		f.Cases = append(f.Cases, c)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return f, nil
}

func readCase(rc rawCase, f *File) (Case, []string) {
	var msgs []string
	c := Case{Name: rc.Name, ExpectMessage: rc.ExpectMessage, AllowLossy: rc.AllowLossy, Explain: f.Explain, Replies: rc.Replies, User: rc.User, Password: rc.Password}
	switch {
	case c.Password != "" && c.User == "":
		msgs = append(msgs, "password without user: name the ACL user the case runs as (user = \"NAME\")")
	case c.User != "" && f.Cluster:
		msgs = append(msgs, "user: a cluster = true file cannot run a case as an ACL user (a setup's ACL SETUSER reaches one node)")
	}
	if rc.Skip != nil {
		c.Skip = strings.TrimSpace(*rc.Skip)
		if c.Skip == "" {
			msgs = append(msgs, "skip = \"\": say why the case is skipped (skip = \"the reason\")")
		}
	}
	if c.Name == "" {
		msgs = append(msgs, "no name")
	}
	if rc.Explain != nil {
		c.Explain = *rc.Explain
	}
	for i, s := range rc.Setup {
		cmd, err := words(s)
		if err != nil || len(cmd) == 0 {
			msgs = append(msgs, fmt.Sprintf("setup[%d]: %v", i+1, orEmpty(err, "an empty command")))
			continue
		}
		c.Setup = append(c.Setup, cmd)
	}
	keys, err1 := words(rc.Keys)
	args, err2 := words(rc.Args)
	if err1 != nil {
		msgs = append(msgs, "keys: "+err1.Error())
	}
	if err2 != nil {
		msgs = append(msgs, "args: "+err2.Error())
	}
	switch {
	case len(rc.Calls) > 0 && (len(rc.Keys) > 0 || len(rc.Args) > 0 || rc.Repeat != nil):
		msgs = append(msgs, "calls, or keys/args/repeat: not both")
	case len(rc.Calls) > 0:
		for i, rcall := range rc.Calls {
			k, err1 := words(rcall.Keys)
			a, err2 := words(rcall.Args)
			if err1 != nil || err2 != nil {
				msgs = append(msgs, fmt.Sprintf("calls[%d]: %v", i+1, errors.Join(err1, err2)))
			}
			c.Calls = append(c.Calls, Call{Keys: k, Args: a})
		}
	default:
		n := 1
		if rc.Repeat != nil {
			n = *rc.Repeat
			if n < 1 || n > 100000 {
				msgs = append(msgs, fmt.Sprintf("repeat = %d: 1 to 100000", n))
				n = 1
			}
		}
		for range n {
			c.Calls = append(c.Calls, Call{Keys: keys, Args: args})
		}
	}
	if len(rc.Replies) > len(c.Calls) {
		msgs = append(msgs, fmt.Sprintf("%d replies for %d calls", len(rc.Replies), len(c.Calls)))
	}
	nilWire := byte('$')
	if f.RESP == 3 {
		nilWire = '_'
	}
	for i, r := range rc.Replies {
		if strings.TrimSpace(r) == "" {
			continue
		}
		if _, err := ParseText(r, nilWire); err != nil {
			msgs = append(msgs, fmt.Sprintf("replies[%d]: %v", i+1, err))
		}
	}
	if rc.Expect != nil {
		c.HasExpect, c.ExpectText = true, *rc.Expect
		v, err := ParseText(*rc.Expect, nilWire)
		if err != nil {
			msgs = append(msgs, "expect: "+err.Error())
		}
		c.Expect = v
	}
	for server, text := range rc.ExpectOn {
		if c.ExpectOn == nil {
			c.ExpectOn = map[string]resp.Value{}
		}
		v, err := ParseText(text, nilWire)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("expect_on %q: %v", server, err))
		}
		c.ExpectOn[server] = v
	}
	if len(rc.ExpectOn) > 0 && rc.Expect == nil {
		msgs = append(msgs, "expect_on without expect: expect is the reply of the other servers")
	}
	if rc.ExpectError != "" && rc.Expect != nil {
		msgs = append(msgs, "expect and expect_error: one or the other (an error reply can be an expect of (error) …)")
	}
	if rc.ExpectError != "" {
		c.ExpectError = classify.Class(rc.ExpectError)
		if !c.ExpectError.Valid() {
			var names []string
			for _, k := range classify.Classes() {
				names = append(names, string(k))
			}
			msgs = append(msgs, fmt.Sprintf("expect_error = %q is no error class (%s)", rc.ExpectError, strings.Join(names, ", ")))
		}
	} else if rc.ExpectMessage != "" {
		msgs = append(msgs, "expect_message goes with expect_error (the class)")
	}
	keysAfter := make([]string, 0, len(rc.KeysAfter))
	for k := range rc.KeysAfter {
		keysAfter = append(keysAfter, k)
	}
	sort.Strings(keysAfter)
	for _, k := range keysAfter {
		st, err := readKeyState(k, rc.KeysAfter[k])
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("keys_after %q: %v", k, err))
		}
		c.KeysAfter = append(c.KeysAfter, st)
	}
	return c, msgs
}

func orEmpty(err error, what string) any {
	if err != nil {
		return err
	}
	return what
}

// words reads a list of strings, each a TOML string or {hex = "…"} for
// bytes that are not UTF-8, or a number (written as Redis gets it).
func words(list []any) ([]string, error) {
	out := make([]string, 0, len(list))
	for i, w := range list {
		switch v := w.(type) {
		case string:
			out = append(out, v)
		case int64:
			out = append(out, strconv.FormatInt(v, 10))
		case float64:
			out = append(out, strconv.FormatFloat(v, 'g', -1, 64))
		case map[string]any:
			h, ok := v["hex"].(string)
			if !ok || len(v) != 1 {
				return nil, fmt.Errorf("item %d: a table must be {hex = \"…\"}", i+1)
			}
			b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
			if err != nil {
				return nil, fmt.Errorf("item %d: hex: %v", i+1, err)
			}
			out = append(out, string(b))
		default:
			return nil, fmt.Errorf("item %d: %T: write a string, a number or {hex = \"…\"}", i+1, w)
		}
	}
	return out, nil
}

// setupCommands reads the file's setup: a list of commands, or a table
// whose commands key is one.
func setupCommands(v any) ([][]string, error) {
	if v == nil {
		return nil, nil
	}
	if t, ok := v.(map[string]any); ok {
		for k := range t {
			if k != "commands" {
				return nil, fmt.Errorf("unknown key %s in [setup] (commands = [[\"SET\", \"k\", \"v\"], …])", k)
			}
		}
		v = t["commands"]
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("a list of commands, e.g. [[\"SET\", \"k\", \"v\"]]")
	}
	var out [][]string
	for i, c := range list {
		l, ok := c.([]any)
		if !ok {
			return nil, fmt.Errorf("command %d: a list of words", i+1)
		}
		w, err := words(l)
		if err != nil || len(w) == 0 {
			return nil, fmt.Errorf("command %d: %v", i+1, orEmpty(err, "empty"))
		}
		out = append(out, w)
	}
	return out, nil
}

var keyTypes = []string{"string", "list", "set", "zset", "hash", "stream"}

var ttlRange = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*([^.\s]+)\s*\.\.\s*([^.\s]+)\s*$`) })

func readKeyState(key string, rk rawKey) (KeyState, error) {
	k, err := redisx.Unescape(key)
	if err != nil {
		return KeyState{}, err
	}
	st := KeyState{Key: k, Exists: rk.Exists, Type: rk.Type}
	if rk.Type != "" {
		found := false
		for _, t := range keyTypes {
			found = found || t == rk.Type
		}
		if !found {
			return st, fmt.Errorf("type = %q: one of %s", rk.Type, strings.Join(keyTypes, ", "))
		}
	}
	switch v := rk.Value.(type) {
	case nil:
	case string:
		st.Value = &v
	case []any:
		st.Members, err = words(v)
		if err != nil {
			return st, fmt.Errorf("value: %v", err)
		}
	case map[string]any:
		st.Fields = map[string]string{}
		for f, x := range v {
			w, err := words([]any{x})
			if err != nil {
				return st, fmt.Errorf("value.%s: %v", f, err)
			}
			st.Fields[f] = w[0]
		}
	default:
		return st, fmt.Errorf("value: a string, a list or a table, not %T", rk.Value)
	}
	if rk.TTL != "" {
		st.HasTTL = true
		switch t := strings.TrimSpace(rk.TTL); {
		case t == "none":
			st.None = true
		case ttlRange().MatchString(t):
			m := ttlRange().FindStringSubmatch(t)
			if st.MinTTL, err = time.ParseDuration(m[1]); err == nil {
				st.MaxTTL, err = time.ParseDuration(m[2])
			}
			if err == nil && st.MinTTL > st.MaxTTL {
				err = fmt.Errorf("%s is more than %s", m[1], m[2])
			}
		default:
			st.MinTTL, err = time.ParseDuration(t)
			st.MaxTTL = st.MinTTL
		}
		if err != nil {
			return st, fmt.Errorf("ttl = %q: a duration (\"60s\"), a range (\"55s..60s\") or \"none\": %v", rk.TTL, err)
		}
	}
	if st.Exists != nil && !*st.Exists && (st.Type != "" || rk.Value != nil || st.HasTTL) {
		return st, fmt.Errorf("exists = false with type, value or ttl")
	}
	if st.Exists == nil && st.Type == "" && rk.Value == nil && !st.HasTTL {
		return st, fmt.Errorf("checks nothing: give exists, type, value or ttl")
	}
	return st, nil
}

// Discover lists the test files under paths (a file is taken as it is, a
// directory walked), sorted, each once. Hidden directories and
// node_modules/vendor are skipped.
func Discover(paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), Ext) && !seen[path] {
				seen[path] = true
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}
