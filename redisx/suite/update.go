package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// caseHeader is a [[case]] line (with spaces or a comment after it).
var caseHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[\[\s*case\s*\]\]\s*(#.*)?$`) })

// subTable is a [case.keys_after] line or another table header: keys
// written after it belong to it, so an expect is never inserted there.
var tableHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[`) })

// expectKey is the start of an expect = … line.
var expectKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\s*)expect\s*=\s*`) })

// Update writes actual replies into the expect of cases of the file at
// path (by index), keeping everything else of the file as it is: the
// comments, the layout, the other cases. An existing expect value (a
// one-line string or a multi-line one) is replaced; a case without one
// gets expect right after its [[case]] line. The text goes in a literal
// multi-line string (”'), which takes backslashes and quotes as they are
// (a reply's escapes, \n and \", must stay as written).
func Update(path string, actual map[int]string) error {
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
	type edit struct {
		from, to int // lines [from, to) replaced
		text     string
	}
	var edits []edit
	for ci, text := range actual {
		if ci >= len(headers) {
			return fmt.Errorf("%s: case %d not found (the file changed?)", path, ci+1)
		}
		start, end := headers[ci], len(lines)
		if ci+1 < len(headers) {
			end = headers[ci+1]
		}
		value, err := literal(strings.ReplaceAll(text, "\n", nl), nl)
		if err != nil {
			return fmt.Errorf("%s: case %d: %w", path, ci+1, err)
		}
		done := false
		for i := start + 1; i < end && !done; i++ {
			l := lines[i]
			if tableHeader().MatchString(l) {
				break
			}
			m := expectKey().FindStringSubmatch(l)
			if m == nil {
				continue
			}
			last, err := valueEnd(lines, i, len(m[0]))
			if err != nil {
				return fmt.Errorf("%s: line %d: %w", path, i+1, err)
			}
			edits = append(edits, edit{i, last + 1, m[1] + "expect = " + value + nl})
			done = true
		}
		if !done {
			// After the case's last key, before a [case.…] table or the
			// next case (keys written after a table header belong to it).
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
			edits = append(edits, edit{at, at, "expect = " + value + nl})
		}
	}
	// Apply from the bottom so earlier line numbers hold.
	for i := 0; i < len(edits); i++ {
		for j := i + 1; j < len(edits); j++ {
			if edits[j].from > edits[i].from {
				edits[i], edits[j] = edits[j], edits[i]
			}
		}
	}
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
	if _, err := Load(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: not updated, the result would not read back: %w", path, err)
	}
	return os.Rename(tmp, path)
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
