package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"luascope/redisx/resp"
)

// caseHeader is a [[case]] line (with spaces or a comment after it).
var caseHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[\[\s*case\s*\]\]\s*(#.*)?$`) })

// subTable is a [case.keys_after] line or another table header: keys
// written after it belong to it, so an expect is never inserted there.
var tableHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[`) })

// expectKey is the start of an expect = … line.
var expectKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\s*)expect\s*=\s*`) })

// expectOnHeader is a [case.expect_on] line.
var expectOnHeader = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*\[\s*case\s*\.\s*(expect_on|"expect_on"|'expect_on')\s*\]\s*(#.*)?$`)
})

// onEntry is a key = … line of an expect_on table, and onDotted an
// expect_on.key = … line in the case itself (group 2 the key, quoted or
// bare).
var (
	onEntry = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*`)
	})
	onDotted = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\s*)expect_on\s*\.\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*`)
	})
	onInline = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*expect_on\s*=\s*\{`) })
)

// Update writes actual replies into the expect of cases of the file at
// path (by index), keeping everything else of the file as it is: the
// comments, the layout, the other cases. An existing expect value (a
// one-line string or a multi-line one) is replaced; a case without one
// gets expect right after its [[case]] line. The text goes in a literal
// multi-line string (”'), which takes backslashes and quotes as they are
// (a reply's escapes, \n and \", must stay as written).
func Update(path string, actual map[int]string) error {
	changes := make(map[int]Change, len(actual))
	for ci, text := range actual {
		changes[ci] = Change{Expect: &text}
	}
	return UpdateCases(path, changes)
}

// UpdateCases writes changes (by case index) into the file at path as
// Update does, and also the cases' expect_on entries: an entry's value
// is replaced where it is, a dropped one removed with its lines, a new
// one added after the case's last entry, or in a [case.expect_on] table
// added after the case's last line when it has none. The file is read
// back before it replaces the old one, and must say what was written.
func UpdateCases(path string, changes map[int]Change) error {
	// A symlinked test file is updated where it lives, the link kept.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	// Lines added keep the file's line ends.
	nl := "\n"
	if strings.Contains(string(data), "\r\n") {
		nl = "\r\n"
	}
	lines := strings.SplitAfter(string(data), "\n")
	var headers []int
	for i, l := range lines {
		if caseHeader().MatchString(strings.TrimRight(l, "\r\n")) {
			headers = append(headers, i)
		}
	}
	var edits []edit
	for ci, ch := range changes {
		if ci >= len(headers) {
			return fmt.Errorf("%s: case %d not found (the file changed?)", path, ci+1)
		}
		start, end := headers[ci], len(lines)
		if ci+1 < len(headers) {
			end = headers[ci+1]
		}
		if ch.Expect != nil {
			e, err := expectEdit(lines, start, end, *ch.Expect, nl)
			if err != nil {
				return fmt.Errorf("%s: case %d: %w", path, ci+1, err)
			}
			edits = append(edits, e)
		}
		if len(ch.SetOn) > 0 || len(ch.DropOn) > 0 {
			es, err := expectOnEdits(lines, start, end, ch, nl)
			if err != nil {
				return fmt.Errorf("%s: case %d: %w", path, ci+1, err)
			}
			edits = append(edits, es...)
		}
	}
	// Apply from the bottom so earlier line numbers hold; at one line, a
	// replacement before an insertion (which goes above it), and of two
	// insertions the one meant lower first.
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i], edits[j]
		if a.from != b.from {
			return a.from > b.from
		}
		if (a.to > a.from) != (b.to > b.from) {
			return a.to > a.from
		}
		return a.rank > b.rank
	})
	for _, e := range edits {
		lines = append(lines[:e.from], append([]string{e.text}, lines[e.to:]...)...)
	}
	out := strings.Join(lines, "")
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	// Beside the file, hidden, and a test file's name, so Load reads it.
	tmp := filepath.Join(filepath.Dir(path), ".luascope-update-"+filepath.Base(path))
	if err := os.WriteFile(tmp, []byte(out), st.Mode().Perm()); err != nil {
		return err
	}
	f, err := Load(tmp)
	if err == nil {
		err = checkWritten(f, changes)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: not updated, the result would not read back: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// edit replaces lines [from, to) with text (to == from: inserts it).
// rank orders insertions at one line: the higher goes below.
type edit struct {
	from, to int
	text     string
	rank     int
}

// expectEdit writes expect into the case of lines [start, end).
func expectEdit(lines []string, start, end int, text, nl string) (edit, error) {
	value, err := literal(strings.ReplaceAll(text, "\n", nl), nl)
	if err != nil {
		return edit{}, err
	}
	for i := start + 1; i < end; i++ {
		l := lines[i]
		if tableHeader().MatchString(l) {
			break
		}
		m := expectKey().FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if one, ok := sameLine(l, len(m[0]), text); ok {
			return edit{from: i, to: i + 1, text: one}, nil
		}
		last, err := valueEnd(lines, i, len(m[0]))
		if err != nil {
			return edit{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		return edit{from: i, to: last + 1, text: m[1] + "expect = " + value + nl}, nil
	}
	// After the case's last key, before a [case.…] table or the next
	// case (keys written after a table header belong to it).
	at := start + 1
	for i := start + 1; i < end; i++ {
		t := strings.TrimSpace(lines[i])
		if tableHeader().MatchString(lines[i]) {
			break
		}
		if t != "" && !strings.HasPrefix(t, "#") {
			at = i + 1
		}
	}
	return edit{from: at, to: at, text: "expect = " + value + nl}, nil
}

// expectOnEdits write ch's expect_on entries into the case of lines
// [start, end), in the form the case has them: a [case.expect_on] table,
// expect_on.KEY lines, or an inline table (rewritten as a table).
func expectOnEdits(lines []string, start, end int, ch Change, nl string) ([]edit, error) {
	var edits []edit
	done := map[string]bool{}
	drop := map[string]bool{}
	for _, k := range ch.DropOn {
		drop[k] = true
	}
	// entries edits the key = value lines from i while re matches them,
	// skipping blank and comment lines, up to stop; it returns the line
	// after the last entry (or -1 when none).
	entries := func(re *regexp.Regexp, from, stop int, inBody bool) (after int, kept int, err error) {
		after = -1
		for i := from; i < stop; i++ {
			l := lines[i]
			if inBody && tableHeader().MatchString(l) {
				break
			}
			m := re.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			last, err := valueEnd(lines, i, len(m[0]))
			if err != nil {
				return 0, 0, fmt.Errorf("line %d: %w", i+1, err)
			}
			key := unquoteKey(m[2])
			switch text, set := ch.SetOn[key]; {
			case drop[key]:
				edits = append(edits, edit{from: i, to: last + 1})
			case set:
				if one, ok := sameLine(l, len(m[0]), text); ok {
					edits = append(edits, edit{from: i, to: i + 1, text: one})
					kept++
					break
				}
				value, err := literal(strings.ReplaceAll(text, "\n", nl), nl)
				if err != nil {
					return 0, 0, err
				}
				edits = append(edits, edit{from: i, to: last + 1, text: l[:len(m[0])] + value + nl})
				kept++
			default:
				kept++
			}
			done[key] = true
			after = last + 1
			i = last
		}
		return after, kept, nil
	}
	// The new entries, in key order, each "KEY = value" after pre.
	added := func(pre string) (string, int, error) {
		var keys []string
		for k := range ch.SetOn {
			if !done[k] {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			value, err := literal(strings.ReplaceAll(ch.SetOn[k], "\n", nl), nl)
			if err != nil {
				return "", 0, err
			}
			b.WriteString(pre + quoteKey(k) + " = " + value + nl)
		}
		return b.String(), len(keys), nil
	}
	for i := start + 1; i < end; i++ {
		l := strings.TrimRight(lines[i], "\r\n")
		switch {
		case expectOnHeader().MatchString(l):
			stop := end
			for j := i + 1; j < end; j++ {
				if tableHeader().MatchString(lines[j]) {
					stop = j
					break
				}
			}
			after, kept, err := entries(onEntry(), i+1, stop, false)
			if err != nil {
				return nil, err
			}
			text, n, err := added("")
			if err != nil {
				return nil, err
			}
			if after < 0 {
				after = i + 1
			}
			if n > 0 {
				edits = append(edits, edit{from: after, to: after, text: text, rank: 1})
			}
			if kept+n == 0 {
				edits = append(edits, edit{from: i, to: i + 1}) // the header of a table left empty
			}
			return edits, nil
		case onDotted().MatchString(l):
			after, _, err := entries(onDotted(), i, end, true)
			if err != nil {
				return nil, err
			}
			m := onDotted().FindStringSubmatch(l)
			text, n, err := added(m[1] + "expect_on.")
			if err != nil {
				return nil, err
			}
			if n > 0 {
				edits = append(edits, edit{from: after, to: after, text: text, rank: 1})
			}
			return edits, nil
		case onInline().MatchString(l):
			return nil, fmt.Errorf("line %d: expect_on is an inline table: write it as a [case.expect_on] table for --update to change it", i+1)
		case tableHeader().MatchString(l):
			// Another of the case's tables: expect_on may come later.
		}
	}
	// None yet: a table after the case's last line that is not a
	// comment (those just above the next case belong to it).
	text, n, err := added("")
	if err != nil || n == 0 {
		return nil, err
	}
	at := start + 1
	for i := start + 1; i < end; i++ {
		if t := strings.TrimSpace(lines[i]); t != "" && !strings.HasPrefix(t, "#") {
			at = i + 1
		}
	}
	return []edit{{from: at, to: at, text: "[case.expect_on]" + nl + text, rank: 1}}, nil
}

// unquoteKey is a TOML key as written (bare, "basic" or 'literal') as
// its name.
func unquoteKey(k string) string {
	switch {
	case strings.HasPrefix(k, "'"):
		return strings.Trim(k, "'")
	case strings.HasPrefix(k, `"`):
		if s, err := strconv.Unquote(k); err == nil {
			return s
		}
		return strings.Trim(k, `"`)
	}
	return k
}

