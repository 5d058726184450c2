package history

import (
	"slices"
	"strings"
)

// Filter returns the entries that match every term of q, in their order.
// A term is "sha:PREFIX" (the script SHA starts with it), "class:NAME"
// (the error class; class:none for runs without error), or text looked
// for, ignoring case, in the source, keys, args, target, label, function
// and error. Double quotes group words into one term. An empty q matches
// everything. It is a plain function of its input so the UI can call it
// on every keystroke without touching the file.
func Filter(entries []Entry, q string) []Entry {
	terms := splitTerms(q)
	out := make([]Entry, 0, len(entries))
	for _, e := range entries {
		if matchesAll(e, terms) {
			out = append(out, e)
		}
	}
	return out
}

// NewestFirst returns a copy of entries sorted newest first, the order a
// history list shows. Entries with the same time keep their reverse file
// order, so the one appended last still comes first.
func NewestFirst(entries []Entry) []Entry {
	out := slices.Clone(entries)
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b Entry) int { return b.Time.Compare(a.Time) })
	return out
}

// splitTerms splits q at spaces, keeping "quoted phrases" whole.
func splitTerms(q string) []string {
	var terms []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		if cur.Len() > 0 {
			terms = append(terms, cur.String())
			cur.Reset()
		}
	}
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ' ' || r == '\t' || r == '\n'):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return terms
}

func matchesAll(e Entry, terms []string) bool {
	for _, t := range terms {
		if !matches(e, t) {
			return false
		}
	}
	return true
}

func matches(e Entry, term string) bool {
	lower := strings.ToLower(term)
	switch {
	case strings.HasPrefix(lower, "sha:"):
		return strings.HasPrefix(strings.ToLower(e.SHA), lower[len("sha:"):])
	case strings.HasPrefix(lower, "class:"):
		class := lower[len("class:"):]
		if class == "none" {
			return e.ErrorClass == ""
		}
		return strings.EqualFold(e.ErrorClass, class)
	}
	has := func(s string) bool { return containsFold(s, lower) }
	if has(e.Source) || has(e.Target) || has(e.Label) || has(e.Function) || has(e.Error) {
		return true
	}
	return slices.ContainsFunc(e.Keys, has) || slices.ContainsFunc(e.Args, has)
}

// containsFold reports whether s contains the lower-cased needle,
// ignoring case, without lowering s when a plain match already succeeds.
func containsFold(s, needle string) bool {
	if strings.Contains(s, needle) {
		return true
	}
	return strings.Contains(strings.ToLower(s), needle)
}
