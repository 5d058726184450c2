package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"luascope/history"
	"luascope/redisx"
	"luascope/redisx/batch"
	"luascope/redisx/lint"
	"luascope/redisx/resp"
)

// Messages: past-tense nouns, each with its data and err.
type (
	runStartedMsg struct {
		seq int
		ch  chan tea.Msg
	}
	stepTracedMsg struct {
		seq  int
		step redisx.Step
	}
	runFinishedMsg struct {
		seq  int
		call redisx.Call
		res  redisx.Result
	}
	cacheCheckedMsg struct {
		sha    string
		exists bool
		err    error
		hashed hashed
	}
	adminDoneMsg struct {
		what  string
		reply *resp.Value
		err   error
	}
	fileLoadedMsg struct {
		path, src string
		mod       time.Time
		err       error
	}
	fileSavedMsg struct {
		path     string
		mod      time.Time
		conflict string // why the save needs a confirmation first
		err      error
	}
	externalEditedMsg struct {
		src string
		err error
	}
	fileChangedMsg struct {
		src string
		err error
	}
	sessionReadyMsg struct {
		session *redisx.Session
		target  redisx.Target
		err     error
	}
	historyLoadedMsg struct {
		entries  []history.Entry
		problems []history.LoadProblem
		err      error
	}
	historyAppendedMsg struct {
		entry history.Entry
		err   error
	}
	batchStartedMsg struct {
		ch chan tea.Msg
	}
	batchProgressedMsg struct{ p batch.Progress }
	batchFinishedMsg   struct {
		report string
		code   int
		err    error
	}
	lintDueMsg  struct{ rev uint64 }
	lintDoneMsg struct {
		rev      uint64
		opt      lint.Options
		findings []lint.Finding
		run      bool // a protected run waits for it (guardLintCmd)
	}
)

// runScriptCmd runs call on s in the background. The steps come back one
// by one through a channel, so the trace draws them as they happen;
// waitRunCmd reads the next one. Everything the goroutine needs is
// captured by value: it never touches the model.
func runScriptCmd(s *redisx.Session, call redisx.Call, seq int) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan tea.Msg, 64)
		go func() {
			defer close(ch)
			defer recoverInto(ch)
			if call.Function == "" {
				call.Script = call.Script.Hashed() // startRun may leave a big script to hash here
			}
			res := s.Run(context.Background(), call, func(st redisx.Step) {
				ch <- stepTracedMsg{seq: seq, step: st}
			})
			ch <- runFinishedMsg{seq: seq, call: call, res: res}
		}()
		return runStartedMsg{seq: seq, ch: ch}
	}
}

func waitRunCmd(ch chan tea.Msg) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func checkCacheCmd(s *redisx.Session, job shaJob) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		sha, sc := job.do()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ok, err := s.ScriptExists(ctx, sha)
		return cacheCheckedMsg{sha: sha, exists: ok, err: err, hashed: hashed{job.rev, sc}}
	}
}

// killOn is where a kill (SCRIPT KILL or FUNCTION KILL) goes, for the
// question, and the command that sends it: on a cluster the node the
// script runs on (addr; the seed when unknown), elsewhere the server,
// on the session's second connection.
func (m Model) killOn(addr, kill string) (where string, cmd tea.Cmd) {
	words := strings.Fields(kill)
	if !m.isCluster() || addr == "" {
		return sanitize(m.target.String()), adminCmd(m.session, kill, words[0], words[1])
	}
	s := m.session
	return "node " + sanitize(addr), func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		v, err := s.OnNode(ctx, addr, words[0], words[1])
		return adminDoneMsg{what: kill + " on " + addr, reply: v, err: err}
	}
}

// adminCmd sends one command on the session's second connection.
func adminCmd(s *redisx.Session, what string, args ...any) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		v, err := s.Admin(ctx, args...)
		return adminDoneMsg{what: what, reply: v, err: err}
	}
}

func connectCmd(connect func(redisx.Target) (*redisx.Session, error), t redisx.Target) tea.Cmd {
	return func() tea.Msg {
		s, err := connect(t)
		return sessionReadyMsg{session: s, target: t, err: err}
	}
}

// maxScriptFile bounds what ctrl+o reads: a script, not a binary.
const maxScriptFile = 16 << 20

func loadFileCmd(path string) tea.Cmd {
	return func() tea.Msg {
		src, err := readScriptFile(path)
		msg := fileLoadedMsg{path: path, src: src, err: err}
		if st, serr := os.Stat(path); serr == nil {
			msg.mod = st.ModTime()
		}
		return msg
	}
}

func readScriptFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	if st.IsDir() {
		return "", fmt.Errorf("open %s: is a directory", path)
	}
	if st.Size() > maxScriptFile {
		return "", fmt.Errorf("open %s: %d MiB is too large for a script", path, st.Size()>>20)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", fmt.Errorf("open %s: it holds NUL bytes, so it is not a Lua script (a binary?)", path)
	}
	return string(b), nil
}

