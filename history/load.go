package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// LoadProblem is a line Load skipped. Problems are reported, never fatal:
// one bad line (a crash mid-write, a hand edit) must not hide the rest of
// the history.
type LoadProblem struct {
	Line int    // 1-based line number in the file
	Err  string // what was wrong with it
}

// String formats the problem for a status line or a log.
func (p LoadProblem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Err) }

// MaxLineBytes is the longest line Load reads; longer ones are skipped
// (and reported) without being held in memory. Append never writes a line
// near this size.
const MaxLineBytes = 64 << 20

// maxLine is MaxLineBytes, lowered by tests.
var maxLine = MaxLineBytes

// Load reads every entry, oldest first (file order). A missing file is an
// empty history. Torn, corrupt and overlong lines are skipped and listed
// in the problems; the error is only for a file that cannot be read.
func (s *Store) Load() ([]Entry, []LoadProblem, error) {
	f, err := openLocked(s.path, os.O_RDONLY, false)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load history: %w", err)
	}
	defer f.Close()
	entries, problems, err := parse(f)
	if err != nil {
		return entries, problems, fmt.Errorf("load history %s: %w", s.path, err)
	}
	return entries, problems, nil
}

// parse reads JSON Lines from r. It uses a bufio.Reader rather than a
// Scanner, whose 64 KiB token limit a long script would exceed.
func parse(r io.Reader) ([]Entry, []LoadProblem, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		entries  []Entry
		problems []LoadProblem
		buf      []byte
	)
	for n := 1; ; n++ {
		line, complete, tooLong, err := readLine(br, buf[:0])
		buf = line
		if err != nil && err != io.EOF {
			return entries, problems, err
		}
		if len(line) == 0 && !tooLong && err == io.EOF {
			return entries, problems, nil
		}
		switch trimmed := bytes.TrimSpace(line); {
		case tooLong:
			problems = append(problems, LoadProblem{n, fmt.Sprintf("line longer than %d bytes: skipped", maxLine)})
		case len(trimmed) == 0:
			// A blank line (a hand edit) is not worth a report.
		default:
			e, perr := decodeLine(trimmed)
			switch {
			case perr == nil:
				entries = append(entries, e)
			case !complete:
				problems = append(problems, LoadProblem{n, "incomplete last line (a write was interrupted): " + perr.Error()})
			default:
				problems = append(problems, LoadProblem{n, "not a history entry: " + perr.Error()})
			}
		}
		if err == io.EOF {
			return entries, problems, nil
		}
	}
}

// readLine reads one line into buf (without its newline). complete is
// false for a last line with no newline; tooLong is true when the line
// exceeded maxLine, in which case its bytes were discarded.
func readLine(br *bufio.Reader, buf []byte) (line []byte, complete, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxLine+1 { // +1: the newline
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			if !tooLong {
				buf = buf[:len(buf)-1]
			}
			return buf, true, tooLong, nil
		default:
			return buf, false, tooLong, err
		}
	}
}
