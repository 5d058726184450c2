package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/cobra"

	"luascope/history"
	"luascope/redisx/ldb"

	"luascope/redisx/resp"
	"luascope/redisx/suite"
)

var (
	keysIndex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:KEYS|keys)\s*\[\s*(\d+)\s*\]`) })
	argvIndex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:ARGV|args)\s*\[\s*(\d+)\s*\]`) })
)

// initFile is `luascope test --init FILE.lua`: a starter test file beside
// the script, its one case taken from the script's last run in history
// (keys and args, byte for byte) or, with none, placeholders for each
// KEYS[n] and ARGV[n] the script reads; then the case is run on a
// sandbox and its reply written into expect, for the user to check.
func (o *testOpts) initFile(cmd *cobra.Command) error {
	if strings.HasSuffix(o.init, suite.Ext) {
		return usageErr("--init takes the script (FILE.lua) and writes FILE%s beside it", suite.Ext)
	}
	src, err := os.ReadFile(o.init)
	if err != nil {
		return usageErr("--init: %v", err)
	}
	out := strings.TrimSuffix(o.init, filepath.Ext(o.init)) + suite.Ext
	if _, err := os.Stat(out); err == nil {
		return usageErr("--init: %s exists: add a [[case]] to it, or remove it first", out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return usageErr("--init: %v", err)
	}
	keys, args, from := initCall(string(src))
	var b strings.Builder
	fmt.Fprintf(&b, "# Tests of %s, started by luascope test --init on %s (docs/testing.md).\n", filepath.Base(o.init), time.Now().Format("2006-01-02"))
	if ldb.IsLibrary(string(src)) {
		// A Functions library: the case calls its first function.
		fn := firstFunction(string(src))
		if fn == "" {
			return usageErr("--init %s: a library, but no redis.register_function('name', …) found in it", printable(o.init))
		}
		fmt.Fprintf(&b, "library = %s\nfunction = %s   # the function each case calls with FCALL\n", tomlString(filepath.Base(o.init)), tomlString(fn))
	} else {
		fmt.Fprintf(&b, "script = %s\n", tomlString(filepath.Base(o.init)))
	}
	fmt.Fprintf(&b, "\n[[case]]\nname = %s\n", tomlString("first case"))
	if from != "" {
		fmt.Fprintf(&b, "# %s\n", from)
	}
	b.WriteString("# setup = [[\"SET\", \"some:key\", \"value\"]]   # Redis commands before the case\n")
	fmt.Fprintf(&b, "keys = %s\nargs = %s\n", tomlList(keys), tomlList(args))
	b.WriteString("# [case.keys_after]\n# \"some:key\" = { type = \"string\", value = \"1\", ttl = \"55s..60s\" }\n")
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		return usageErr("--init: %v", err)
	}
	f, err := suite.Load(out)
	if err != nil {
		return &exitError{code: exitUsage, msg: resp.Printable(err.Error())}
	}
	res := suite.Run(context.Background(), []*suite.File{f}, suite.Options{Binaries: o.bins, Timeout: o.conn.timeout}, nil)
	w := cmd.OutOrStdout()
	if len(res) == 0 || len(res[0].Cases) == 0 {
		fmt.Fprintf(w, "wrote %s (not run)\n", out)
		return nil
	}
	r := res[0].Cases[0]
	if r.Report == nil || r.Report.Reply == nil || r.Outcome == suite.Error || r.Report.Error != nil {
		// An error is no answer to snapshot: with placeholders it is
		// most likely theirs, and a server's error names the SHA.
		fmt.Fprintf(w, "wrote %s without expect: the case did not give a reply on %s; edit its keys and args, then luascope test --update %s\n%s", out, resp.Printable(res[0].Name), out, suite.CaseLine(r))
		return nil
	}
	if err := suite.Update(out, map[int]string{0: r.Actual}); err != nil {
		return &exitError{code: exitUsage, msg: resp.Printable(err.Error())}
	}
	fmt.Fprintf(w, "wrote %s: one case, its expect the reply of a run on %s — check that it is the right answer:\n", out, resp.Printable(res[0].Name))
	for _, l := range strings.Split(r.Actual, "\n") {
		fmt.Fprintf(w, "  %s\n", resp.Printable(l))
	}
	return nil
}