// saveFileCmd writes through a temporary file and a rename, so a crash
// mid-save never leaves half a script. Unless force is set it first makes
// sure it replaces nothing the user has not seen: with a zero mod time the
// file must not exist (save as), otherwise it must not have changed on
// disk since it was read.
func saveFileCmd(path, src string, mod time.Time, force bool) tea.Cmd {
	return func() tea.Msg {
		if !force {
			st, err := os.Stat(path)
			switch {
			case err == nil && mod.IsZero():
				return fileSavedMsg{path: path, conflict: path + " already exists. Replace it?"}
			case err == nil && !st.ModTime().Equal(mod):
				return fileSavedMsg{path: path, conflict: path + " changed on disk since luascope read it (another program wrote it). Overwrite those changes?"}
			}
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && src != "" && !strings.HasSuffix(src, "\n") {
			// A new file ends its last line, as editors and POSIX tools
			// expect; a file that exists keeps the ending it has.
			src += "\n"
		}
		msg := fileSavedMsg{path: path, err: writeFileAtomic(path, src)}
		if st, err := os.Stat(path); err == nil {
			msg.mod = st.ModTime()
		}
		return msg
	}
}

func writeFileAtomic(path, src string) error {
	dir := filepath.Dir(path)
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, ".luascope-*.lua")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.WriteString(src)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

func loadHistoryCmd(h *history.Store) tea.Cmd {
	return func() tea.Msg {
		entries, problems, err := h.Load()
		return historyLoadedMsg{entries: entries, problems: problems, err: err}
	}
}

func appendHistoryCmd(h *history.Store, e history.Entry) tea.Cmd {
	return func() tea.Msg {
		return historyAppendedMsg{entry: e, err: h.Append(e)}
	}
}

func topologyCmd(s *redisx.Session) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		top, err := s.Topology(ctx)
		return topologyLoadedMsg{top: top, err: err}
	}
}

// nodeCacheCmd asks every node whether it holds the script (SCRIPT
// EXISTS): a failover leaves the new primary with an empty cache.
func nodeCacheCmd(s *redisx.Session, job shaJob) tea.Cmd {
	return func() tea.Msg {
		sha, sc := job.do()
		h := hashed{job.rev, sc}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := s.ScriptCacheByNode(ctx, sha)
		if err != nil {
			return nodeCacheLoadedMsg{sha: sha, err: err, hashed: h}
		}
		cached := map[string]bool{}
		for _, r := range res {
			if r.Err == nil {
				cached[r.Node.Addr] = r.Cached
			}
		}
		return nodeCacheLoadedMsg{sha: sha, cached: cached, hashed: h}
	}
}

// loadAllCmd loads the script on every primary at once.
func loadAllCmd(s *redisx.Session, src string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := s.LoadOnAllPrimaries(ctx, src)
		if err != nil {
			return adminDoneMsg{what: "SCRIPT LOAD on all primaries", err: err}
		}
		failed := 0
		for _, r := range res {
			if r.Err != nil || (r.Reply != nil && r.Reply.Kind == resp.Error) {
				failed++
			}
		}
		v := resp.Value{Kind: resp.Status, Str: []byte(fmt.Sprintf("loaded on %d of %d primaries", len(res)-failed, len(res)))}
		return adminDoneMsg{what: "SCRIPT LOAD on all primaries", reply: &v}
	}
}

func librariesCmd(s *redisx.Session) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		libs, err := s.Libraries(ctx)
		return librariesLoadedMsg{libs: libs, err: err}
	}
}

// loadLibraryCmd sends FUNCTION LOAD REPLACE, then lists the libraries again.
func loadLibraryCmd(s *redisx.Session, code string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		v, err := s.Admin(ctx, "FUNCTION", "LOAD", "REPLACE", code)
		if err == nil && v.Kind == resp.Error {
			return adminDoneMsg{what: "FUNCTION LOAD", reply: v}
		}
		if err != nil {
			return adminDoneMsg{what: "FUNCTION LOAD", err: err}
		}
		libs, lerr := s.Libraries(ctx)
		return librariesLoadedMsg{libs: libs, err: lerr}
	}
}

// lintCmd lints a script off the UI goroutine (a 10,000-line script
// takes tens of milliseconds, a megabyte half a second).
func lintCmd(src string, rev uint64, opt lint.Options) tea.Cmd {
	return func() tea.Msg {
		return lintDoneMsg{rev: rev, opt: opt, findings: lint.Lint(src, opt)}
	}
}

// guardLintCmd lints the whole script, whatever its size, for a run on
// a protected connection that waits for the verdict: the budget cannot
// apply where the lint is the guard.
func guardLintCmd(src string, rev uint64, opt lint.Options) tea.Cmd {
	whole := opt
	whole.MaxBytes = 0
	return func() tea.Msg {
		// Recorded under the editor's options: a whole lint answers
		// for a budgeted one too.
		return lintDoneMsg{rev: rev, opt: opt, findings: lint.Lint(src, whole), run: true}
	}
}

// batchCmd runs the script over every line of path (luascope batch's
// engine); progress and the report come back through a channel, like a
// run's steps.
func batchCmd(s *redisx.Session, src, path string, strategy redisx.Strategy, ro bool) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan tea.Msg, 16)
		go func() {
			defer close(ch)
			defer recoverInto(ch)
			f, err := os.Open(path)
			if err != nil {
				ch <- batchFinishedMsg{err: fmt.Errorf("batch input: %w", err)}
				return
			}
			defer f.Close()
			rep, err := batch.Run(context.Background(), s, redisx.NewScript(src), f, batch.Options{
				Strategy: strategy, ReadOnly: ro,
				OnProgress: func(p batch.Progress) {
					select {
					case ch <- batchProgressedMsg{p: p}:
					default: // the UI is busy: skip a progress tick, never block the batch
					}
				},
			})
			if err != nil {
				ch <- batchFinishedMsg{err: err}
				return
			}
			var b strings.Builder
			_ = rep.WriteText(&b)
			ch <- batchFinishedMsg{report: b.String(), code: rep.ExitCode()}
		}()
		return batchStartedMsg{ch: ch}
	}
}
