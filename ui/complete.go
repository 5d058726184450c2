package ui

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"luascope/redisx/resp"
)

// Path completion in the file prompts (ctrl+o, save as, alt+B), as a
// shell does it: tab completes the longest common prefix of the names
// that match in the directory typed (~ is the home directory, a relative
// path is relative to luascope's working directory); when that adds
// nothing and several names match, a second tab lists them. Directories
// end in "/"; hidden names are offered only when the typed name starts
// with ".". The directory is read in a command, never in Update.

// completeKey completes the file name in the path prompts.
var completeKey = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete the path (twice: list the matches)"))

// maxListed bounds the names a listing keeps: a prompt shows a few lines
// and "+N more", and a directory of a million files must not be copied.
const maxListed = 256

// pathCompletion is a prompt's completion state.
type pathCompletion struct {
	seq int // the last tab's: a listing for an older one is dropped
	// stuck is the value a tab could not extend while several names
	// match: a tab on the same value lists them.
	stuck   string
	isStuck bool
	list    []string // names shown under the input, escaped, dirs ending in /
	total   int      // how many matched, list holding at most maxListed
	note    string   // one line: "no match", "4 matches: tab again lists them", an error
}

// pathListedMsg is a tab's answer for the prompt p: the new value, or
// the matches to list, or why there are none.
type pathListedMsg struct {
	p     *prompt
	seq   int
	value string // the value the tab was pressed on
	next  string // the completed value ("" or value: nothing added)
	names []string
	total int
	list  bool // a second tab: show the names
	err   error
}

// apply updates the prompt the tab was pressed in, if it is still open
// and its value has not changed since; anything else is stale.
func (msg pathListedMsg) apply(m Model) (tea.Model, tea.Cmd) {
	p := m.prompt()
	if p == nil || p != msg.p || p.comp.seq != msg.seq || p.input.Value() != msg.value {
		return m, nil
	}
	c := pathCompletion{seq: p.comp.seq}
	switch {
	case msg.err != nil:
		c.note = sanitize(msg.err.Error())
	case msg.total == 0:
		c.note = "no match"
	case msg.next != "" && msg.next != msg.value:
		p.input.SetValue(msg.next)
		p.input.CursorEnd()
	case msg.total == 1:
		// The one match is typed out already.
	case msg.list:
		c.list, c.total = msg.names, msg.total
		c.stuck, c.isStuck = msg.value, true
	default:
		c.note = fmt.Sprintf("%d matches: tab again lists them", msg.total)
		c.stuck, c.isStuck = msg.value, true
	}
	p.comp = c
	return m, nil
}

// tab starts the completion of the prompt's value.
func (p *prompt) tab() tea.Cmd {
	p.comp.seq++
	v := p.input.Value()
	return listPathCmd(p, p.comp.seq, v, p.comp.isStuck && p.comp.stuck == v)
}

// listPathCmd reads the directory value names and completes its last
// element. It captures p only to name the prompt in its answer.
func listPathCmd(p *prompt, seq int, value string, list bool) tea.Cmd {
	return func() tea.Msg {
		msg := completePath(value, os.UserHomeDir, os.ReadDir, os.Stat)
		msg.p, msg.seq, msg.value, msg.list = p, seq, value, list
		return msg
	}
}

// completePath completes value's last path element from the entries of
// its directory; the file system is passed in so that tests can count
// what it does. The answer's value keeps what was typed before the last
// "/" as typed (a "~" stays a "~").
func completePath(value string, home func() (string, error), readDir func(string) ([]fs.DirEntry, error), stat func(string) (fs.FileInfo, error)) pathListedMsg {
	if value == "~" {
		return pathListedMsg{next: "~/", total: 1}
	}
	i := strings.LastIndex(value, "/")
	dirPart, base := value[:i+1], value[i+1:]
	dir := dirPart
	switch {
	case dir == "":
		dir = "."
	case strings.HasPrefix(dir, "~/"):
		h, err := home()
		if err != nil {
			return pathListedMsg{err: err}
		}
		dir = filepath.Join(h, dir[2:])
	}
	entries, err := readDir(dir)
	if err != nil && len(entries) == 0 {
		return pathListedMsg{err: fmt.Errorf("%s: %w", dirPart, unwrapPathErr(err))}
	}
	var names []string
	total, lcp, first := 0, "", true
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			if st, err := stat(filepath.Join(dir, name)); err == nil {
				isDir = st.IsDir()
			}
		}
		if isDir {
			name += "/"
		}
		total++
		if first {
			lcp, first = name, false
		} else {
			lcp = commonPrefix(lcp, name)
		}
		if len(names) < maxListed {
			names = append(names, name)
		}
	}
	if total == 0 {
		return pathListedMsg{next: value}
	}
	slices.Sort(names)
	// A completion types only what could be typed: it stops before a
	// control byte or invalid UTF-8 (listed escaped, never put raw in the
	// input line, which draws it as it is).
	lcp = typeable(lcp)
	for i, n := range names {
		names[i] = resp.Printable(n)
	}
	return pathListedMsg{next: dirPart + lcp, names: names, total: total}
}

// unwrapPathErr drops the path from a *fs.PathError: the prompt names
// the directory as typed.
func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// commonPrefix is the longest common prefix of a and b, cut at a whole
// rune.
func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && !utf8.RuneStart(a[n]) {
		n--
	}
	return a[:n]
}

// typeable is s up to its first character that the input line would
// have to draw escaped.
func typeable(s string) string {
	for i := 0; i < len(s); {
		_, n := utf8.DecodeRuneInString(s[i:])
		if r := s[i : i+n]; resp.Printable(r) != r {
			return s[:i]
		}
		i += n
	}
	return s
}

// completionLines draws a prompt's completion state in at most maxH
// lines of w cells: the note, or the names in columns and "+N more".
func (m Model) completionLines(c pathCompletion, w, maxH int) []string {
	if maxH <= 0 || w <= 0 {
		return nil
	}
	if c.note != "" {
		return []string{m.st.muted.Render(ansi.Truncate(c.note, w, "…"))}
	}
	if len(c.list) == 0 {
		return nil
	}
	colW := 0
	for _, n := range c.list {
		colW = max(colW, ansi.StringWidth(n)+2)
	}
	colW = min(colW, w)
	cols := max(1, w/colW)
	rows := min(maxH, (len(c.list)+cols-1)/cols)
	shown := min(len(c.list), rows*cols)
	if shown < c.total && rows == maxH {
		// Room for "+N more" on the last line.
		rows = max(1, rows-1)
		if maxH == 1 {
			rows = 0
		}
		shown = min(len(c.list), rows*cols)
	}
	var out []string
	for r := 0; r < rows; r++ {
		var b strings.Builder
		for col := 0; col < cols; col++ {
			i := r + col*rows // down the columns, as ls does
			if i >= shown {
				continue
			}
			n := ansi.Truncate(c.list[i], colW-1, "…")
			b.WriteString(n + strings.Repeat(" ", max(0, colW-ansi.StringWidth(n))))
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	if more := c.total - shown; more > 0 {
		out = append(out, m.st.muted.Render(fmt.Sprintf("+%d more", more)))
	}
	return out
}
