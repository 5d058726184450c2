package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// rotate replaces the file with its newest lines that fit in KeepBytes.
// The caller holds the exclusive lock on f. The new content is written to
// a temporary file in the same directory, synced and renamed over the old
// one, so a crash leaves either the old file or the new one, never half of
// each. Lines that are not JSON (torn by a crash) are dropped on the way.
func (s *Store) rotate(f *os.File) error {
	data, err := readAll(f)
	if err != nil {
		return fmt.Errorf("rotate %s: %w", s.path, err)
	}
	kept := keepNewest(data, s.opt.KeepBytes)

	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("rotate %s: %w", s.path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("rotate %s: %w", s.path, err)
	}
	if _, err := tmp.Write(kept); err != nil {
		return fmt.Errorf("rotate %s: %w", s.path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("rotate %s: sync: %w", s.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("rotate %s: %w", s.path, err)
	}
	if err := replaceFile(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("rotate %s: %w", s.path, err)
	}
	done = true
	// Make the rename itself durable; failing to is not worth an error.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// keepNewest returns the longest run of newest whole, valid lines whose
// total size is at most keep. The newest line is kept even when it alone
// is larger, so the run just appended is never lost.
func keepNewest(data []byte, keep int64) []byte {
	var lines [][]byte
	var total int64
	end := len(data)
	for end > 0 {
		start := bytes.LastIndexByte(data[:end-1], '\n') + 1
		line := data[start:end]
		end = start
		if line[len(line)-1] != '\n' || !json.Valid(line) {
			continue
		}
		if total+int64(len(line)) > keep && len(lines) > 0 {
			break
		}
		lines = append(lines, line)
		total += int64(len(line))
	}
	out := make([]byte, 0, total)
	for i := len(lines) - 1; i >= 0; i-- {
		out = append(out, lines[i]...)
	}
	return out
}
