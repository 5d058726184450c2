package incident

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"luascope/redisx"
	"luascope/redisx/ldb"
)

// Source is where a script's text was found.
type Source struct {
	// From is "eval" (the EVAL body the log kept), "history" (a luascope
	// run with that SHA or function), "file" (a file given by the user)
	// or "server" (a node's SCRIPT SHOW).
	From string `json:"from"`
	// Detail names it: the file's path, the history run's time and
	// target, or the node.
	Detail string `json:"detail,omitempty"`
	// Prefix says the match is by the logged body's first 128 bytes
	// only: the log cut the body, so its SHA is unknown.
	Prefix bool   `json:"prefix_match,omitempty"`
	Text   string `json:"-"`
}

// Known is a script or library whose source luascope has: a node's
// SCRIPT SHOW (ServerSources), a history run or a file. Function is set
// for a run that called a function (FCALL).
type Known struct {
	From, Detail string
	SHA          string
	Function     string
	Text         string
	// Time and Target are a history run's; Truncated says its Text was
	// cut to the history's limits: a sighting of the SHA (Sightings),
	// not a source.
	Time      time.Time
	Target    string
	Truncated bool
}

// Resolver maps SHAs and function names to the first Known that has
// them (callers list the best first: a server's copy, files, then
// history newest first), and keeps every Known for Sightings.
type Resolver struct {
	known []Known // the sources, each SHA (and function) once
	all   []Known
}

// NewResolver indexes known. A file that is a library (#!lua name=…)
// answers for every function it registers. A Known with no text, a cut
// one, or one whose text is not its SHA's is only a sighting; of several
// with one SHA (or function) the first is the source.
func NewResolver(known []Known) *Resolver {
	r := &Resolver{all: make([]Known, len(known))}
	seen := map[string]bool{}
	for i, k := range known {
		given := k.SHA != ""
		if !given && k.Text != "" && !k.Truncated {
			k.SHA = redisx.SHA1(k.Text)
		}
		r.all[i] = k
		if k.Text == "" || k.Truncated {
			continue
		}
		id := strings.ToLower(k.SHA) + "\x00" + k.Function
		if seen[id] {
			continue // the same text: history holds one per run
		}
		if given && k.Function == "" && !strings.EqualFold(k.SHA, redisx.SHA1(k.Text)) {
			continue // not this SHA's script (a run recorded wrongly…)
		}
		seen[id] = true
		r.known = append(r.known, k)
		if k.Function == "" && strings.HasPrefix(k.Text, "#!lua") {
			// Every name found, even from a library that also registers
			// names only the server can know (a variable, a loop).
			names, _ := ldb.RegisteredNames(k.Text)
			for _, fn := range names {
				lib := k
				lib.Function = fn
				r.known = append(r.known, lib)
			}
		}
	}
	return r
}

// Sightings are the Known given for sha (any case), sources or not, in
// the order given: how often history ran it, and when last.
func (r *Resolver) Sightings(sha string) []Known {
	var out []Known
	for _, k := range r.all {
		if strings.EqualFold(k.SHA, sha) {
			out = append(out, k)
		}
	}
	return out
}

// Resolve finds c's source: the EVAL body when the log kept it whole, a
// known SHA, a known function, or a known script that starts with a cut
// body's 128 bytes (Prefix). nil when none.
func (r *Resolver) Resolve(c Call) *Source {
	if c.Function != "" {
		for _, k := range r.known {
			if k.Function == c.Function {
				return &Source{From: k.From, Detail: k.Detail, Text: k.Text}
			}
		}
		return nil
	}
	if c.SHA != "" {
		for _, k := range r.known {
			if k.Function == "" && strings.EqualFold(k.SHA, c.SHA) {
				return &Source{From: k.From, Detail: k.Detail, Text: k.Text}
			}
		}
	}
	if c.Body != "" && !c.BodyCut {
		return &Source{From: "eval", Detail: "the EVAL body in the log", Text: c.Body}
	}
	if c.BodyCut {
		for _, k := range r.known {
			if k.Function == "" && strings.HasPrefix(k.Text, c.Body) {
				return &Source{From: k.From, Detail: k.Detail, Prefix: true, Text: k.Text}
			}
		}
	}
	return nil
}

// Group is the slow-log entries of one script or function.
type Group struct {
	// Key identifies the group: "sha:…", "function:…" or, for EVAL bodies
	// the log cut, "body:" and the first 128 bytes.
	Key      string   `json:"-"`
	Kind     Kind     `json:"kind"`
	SHA      string   `json:"sha,omitempty"`
	Function string   `json:"function,omitempty"`
	Commands []string `json:"commands"`
	Source   *Source  `json:"source"`
	Count    int      `json:"count"`
	Max      time.Duration
	P50      time.Duration
	Entries  []Entry `json:"-"`
}

// Entry is a slow-log entry with its reading as a call.
type Entry struct {
	SlowEntry
	Call Call
}

// Summary is a slow log read per script.
type Summary struct {
	Groups []Group
	// Other counts the entries for commands that are not script calls.
	Other int
	// Total counts every entry read.
	Total int
}

// Summarize groups the script calls among entries per script or
// function, slowest group (by max) first, each group's entries newest
// first; other commands are only counted. P50 is the lower median.
func Summarize(entries []SlowEntry, r *Resolver) Summary {
	var sum Summary
	byKey := map[string]*Group{}
	var order []string
	for _, e := range entries {
		sum.Total++
		c, ok := ScriptCall(e.Words)
		if !ok {
			sum.Other++
			continue
		}
		key, kind := "sha:"+c.SHA, Script
		switch {
		case c.Function != "":
			key, kind = "function:"+c.Function, Function
		case c.SHA == "":
			key = "body:" + c.Body
		}
		g := byKey[key]
		if g == nil {
			g = &Group{Key: key, Kind: kind, SHA: c.SHA, Function: c.Function, Source: r.Resolve(c)}
			byKey[key] = g
			order = append(order, key)
		}
		if !slices.Contains(g.Commands, c.Command) {
			g.Commands = append(g.Commands, c.Command)
		}
		g.Entries = append(g.Entries, Entry{SlowEntry: e, Call: c})
	}
	for _, k := range order {
		g := byKey[k]
		g.Count = len(g.Entries)
		slices.Sort(g.Commands)
		ds := make([]time.Duration, len(g.Entries))
		for i, e := range g.Entries {
			ds[i] = e.Duration
		}
		slices.Sort(ds)
		g.Max, g.P50 = ds[len(ds)-1], ds[(len(ds)-1)/2]
		// A total order (time, node, id), so an unstable sort is
		// deterministic: a stable one moves these large values
		// O(n log² n) times: twice as slow on a 10,000-entry log
		// (BenchmarkSummarize).
		slices.SortFunc(g.Entries, func(a, b Entry) int {
			if c := b.Time.Compare(a.Time); c != 0 {
				return c
			}
			if c := strings.Compare(a.Node, b.Node); c != 0 {
				return c
			}
			return cmp.Compare(b.ID, a.ID)
		})
		sum.Groups = append(sum.Groups, *g)
	}
	slices.SortStableFunc(sum.Groups, func(a, b Group) int {
		switch {
		case a.Max > b.Max:
			return -1
		case a.Max < b.Max:
			return 1
		}
		return 0
	})
	return sum
}