// quoteKey is key as a TOML basic string (server names: printable, so
// only \ and " need escapes).
func quoteKey(k string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(k) + `"`
}

// checkWritten says what of changes the file f (as read back) does not
// hold: an expect_on key meant to be there and missing, or the other way.
func checkWritten(f *File, changes map[int]Change) error {
	for ci, ch := range changes {
		if ci >= len(f.Cases) {
			return fmt.Errorf("case %d is gone", ci+1)
		}
		c := f.Cases[ci]
		if ch.Expect != nil && (!c.HasExpect || resp.Text(c.Expect) != *ch.Expect) {
			return fmt.Errorf("case %d: expect not written", ci+1)
		}
		for k, text := range ch.SetOn {
			if v, ok := c.ExpectOn[k]; !ok || resp.Text(v) != text {
				return fmt.Errorf("case %d: expect_on %q not written", ci+1, k)
			}
		}
		for _, k := range ch.DropOn {
			if _, ok := c.ExpectOn[k]; ok {
				return fmt.Errorf("case %d: expect_on %q still there", ci+1, k)
			}
		}
	}
	return nil
}

// sameLine is line with its one-line string value (starting at col)
// replaced by text in the same kind of string, what follows it (spaces,
// a comment, the line end) kept: a one-line expect stays one line. false
// when the value spans lines or text does not fit on one.
func sameLine(line string, col int, text string) (string, bool) {
	if strings.ContainsAny(text, "\r\n") {
		return "", false
	}
	rest := line[col:]
	var q string
	for _, c := range []string{`'''`, `"""`, `'`, `"`} {
		if strings.HasPrefix(rest, c) {
			q = c
			break
		}
	}
	if q == "" {
		return "", false
	}
	// The value's end: the closing quotes (a basic string's escapes
	// skipped).
	end := -1
	for j := len(q); j+len(q) <= len(rest); j++ {
		if q[0] == '"' && rest[j] == '\\' {
			j++
			continue
		}
		if strings.HasPrefix(rest[j:], q) {
			end = j + len(q)
			break
		}
	}
	if end < 0 {
		return "", false // a multi-line string
	}
	switch {
	case q == `'` && strings.Contains(text, "'"),
		q == `'''` && (strings.Contains(text, "'''") || strings.HasSuffix(text, "'")):
		q = `"` // a literal string cannot hold it
	case q[0] == '"' && strings.ContainsAny(text, `\"`) && !strings.Contains(text, "'"):
		// A reply's escapes and quotes read as printed, not doubled.
		q = strings.Repeat("'", len(q))
	}
	value := q + text + q
	if q[0] == '"' {
		// A reply's text is printable: only \ and " need escapes.
		value = q + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(text) + q
	}
	return line[:col] + value + rest[end:], true
}

// literal is text as a TOML literal multi-line string; a text holding
// ”' cannot be one, and gets a basic string with its escapes doubled.
func literal(text, nl string) (string, error) {
	if !strings.Contains(text, "'''") && !strings.HasSuffix(text, "'") {
		return "'''" + nl + text + nl + "'''", nil
	}
	r := strings.NewReplacer(`\`, `\\`, `"""`, `\"\"\"`)
	return "\"\"\"" + nl + r.Replace(text) + nl + "\"\"\"", nil
}

// valueEnd is the last line of the value that starts on line i at column
// col: the same line for a one-line value, the closing line of a
// multi-line string.
func valueEnd(lines []string, i, col int) (int, error) {
	rest := lines[i][col:]
	for _, q := range []string{`"""`, `'''`} {
		if !strings.HasPrefix(rest, q) {
			continue
		}
		body := rest[len(q):]
		if strings.Contains(body, q) {
			return i, nil
		}
		for j := i + 1; j < len(lines); j++ {
			if idx := strings.Index(lines[j], q); idx >= 0 && (q == "'''" || idx == 0 || lines[j][idx-1] != '\\') {
				return j, nil
			}
		}
		return 0, fmt.Errorf("expect's %s has no end", q)
	}
	return i, nil
}
