package ui

import (
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/explain"
)

// sentSource is what a run sends: in explain mode the wrapped script,
// whose SHA is the one the cache state, SCRIPT LOAD and "load on all
// primaries" must be about.
func (m Model) sentSource() string {
	if m.explain && m.function == "" {
		return explain.Wrap(m.editor.Value())
	}
	return m.editor.Value()
}

// sentSHA is the SHA of sentSource; the plain script's comes from the
// editor's cache (hashing 300 KB on every message adds up), the wrapped
// one's from wrapped, once per revision of the text. The cache checks do
// not call it while that would hash (sentSHAJob); the answers they bring
// back find it computed.
func (m Model) sentSHA() string {
	if m.explain && m.function == "" {
		rev := m.editor.Revision()
		if sha, ok := m.wrapped.at(rev); ok {
			return sha
		}
		sha := redisx.SHA1(m.sentSource())
		m.wrapped.set(rev, sha)
		return sha
	}
	return m.editor.Script().SHA
}

// wrappedSHA is the SHA of the explain wrapper around the editor's text at
// revision rev: a run's cache checks ask for it several times (the check
// after the run, each node's answer), and wrapping and hashing a big
// script took ~15 ms each time (10 MB). Shared by the model's copies, and
// set by the commands that compute it, hence the lock.
type wrappedSHA struct {
	mu  sync.Mutex
	rev uint64
	sha string
}

// at is the SHA kept for revision rev, if that is the one kept.
func (w *wrappedSHA) at(rev uint64) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sha, w.sha != "" && w.rev == rev
}

func (w *wrappedSHA) set(rev uint64, sha string) {
	w.mu.Lock()
	w.rev, w.sha = rev, sha
	w.mu.Unlock()
}

// shaJob is the SHA of what the next run sends, as a cache check's
// command gets it: known already, or hashed (and in explain mode wrapped
// first) by the command, off the UI goroutine — ~15–25 ms for a 10 MB
// script that was just opened or edited.
type shaJob struct {
	sha     string      // known when the job was made
	rev     uint64      // the editor's revision src is the text of
	src     string      // the text to hash, when sha is not known
	wrapped *wrappedSHA // explain mode: where the wrapper's SHA is kept
}

// sentSHAJob is sentSHA for a command to finish.
func (m Model) sentSHAJob() shaJob {
	rev := m.editor.Revision()
	if m.explain && m.function == "" {
		if sha, ok := m.wrapped.at(rev); ok {
			return shaJob{sha: sha}
		}
		return shaJob{rev: rev, src: m.editor.Value(), wrapped: m.wrapped}
	}
	if sc, ok := m.editor.ScriptNow(); ok {
		return shaJob{sha: sc.SHA}
	}
	return shaJob{rev: rev, src: m.editor.Value()}
}

// do computes the SHA on the caller's goroutine. Hashing the plain text
// also gives its Script, which the answer hands to the editor
// (editor.SetScript): its title waits for that SHA too.
func (j shaJob) do() (sha string, script *redisx.Script) {
	switch {
	case j.sha != "":
		return j.sha, nil
	case j.wrapped != nil:
		sha := redisx.SHA1(explain.Wrap(j.src))
		j.wrapped.set(j.rev, sha)
		return sha, nil
	}
	sc := redisx.NewScript(j.src)
	return sc.SHA, &sc
}

// hashed is what a cache check brings back besides its answer: the
// editor's Script at rev when the check hashed it (shaJob.do).
type hashed struct {
	rev    uint64
	script *redisx.Script
}

// keep gives the editor the Script a check hashed, before the answer is
// compared with sentSHA (which then need not hash again).
func (m *Model) keep(h hashed) {
	if h.script != nil {
		m.editor.SetScript(h.rev, *h.script)
	}
}

func (m Model) checkCache() tea.Cmd {
	if m.session == nil {
		return nil
	}
	return checkCacheCmd(m.session, m.sentSHAJob())
}
