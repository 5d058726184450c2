package suite

import (
	"fmt"
	"sort"
	"strings"

	"luascope/redisx/resp"
)

// Change is what an update writes into one case. Entries of expect_on in
// neither SetOn nor DropOn stay as written: they are for servers the run
// did not include.
type Change struct {
	// Expect is the new expect text; nil leaves the case's expect as it is
	// (it already holds on the first server).
	Expect *string
	// SetOn are expect_on entries added or replaced (key → reply text),
	// DropOn the keys removed.
	SetOn  map[string]string
	DropOn []string
}

// Plan is what an update writes (file path → case index → change) and
// why the cases it leaves alone are left, one line each, escaped.
type Plan struct {
	Files map[string]map[int]Change
	Notes []string
}

// PlanUpdate decides what `luascope test --update` writes from a run on
// one or more servers: expect from the first server's reply, and for each
// other server whose reply differs an expect_on entry, so that the same
// run passes afterwards. A case is changed only when its reply check did
// not hold on some server, or it has no expect yet. The entries' keys are
// the shortest prefix of the server's "flavor version" — "valkey 8",
// then "valkey 8.1", then "valkey 8.1.1" — that picks no other server of
// the run answering otherwise: a key as wide as the run allows, because
// a patch release seldom changes a reply and an over-narrow key fails on
// the next upgrade. An existing entry that leads a run server astray is
// dropped (its key tried first for the new entry), as is one left saying
// what expect says; entries for servers outside the run stay.
func PlanUpdate(files []*File, results []ServerResult) Plan {
	p := Plan{Files: map[string]map[int]Change{}}
	if len(results) == 0 {
		return p
	}
	type at struct{ fi, ci int }
	type answer struct {
		server string
		r      CaseResult
	}
	var order []at
	byCase := map[at][]answer{}
	for _, s := range results {
		for _, r := range s.Cases {
			k := at{r.fileIndex, r.caseIndex}
			if k.fi >= len(files) || k.ci >= len(files[k.fi].Cases) || files[k.fi].Path != r.File {
				continue // not a result of these files
			}
			if _, seen := byCase[k]; !seen {
				order = append(order, k)
			}
			byCase[k] = append(byCase[k], answer{s.Name, r})
		}
	}
	first := results[0].Name
	note := func(f *File, c Case, format string, args ...any) {
		p.Notes = append(p.Notes, resp.Printable(fmt.Sprintf("%s: %s: ", f.Path, c.Name)+fmt.Sprintf(format, args...)))
	}
	for _, k := range order {
		f, c := files[k.fi], files[k.fi].Cases[k.ci]
		if c.Skip != "" {
			continue
		}
		// What --update does not fix is said, whether or not the reply
		// is written: the case will fail again.
		keys, lossy := false, false
		for _, a := range byCase[k] {
			keys, lossy = keys || a.r.keysFailed, lossy || a.r.lossyFailed
		}
		if keys {
			note(f, c, "keys_after did not hold: --update writes replies only, not keys_after (fix the table or the script by hand)")
		}
		if lossy {
			note(f, c, "a lossy conversion failed it: --update does not write allow_lossy (add it by hand if the loss is meant)")
		}
		// The servers that replied, and whether the file's expectation of
		// each held (what the run checked: resp.Text of the reply).
		replies := map[string]string{}
		var servers []string
		held, failed := true, false
		var silent []string
		for _, a := range byCase[k] {
			failed = failed || a.r.Outcome == Fail
			if a.r.Report == nil || a.r.Report.Reply == nil || (a.r.Outcome != Pass && a.r.Outcome != Fail) {
				silent = append(silent, a.server)
				continue
			}
			if prev, dup := replies[a.server]; dup && prev != a.r.Actual {
				note(f, c, "not written: two runs on %s replied differently", a.server)
				held, servers = true, nil
				break
			}
			if _, dup := replies[a.server]; !dup {
				servers = append(servers, a.server)
			}
			replies[a.server] = a.r.Actual
			if want, ok := expectFor(c, a.server); !ok || want != a.r.Actual {
				held = false
			}
		}
		if held || len(servers) == 0 {
			continue
		}
		switch {
		case len(c.Replies) > 0:
			if failed {
				note(f, c, "not written: the case checks replies, which --update does not rewrite; fix them by hand from the output above")
			}
			continue
		case c.ExpectError != "":
			if failed {
				note(f, c, "not written: the case has expect_error, which --update does not rewrite")
			}
			continue
		}
		x, ok := replies[first]
		if !ok {
			note(f, c, "not written: no reply on %s, the first server, whose reply expect holds", first)
			continue
		}
		named := false
		for _, s := range servers {
			if NamesScript(replies[s]) {
				cls := ""
				for _, a := range byCase[k] {
					if a.server == s && a.r.Report.Error != nil {
						cls = string(a.r.Report.Error.Class)
					}
				}
				note(f, c, "not written: the error names the script's SHA, which changes with every edit; write expect_error = %q (and expect_message) instead", cls)
				named = true
				break
			}
		}
		if named {
			continue
		}
		on, newExpect, err := placeOn(c, first, servers, replies)
		if err != nil {
			note(f, c, "not written: %v", err)
			continue
		}
		var ch Change
		if newExpect {
			ch.Expect = &x
		}
		for key, text := range on {
			if old, had := c.ExpectOn[key]; !had || resp.Text(old) != text {
				if ch.SetOn == nil {
					ch.SetOn = map[string]string{}
				}
				ch.SetOn[key] = text
			}
		}
		for key := range c.ExpectOn {
			if _, kept := on[key]; !kept {
				ch.DropOn = append(ch.DropOn, key)
			}
		}
		sort.Strings(ch.DropOn)
		if ch.Expect == nil && len(ch.SetOn) == 0 && len(ch.DropOn) == 0 {
			continue
		}
		for _, s := range silent {
			if _, replied := replies[s]; !replied {
				note(f, c, "no reply on %s: what it answers is not recorded", s)
			}
		}
		if p.Files[f.Path] == nil {
			p.Files[f.Path] = map[int]Change{}
		}
		p.Files[f.Path][k.ci] = ch
	}
	return p
}