// initCall is the keys and args of the starter case, and where they came
// from: the newest run of exactly this script in history, else one
// placeholder per KEYS[n] and ARGV[n] the script reads.
func initCall(src string) (keys, args []string, from string) {
	if p, err := history.DefaultPath(); err == nil {
		if s, err := history.Open(p, history.Options{}); err == nil {
			entries, _, _ := s.Load()
			for _, e := range history.NewestFirst(entries) {
				if e.Source == src && e.Function == "" && !e.Truncated {
					return e.Keys, e.Args, "keys and args of the run of " + e.Time.Local().Format("2006-01-02 15:04") + " in history"
				}
			}
		}
	}
	n := func(re *regexp.Regexp) int {
		m := 0
		for _, g := range re.FindAllStringSubmatch(src, -1) {
			if i, err := strconv.Atoi(g[1]); err == nil && i <= 64 {
				m = max(m, i)
			}
		}
		return m
	}
	for i := 1; i <= n(keysIndex()); i++ {
		keys = append(keys, fmt.Sprintf("key%d", i))
	}
	for i := 1; i <= n(argvIndex()); i++ {
		args = append(args, fmt.Sprintf("arg%d", i))
	}
	if len(keys)+len(args) == 0 {
		return nil, nil, ""
	}
	return keys, args, "placeholders for the KEYS and ARGV the script reads: put real values here"
}

// registered finds the functions a library registers, in both forms.
var registered = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`register_function\s*\(?\s*['"]([A-Za-z0-9_]+)['"]|function_name\s*=\s*['"]([A-Za-z0-9_]+)['"]`)
})

// firstFunction is the first function src registers, "" for none.
func firstFunction(src string) string {
	m := registered().FindStringSubmatch(src)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// tomlString writes s as a TOML basic string (TOML has no \x escape).
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlList writes words as a TOML list; bytes that are not UTF-8 as
// {hex = "…"}, which test files read back byte for byte.
func tomlList(ws []string) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		if utf8.ValidString(w) {
			out[i] = tomlString(w)
		} else {
			out[i] = "{hex = \"" + hex.EncodeToString([]byte(w)) + "\"}"
		}
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// watchTests runs the suite, then again each time a test file or the
// script or library one names changes, until interrupted.
func (o *testOpts) watchTests(cmd *cobra.Command, paths []string) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return &exitError{code: exitUsage, msg: "--watch: " + err.Error()}
	}
	defer w.Close()
	watched := map[string]bool{}
	watch := func() {
		// Directories, not files: editors replace a file by renaming.
		names, _ := suite.Discover(paths)
		for _, n := range names {
			dirs := []string{filepath.Dir(n)}
			if f, err := suite.Load(n); err == nil {
				for _, p := range []string{f.Script, f.Library} {
					if p != "" {
						dirs = append(dirs, filepath.Dir(p))
					}
				}
			}
			for _, d := range dirs {
				if !watched[d] && w.Add(d) == nil {
					watched[d] = true
				}
			}
		}
	}
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	defer signal.Stop(interrupt)
	out := cmd.OutOrStdout()
	for {
		watch()
		if err := o.runOnce(cmd, paths); err != nil {
			var ex *exitError
			if !errors.As(err, &ex) || ex.code != exitErrorReply {
				fmt.Fprintf(cmd.ErrOrStderr(), "luascope: %v\n", err)
			}
		}
		fmt.Fprintf(out, "--- watching %d %s for changes (ctrl+c stops)\n", len(watched), plural(len(watched), "directory", "directories"))
		// Wait for a change to a .lua or test file, then let a burst of
		// writes (an editor's save) settle.
		changed := false
		for !changed {
			select {
			case ev := <-w.Events:
				changed = strings.HasSuffix(ev.Name, ".lua") || strings.HasSuffix(ev.Name, suite.Ext)
			case err := <-w.Errors:
				fmt.Fprintf(cmd.ErrOrStderr(), "luascope: --watch: %v\n", err)
			case <-interrupt:
				return nil
			}
		}
		settle := time.After(150 * time.Millisecond)
	drain:
		for {
			select {
			case <-w.Events:
			case <-settle:
				break drain
			case <-interrupt:
				return nil
			}
		}
	}
}
