package ui

import (
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/redisx"
	"luascope/redisx/explain"
)

// sendsWrapper reports whether the next run sends the explain wrapper:
// explain mode, and a script (FCALL runs the library as loaded).
func (m Model) sendsWrapper() bool { return m.explain && m.function == "" }

// sentSource is what a run sends: in explain mode the wrapped script,
// whose SHA is the one the cache state, SCRIPT LOAD and "load on all
// primaries" must be about.
func (m Model) sentSource() string {
	if m.sendsWrapper() {
		return explain.Wrap(m.editor.Value())
	}
	return m.editor.Value()
}

// sentSHANow is the SHA of sentSource when that costs no hashing of a
// big text (the editor's cache of the plain script's, wrapped's of the
// explain wrapper's): false while it is not known yet. A cache check's answer about
// the current text always finds it (the check hashed it, or it was known
// when the check was made), so an answer that finds none is about an
// older text and is dropped, without hashing the new one to learn that.
func (m Model) sentSHANow() (string, bool) {
	if m.sendsWrapper() {
		return m.wrapped.at(m.editor.Revision())
	}
	if sc, ok := m.editor.ScriptNow(); ok {
		return sc.SHA, true
	}
	return "", false
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

// set keeps sha for rev, unless a newer revision's is kept already (a
// check made before an edit may finish after one made after it).
func (w *wrappedSHA) set(rev uint64, sha string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sha != "" && rev < w.rev {
		return
	}
	w.rev, w.sha = rev, sha
}

// shaJob is the SHA of what the next run sends, as a cache check's
// command gets it: known already, or hashed (and in explain mode wrapped
// first) by the command, off the UI goroutine — ~15–25 ms for a 10 MB
// script that was just opened or edited. The commands made from one job
// (the check and the cluster's per-node check) share one hashing.
type shaJob struct {
	sha     string      // known when the job was made
	rev     uint64      // the editor's revision src is the text of
	src     string      // the text to hash, when sha is not known
	wrapped *wrappedSHA // explain mode: where the wrapper's SHA is kept
	once    *shaOnce    // the hashing, done once for all its commands
}

// shaOnce is a job's hashing and its result.
type shaOnce struct {
	sync.Once
	sha    string
	script *redisx.Script
}

// sentSHAJob is the SHA of sentSource for a command to get: known now
// (sentSHANow), or the text for it to hash.
func (m Model) sentSHAJob() shaJob {
	if sha, ok := m.sentSHANow(); ok {
		return shaJob{sha: sha}
	}
	j := shaJob{rev: m.editor.Revision(), src: m.editor.Value(), once: &shaOnce{}}
	if m.sendsWrapper() {
		j.wrapped = m.wrapped
	}
	return j
}

// do computes the SHA on the caller's goroutine. Hashing the plain text
// also gives its Script, which the answer hands to the editor
// (editor.SetScript): its title waits for that SHA too.
func (j shaJob) do() (sha string, script *redisx.Script) {
	if j.sha != "" {
		return j.sha, nil
	}
	j.once.Do(func() {
		if j.wrapped != nil {
			j.once.sha = redisx.SHA1(explain.Wrap(j.src))
			j.wrapped.set(j.rev, j.once.sha)
			return
		}
		sc := redisx.NewScript(j.src)
		j.once.sha, j.once.script = sc.SHA, &sc
	})
	return j.once.sha, j.once.script
}

// hashesText reports whether the job hashes the editor's plain text (and
// so gives the editor its Script, as hashNow would).
func (j shaJob) hashesText() bool { return j.sha == "" && j.wrapped == nil }

// hashed is what a cache check brings back besides its answer: the
// editor's Script at rev when the check hashed it (shaJob.do).
type hashed struct {
	rev    uint64
	script *redisx.Script
}

// answersNext reports whether a cache check's answer about sha is about
// what the next run sends, after giving the editor the Script the check
// hashed (h), so that sentSHANow knows it. An answer about an older text
// (or the other mode's script) is not, and nothing is hashed to say so.
func (m *Model) answersNext(sha string, h hashed) bool {
	if h.script != nil {
		m.editor.SetScript(h.rev, *h.script)
	}
	now, ok := m.sentSHANow()
	return ok && now == sha
}

func (m Model) checkCache() tea.Cmd {
	if m.session == nil {
		return nil
	}
	return checkCacheCmd(m.session, m.sentSHAJob())
}

// checkCacheAll is checkCache and, on a cluster, refreshCluster, sharing
// one hashing of the text.
func (m Model) checkCacheAll() tea.Cmd {
	if m.session == nil {
		return nil
	}
	job := m.sentSHAJob()
	return tea.Batch(checkCacheCmd(m.session, job), m.refreshClusterFor(job))
}