// expectFor is the reply text the case expects of server (the longest
// expect_on key that is a prefix of its name, else expect), as the run
// checks it; false when the case has no expect.
func expectFor(c Case, server string) (string, bool) {
	if !c.HasExpect {
		return "", false
	}
	if k := matchingKey(c.ExpectOn, server); k != "" {
		return resp.Text(c.ExpectOn[k]), true
	}
	return resp.Text(c.Expect), true
}

// matchingKey is the longest key of on that is a prefix of server.
func matchingKey[V any](on map[string]V, server string) string {
	best := ""
	for k := range on {
		if strings.HasPrefix(server, k) && len(k) > len(best) {
			best = k
		}
	}
	return best
}

// placeOn is the case's expect_on after the update (key → reply text):
// the existing entries that still hold, plus one new entry per server
// that still needs one; newExpect says expect becomes the first server's
// reply. Expect stays as written when the first server is answered by an
// entry that holds: it may be the reply of servers the run left out.
func placeOn(c Case, first string, servers []string, replies map[string]string) (on map[string]string, newExpect bool, err error) {
	on = map[string]string{}
	for k, v := range c.ExpectOn {
		on[k] = resp.Text(v)
	}
	// Drop the entries that lead a run server astray (one at a time: a
	// dropped key lets a shorter one win).
	var dropped []string
	for changed := true; changed; {
		changed = false
		for _, s := range servers {
			if k := matchingKey(on, s); k != "" && on[k] != replies[s] {
				delete(on, k)
				dropped = append(dropped, k)
				changed = true
			}
		}
	}
	// A dropped key is the user's choice of width: tried first for its
	// servers, with their reply now.
	sort.Slice(dropped, func(i, j int) bool { return len(dropped[i]) < len(dropped[j]) })
	x := replies[first]
	if c.HasExpect && matchingKey(on, first) != "" {
		x = resp.Text(c.Expect)
	}
	newExpect = !c.HasExpect || x != resp.Text(c.Expect)
	resolve := func(m map[string]string, s string) string {
		if k := matchingKey(m, s); k != "" {
			return m[k]
		}
		return x
	}
	// An entry saying what expect says is left out, unless a shorter key
	// would take its servers over.
	for k, v := range on {
		if v != x {
			continue
		}
		shadowed := false
		for j := range on {
			shadowed = shadowed || (j != k && strings.HasPrefix(k, j))
		}
		if !shadowed {
			delete(on, k)
		}
	}
	holds := func(m map[string]string) bool {
		for _, s := range servers {
			if resolve(m, s) != replies[s] {
				return false
			}
		}
		return true
	}
	for _, s := range servers {
		if resolve(on, s) == replies[s] {
			continue
		}
		placed := false
		var candidates []string
		for _, k := range dropped {
			if strings.HasPrefix(s, k) {
				candidates = append(candidates, k)
			}
		}
		for _, key := range append(candidates, keyCandidates(s)...) {
			try := make(map[string]string, len(on)+1)
			for k, v := range on {
				try[k] = v
			}
			try[key] = replies[s]
			// Only the servers placed so far must hold; the ones after
			// get their own keys in turn, and the end checks them all.
			ok := true
			for _, o := range servers {
				if (o == s || resolve(on, o) == replies[o]) && resolve(try, o) != replies[o] {
					ok = false
				}
			}
			if ok {
				on, placed = try, true
				break
			}
		}
		if !placed {
			return nil, false, fmt.Errorf("no expect_on key tells %s from the other servers of the run", s)
		}
	}
	if !holds(on) {
		return nil, false, fmt.Errorf("no set of expect_on keys gives each server of the run its reply")
	}
	return on, newExpect, nil
}

// keyCandidates are the expect_on keys for a server named "flavor
// version", widest first: "redis 8", "redis 8.0", "redis 8.0.2". A name
// of another shape has only itself.
func keyCandidates(server string) []string {
	flavor, version, ok := strings.Cut(server, " ")
	if !ok || flavor == "" || version == "" {
		return []string{server}
	}
	var out []string
	parts := strings.Split(version, ".")
	for i := 1; i <= len(parts); i++ {
		out = append(out, flavor+" "+strings.Join(parts[:i], "."))
	}
	if out[len(out)-1] != server {
		out = append(out, server)
	}
	return out
}
