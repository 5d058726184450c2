package history

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/adrg/xdg"
)

// Options tune a Store; the zero value is the default.
type Options struct {
	// MaxBytes is the size past which the file is rotated (default 8 MiB):
	// history is for recent runs, and Load reads the whole file.
	MaxBytes int64
	// KeepBytes is how much of the newest history a rotation keeps
	// (default MaxBytes/2), so rotations are rare rather than happening on
	// every append once the file is full.
	KeepBytes int64
	// Sync fsyncs after every append. Off by default: a crash loses at
	// most the last runs, and the TUI should not wait on the disk.
	Sync bool
}

// DefaultMaxBytes is Options.MaxBytes when it is not set.
const DefaultMaxBytes = 8 << 20

// Store appends to and reads one history file. It holds no open file
// between calls, so a rotation by another process is always seen, and it
// is safe for concurrent use.
type Store struct {
	path string
	opt  Options
	mu   sync.Mutex // serialises this process's appends before the flock
	now  func() time.Time
}

// DefaultPath is $XDG_STATE_HOME/luascope/history.jsonl: history is state
// (worth keeping, not worth backing up), not config or cache. It creates
// the luascope directory (0700) if needed.
func DefaultPath() (string, error) {
	p, err := xdg.StateFile(filepath.Join("luascope", "history.jsonl"))
	if err != nil {
		return "", fmt.Errorf("history path: %w", err)
	}
	return p, nil
}

// Open prepares the history file at path: it creates the parent
// directory (0700) and the file (0600), and narrows the mode of an
// existing file that others could read, because scripts, keys and
// arguments may be sensitive.
func Open(path string, opt Options) (*Store, error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.KeepBytes <= 0 || opt.KeepBytes >= opt.MaxBytes {
		opt.KeepBytes = opt.MaxBytes / 2
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open history: %w", err)
	}
	f, err := openFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND)
	if err != nil {
		return nil, fmt.Errorf("open history: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open history %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open history %s: not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return nil, fmt.Errorf("open history: restrict mode of %s: %w", path, err)
		}
	}
	return &Store{path: path, opt: opt, now: time.Now}, nil
}

// Path is the file's location, for the UI's "history: …" line and for
// users who want to grep it.
func (s *Store) Path() string { return s.path }

// Append records one run as one line. The entry is redacted and capped
// (see prepare) before it is written; the caller's slices are not
// modified.
func (s *Store) Append(e Entry) error {
	line, err := encode(prepare(e, s.now()).toWire())
	if err != nil {
		return fmt.Errorf("append history: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := openLocked(s.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, true)
	if err != nil {
		return fmt.Errorf("append history: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("append history %s: %w", s.path, err)
	}
	size := st.Size()
	if size > 0 {
		// A crash may have left a torn last line without its newline: end
		// it first, in the same write, or this entry would be glued to it.
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, size-1); err != nil {
			return fmt.Errorf("append history %s: %w", s.path, err)
		}
		if last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	// One write(2) of the whole line: O_APPEND puts it at the end in one
	// piece, so earlier entries are never at risk.
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("append history %s: %w", s.path, err)
	}
	if s.opt.Sync {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("append history %s: sync: %w", s.path, err)
		}
	}
	if size+int64(len(line)) > s.opt.MaxBytes {
		if err := s.rotate(f); err != nil {
			return fmt.Errorf("append history: %w", err)
		}
	}
	return nil
}

// openLocked opens path and locks it, retrying when the file it locked is
// no longer the one at path (another process rotated it meanwhile), so
// that nothing is written to, or read from, a file already replaced.
func openLocked(path string, flag int, exclusive bool) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		f, err := openFile(path, flag)
		if err != nil {
			return nil, err
		}
		if err := lockFile(f, exclusive); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err := errors.Join(err1, err2); err != nil && !errors.Is(err2, os.ErrNotExist) {
			f.Close()
			return nil, err
		}
		if err2 == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close()
		if attempt >= 100 {
			return nil, fmt.Errorf("lock %s: the file keeps being replaced", path)
		}
	}
}

// readAll reads f from its start (it was opened with O_APPEND).
func readAll(f *os.File) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.NewSectionReader(f, 0, st.Size()))
}
