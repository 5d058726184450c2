package suite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/examples"
	"luascope/redisx"
	"luascope/redisx/compare"
	"luascope/redisx/resp"
	"luascope/redisx/sandbox"
)

// Outcome is what became of a case.
type Outcome string

// The outcomes: passed, failed (an expectation did not hold), skipped
// (skip = "why", or --run left it out is not reported at all), and error
// (the case could not run: a setup command failed, a server went away).
const (
	Pass  Outcome = "pass"
	Fail  Outcome = "fail"
	Skip  Outcome = "skip"
	Error Outcome = "error"
)

// CaseResult is one case's run on one server.
type CaseResult struct {
	File     string        `json:"file"`
	Case     string        `json:"case"`
	Outcome  Outcome       `json:"outcome"`
	Duration time.Duration `json:"-"`
	// Failures say what did not hold, one per line, escaped.
	Failures []string `json:"failures,omitempty"`
	// Actual is the last reply as `luascope run` prints it (what --update
	// writes into expect); "" when no reply came.
	Actual string `json:"actual,omitempty"`
	// Report is the last run's report (steps, reply, error, effects).
	Report *redisx.Report `json:"report,omitempty"`

	fileIndex, caseIndex int
	// keysFailed and lossyFailed say the case failed on keys_after or on
	// a lossy conversion, which --update does not fix.
	keysFailed, lossyFailed bool
}

// ServerResult is a whole suite's run on one server.
type ServerResult struct {
	Name   string `json:"name"`   // "redis 7.0.15"
	Binary string `json:"binary"` // the sandbox's binary
	// Target is --target's URL, its password masked; "" on sandboxes.
	Target string       `json:"target,omitempty"`
	Cases  []CaseResult `json:"cases"`
	// Err is why the server could not run the suite (it did not start).
	Err string `json:"error,omitempty"`
	// Startup is the time spent starting sandboxes (and clusters) and
	// connecting to them, Recovery the time spent replacing a sandbox a
	// case spoiled (a server left busy, crashed, reconfigured): summed
	// over the workers, and in no case's Duration, which is the case's own
	// run only.
	Startup, Recovery time.Duration `json:"-"`
}

// Counts are a run's totals.
type Counts struct {
	Passed, Failed, Skipped, Errors int
}

// Count totals the cases of the results.
func Count(results []ServerResult) Counts {
	var c Counts
	for _, s := range results {
		for _, r := range s.Cases {
			switch r.Outcome {
			case Pass:
				c.Passed++
			case Fail:
				c.Failed++
			case Skip:
				c.Skipped++
			case Error:
				c.Errors++
			}
		}
	}
	return c
}

// Options control a run.
type Options struct {
	// Binaries are the servers, each its own run of the suite; empty is
	// one run on the sandbox's default server (sandbox.FindBinary).
	Binaries []string
	// Jobs is how many cases run at once per server, each worker on its
	// own sandbox; 0 means 1.
	Jobs int
	// Filter keeps the cases whose "file: name" it matches; nil keeps all.
	Filter *regexp.Regexp
	// Timeout bounds each command; 0 means 10s.
	Timeout time.Duration
	// Target, when set, is a server the user named (luascope test
	// --target URL --allow-flush) to run on instead of sandboxes: one
	// worker, emptied between cases like a sandbox. Binaries are ignored.
	Target *redisx.Target
}

// job is one case to run.
type job struct {
	fi, ci int
}

// Run runs the cases of files on each server, Jobs at a time per server,
// each case on an emptied server (FLUSHALL, SCRIPT FLUSH, FUNCTION
// FLUSH). done is called with each result in file and case order, as soon
// as it and every one before it are known (as go test -v prints), from
// one goroutine at a time; it may be nil.
func Run(ctx context.Context, files []*File, opt Options, done func(server string, r CaseResult)) []ServerResult {
	bins := opt.Binaries
	if len(bins) == 0 || opt.Target != nil {
		bins = []string{""}
	}
	if opt.Target != nil {
		opt.Jobs = 1 // one server: cases emptying it must not overlap
	}
	if opt.Jobs <= 0 {
		opt.Jobs = 1
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	var jobs []job
	for fi, f := range files {
		for ci, c := range f.Cases {
			if Selected(opt.Filter, f, c) {
				jobs = append(jobs, job{fi, ci})
			}
		}
	}
	var out []ServerResult
	var mu sync.Mutex // done is called by one goroutine at a time
	for _, bin := range bins {
		if bin == "" && opt.Target == nil {
			// The default server, resolved as the sandbox resolves it
			// ($LUASCOPE_REDIS_SERVER, then PATH): the result names the
			// binary that ran, as compare --json does.
			if p, err := sandbox.FindBinary(); err == nil {
				bin = p
			}
		}
		sr := ServerResult{Binary: bin}
		if opt.Target != nil {
			sr.Target = opt.Target.String()
		}
		results := make([]CaseResult, len(jobs))
		ready := make([]bool, len(jobs))
		next := 0
		publish := func(i int, r CaseResult) {
			mu.Lock()
			defer mu.Unlock()
			results[i], ready[i] = r, true
			for next < len(jobs) && ready[next] {
				if done != nil {
					name := sr.Name
					if name == "" {
						// Not started (yet): the binary says which.
						name = cmp.Or(bin, "the sandbox's server")
						if opt.Target != nil {
							name = opt.Target.String()
						}
					}
					done(name, results[next])
				}
				next++
			}
		}
		queue := make(chan int)
		var wg sync.WaitGroup
		var nameOnce sync.Once
		var startErr error
		var errOnce sync.Once
		for range min(opt.Jobs, max(1, len(jobs))) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := &worker{bin: bin, timeout: opt.Timeout, target: opt.Target}
				defer w.close()
				defer func() {
					mu.Lock()
					sr.Startup += w.startup
					sr.Recovery += w.recovery
					mu.Unlock()
				}()
				if w.target != nil && len(jobs) > 0 {
					// The server's name (INFO server) heads the output
					// even when the first file cannot run there (cluster
					// = true); a server that does not answer fails every
					// case at once, as a sandbox that does not start.
					if _, err := w.session(ctx, &File{RESP: 2}); err != nil {
						w.startErr = err
					}
				}
				for i := range queue {
					j := jobs[i]
					r := w.run(ctx, files[j.fi], j.fi, j.ci)
					if w.name != "" {
						nameOnce.Do(func() {
							mu.Lock()
							sr.Name = w.name
							mu.Unlock()
						})
					}
					if w.startErr != nil {
						errOnce.Do(func() { startErr = w.startErr })
					}
					publish(i, r)
				}
			}()
		}
		for i := range jobs {
			select {
			case queue <- i:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				break
			}
		}
		close(queue)
		wg.Wait()
		if startErr != nil {
			sr.Err = startErr.Error()
		}
		if sr.Name == "" {
			sr.Name = cmp.Or(bin, "the sandbox's server")
			if opt.Target != nil {
				sr.Name = opt.Target.String()
			}
		}
		for i, ok := range ready {
			if ok {
				sr.Cases = append(sr.Cases, results[i])
			}
		}
		out = append(out, sr)
	}
	return out
}

// worker is one sandbox (started when first needed) and its sessions.
type worker struct {
	bin      string
	timeout  time.Duration
	srv      *sandbox.Server
	cl       *sandbox.Cluster
	sessions map[[2]int]*redisx.Session // {cluster, protocol}
	name     string
	startErr error
	target   *redisx.Target // a named server instead of sandboxes
	// startup and recovery are the worker's time spent starting servers
	// and replacing spoiled ones, kept out of the cases' durations.
	startup, recovery time.Duration
}

func (w *worker) close() {
	for _, s := range w.sessions {
		_ = s.Close()
	}
	if w.srv != nil {
		_ = w.srv.Stop()
	}
	if w.cl != nil {
		_ = w.cl.Stop()
	}
}

// errClusterOnTarget is why a cluster = true file's cases do not run on
// --target: they need a cluster of their own to route keys by slot. It is
// the file's problem, not the server's: the other files still run.
var errClusterOnTarget = errors.New("cluster = true files run on a sandbox cluster, not on --target (run this file without --target)")

// session is the worker's session for a file: standalone or cluster,
// RESP2 or RESP3, started and connected the first time.
func (w *worker) session(ctx context.Context, f *File) (*redisx.Session, error) {
	if w.sessions == nil {
		w.sessions = map[[2]int]*redisx.Session{}
	}
	key := [2]int{0, f.RESP}
	if f.Cluster {
		key[0] = 1
	}
	if s := w.sessions[key]; s != nil {
		return s, nil
	}
	if w.startErr != nil {
		// A server that did not start once will not for the next case:
		// every case of this worker reports the same, at once.
		return nil, w.startErr
	}
	if !(w.target != nil && f.Cluster) {
		// Starting a server (a cluster takes seconds) and connecting is
		// not the case's time: the first case would carry it.
		t0 := time.Now()
		defer func() { w.startup += time.Since(t0) }()
	}
	t := redisx.Target{Protocol: f.RESP, Label: "sandbox", Timeout: w.timeout}
	switch {
	case w.target != nil && f.Cluster:
		return nil, errClusterOnTarget
	case w.target != nil:
		t = *w.target
		t.Protocol = f.RESP
		if t.Timeout <= 0 {
			t.Timeout = w.timeout
		}
	case f.Cluster:
		if w.cl == nil {
			cl, err := sandbox.StartCluster(ctx, sandbox.ClusterOptions{Options: sandbox.Options{Binary: w.bin}, ReplicasPerPrimary: -1})
			if err != nil {
				return nil, err
			}
			w.cl = cl
		}
		t.Network, t.Addr, t.Cluster = "tcp", w.cl.Addrs()[0], true
	default:
		if w.srv == nil {
			srv, err := sandbox.Start(ctx, sandbox.Options{Binary: w.bin})
			if err != nil {
				return nil, err
			}
			w.srv = srv
		}
		t.Network, t.Addr = w.srv.Network(), w.srv.Addr()
	}
	s, err := redisx.Connect(ctx, t)
	if err != nil {
		return nil, err
	}
	w.sessions[key] = s
	if w.name == "" {
		info := s.Info()
		w.name = info.Flavor + " " + info.Version
	}
	return s, nil
}

// restart stops the worker's sandbox of f's kind (standalone or cluster),
// so that the next session starts a fresh one; false for --target, which
// cannot be restarted.
func (w *worker) restart(ctx context.Context, f *File) bool {
	if w.target != nil {
		return false
	}
	for k, s := range w.sessions {
		if (k[0] == 1) == f.Cluster {
			_ = s.Close()
			delete(w.sessions, k)
		}
	}
	if f.Cluster && w.cl != nil {
		_ = w.cl.Stop()
		w.cl = nil
	}
	if !f.Cluster && w.srv != nil {
		_ = w.srv.Stop()
		w.srv = nil
	}
	return true
}

// flush empties the server(s) of the file's kind: data, scripts, functions.
func (w *worker) flush(ctx context.Context, f *File) error {
	cmds := [][]any{{"FLUSHALL"}, {"SCRIPT", "FLUSH"}, {"FUNCTION", "FLUSH"}}
	if w.target != nil {
		// A named server: only the database its URL selects.
		cmds[0] = []any{"FLUSHDB"}
	}
	do := func(c *redis.Client) error {
		for _, cmd := range cmds {
			if err := c.Do(ctx, cmd...).Err(); err != nil && !(cmd[0] == "FUNCTION" && strings.Contains(err.Error(), "unknown command")) {
				return fmt.Errorf("%s: %w", fmt.Sprint(cmd...), err)
			}
		}
		return nil
	}
	if f.Cluster {
		c := w.cl.Client()
		defer c.Close()
		return c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return do(n) })
	}
	c, err := w.client()
	if err != nil {
		return err
	}
	defer c.Close()
	return do(c)
}

// client is a go-redis client of the worker's standalone server (the
// sandbox, or --target) for emptying it and loading libraries.
func (w *worker) client() (*redis.Client, error) {
	if w.target != nil {
		o, err := w.target.Options()
		if err != nil {
			return nil, err
		}
		return redis.NewClient(o), nil
	}
	return w.srv.Client(), nil
}

// run runs one case and checks it.
func (w *worker) run(ctx context.Context, f *File, fi, ci int) (r CaseResult) {
	c := f.Cases[ci]
	r = CaseResult{File: f.Path, Case: c.Name, fileIndex: fi, caseIndex: ci}
	start, before := time.Now(), w.startup+w.recovery
	// The case's own run: a server started or replaced meanwhile is
	// counted apart (ServerResult.Startup, Recovery).
	defer func() { r.Duration = max(0, time.Since(start)-(w.startup+w.recovery-before)) }()
	if c.Skip != "" {
		r.Outcome, r.Failures = Skip, []string{c.Skip}
		return r
	}
	fail := func(o Outcome, format string, args ...any) CaseResult {
		r.Outcome = o
		r.Failures = append(r.Failures, resp.Printable(fmt.Sprintf(format, args...)))
		return r
	}
	s, err := w.session(ctx, f)
	if errors.Is(err, errClusterOnTarget) {
		return fail(Error, "%v", err)
	}
	if err != nil {
		if w.startErr == nil {
			w.startErr = err
		}
		return fail(Error, "server: %v", err)
	}
	flushStart, startupBefore := time.Now(), w.startup
	if err := w.flush(ctx, f); err != nil {
		// A case before may have left the server busy (a script past its
		// time limit), crashed (error({}) on 7.0) or shut down: a sandbox
		// is started afresh, so one case cannot fail the ones after it.
		if w.target != nil || !w.restart(ctx, f) {
			return fail(Error, "emptying the server: %v", err)
		}
		first := err
		if s, err = w.session(ctx, f); err == nil {
			err = w.flush(ctx, f)
		}
		// From the failed flush to the new server emptied is recovery
		// from the case before, not this case's time (nor start-up).
		w.startup = startupBefore
		w.recovery += time.Since(flushStart)
		if err != nil {
			return fail(Error, "emptying the server (%v), then starting a new one: %v", first, err)
		}
	}
	for _, cmd := range append(slices.Clone(f.Setup), c.Setup...) {
		if strings.EqualFold(cmd[0], "CONFIG") || strings.EqualFold(cmd[0], "SHUTDOWN") || strings.EqualFold(cmd[0], "DEBUG") {
			// Not undone by emptying: the next case gets a new sandbox.
			defer func() {
				t0 := time.Now()
				if w.restart(ctx, f) {
					w.recovery += time.Since(t0)
				}
			}()
			break
		}
	}
	for _, cmd := range append(slices.Clone(f.Setup), c.Setup...) {
		v, _, err := examples.SetupCommand(ctx, s, cmd)
		if err == nil && v.Kind == resp.Error {
			err = fmt.Errorf("%s", v.Str)
		}
		if err != nil {
			return fail(Error, "setup %s: %v", plainWords(cmd), err)
		}
	}
	if f.Library != "" {
		if err := w.loadLibrary(ctx, f); err != nil {
			return fail(Error, "FUNCTION LOAD %s: %v", f.Library, err)
		}
	}
	nilWire := byte('$')
	if f.RESP == 3 {
		nilWire = '_'
	}
	runOn := s
	if c.User != "" {
		// The setups ran as the server's connection (they create the
		// user); the calls go as the user.
		t := s.Target()
		t.Username, t.Password = c.User, redisx.Secret(c.Password)
		us, err := redisx.Connect(ctx, t)
		if err != nil {
			return fail(Error, "connect as ACL user %s: %v", c.User, err)
		}
		defer us.Close()
		runOn = us
	}
	var last redisx.Report
	for i, call := range c.Calls {
		// Effects: a failure shows what the last call did to each key.
		rc := redisx.Call{Keys: call.Keys, Args: call.Args, Explain: c.Explain, Effects: i == len(c.Calls)-1}
		if f.Library != "" {
			rc.Function = f.Function
		} else {
			rc.Script, rc.Strategy = redisx.NewScript(f.Source), redisx.EvalshaLoad
		}
		res := runOn.Run(ctx, rc, nil)
		last = redisx.NewReport(runOn, rc, res)
		if res.ClientErr != nil {
			r.Report = &last
			if i == len(c.Calls)-1 && c.ExpectError != "" {
				break // expect_error = "connection" (a script that crashes the server) is checked below
			}
			return fail(Error, "call %d: no reply: %v", i+1, res.ClientErr)
		}
		if i < len(c.Replies) && strings.TrimSpace(c.Replies[i]) != "" {
			want, _ := ParseText(c.Replies[i], nilWire)
			if d := diffReply(want, res.Reply); d != nil {
				r.Outcome = Fail
				r.Failures = append(r.Failures, fmt.Sprintf("call %d: reply differs", i+1))
				r.Failures = append(r.Failures, indent(d, "  ")...)
			}
		}
	}
	r.Report = &last
	if last.Reply != nil {
		r.Actual = resp.Text(*last.Reply)
	}
	checked := len(c.Replies) > 0 || len(c.KeysAfter) > 0
	// The last call's reply given in replies is as good as an expect:
	// an error there is expected, not a failure.
	lastGiven := len(c.Replies) == len(c.Calls) && strings.TrimSpace(c.Replies[len(c.Replies)-1]) != ""
	switch {
	case c.ExpectError != "":
		checked = true
		switch e := last.Error; {
		case e == nil:
			fail(Fail, "expected a %s error; got a reply: %s", c.ExpectError, oneLine(r.Actual))
		case e.Class != c.ExpectError:
			fail(Fail, "expected a %s error; got a %s error: %s", c.ExpectError, e.Class, e.Message)
		case c.ExpectMessage != "" && !strings.Contains(e.Message, c.ExpectMessage):
			fail(Fail, "the %s error's message lacks %q: %s", e.Class, c.ExpectMessage, e.Message)
		}
	case last.Error != nil && !c.HasExpect && !lastGiven:
		checked = true
		fail(Fail, "unexpected %s error: %s", last.Error.Class, last.Error.Message)
		if last.Error.Hint != "" {
			fail(Fail, "hint: %s", last.Error.Hint)
		}
	}
	if c.HasExpect {
		checked = true
		// The rule --update plans with (expectFor): one place.
		want, best := c.Expect, matchingKey(c.ExpectOn, w.name)
		if best != "" {
			want = c.ExpectOn[best]
		}
		if d := diffReply(want, last.Reply); d != nil {
			if best != "" {
				d = append([]string{fmt.Sprintf("(the expect_on %q reply, for %s)", best, w.name)}, d...)
			}
			r.Outcome = Fail
			r.Failures = append(r.Failures, d...)
		}
	}
	if !checked {
		fail(Fail, "nothing to check: no expect, expect_error, replies or keys_after (luascope test --update writes the reply into expect)")
	}
	for _, k := range c.KeysAfter {
		for _, msg := range checkKey(ctx, s, k) {
			fail(Fail, "key %s: %s", resp.Quote([]byte(k.Key)), msg)
			r.keysFailed = true
		}
	}
	if c.Explain {
		for _, wng := range last.Warnings {
			allowed := false
			for _, a := range c.AllowLossy {
				allowed = allowed || strings.Contains(wng, a)
			}
			if !allowed {
				fail(Fail, "lossy conversion: %s (allow_lossy = [\"…\"] lists the ones this case expects)", wng)
				r.lossyFailed = true
			}
		}
	}
	if r.Outcome == "" {
		r.Outcome = Pass
	}
	return r
}

// loadLibrary loads the file's library on every primary.
func (w *worker) loadLibrary(ctx context.Context, f *File) error {
	load := func(c *redis.Client) error {
		return c.Do(ctx, "FUNCTION", "LOAD", "REPLACE", f.LibrarySource).Err()
	}
	if f.Cluster {
		c := w.cl.Client()
		defer c.Close()
		return c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return load(n) })
	}
	c, err := w.client()
	if err != nil {
		return err
	}
	defer c.Close()
	return load(c)
}

// diffReply compares an expected reply with the actual one, node by node
// with wire types (redisx/compare), and says where they part: nil when
// they are the same as `luascope run` prints them.
func diffReply(want resp.Value, got *resp.Value) []string {
	gotText := "(no reply)"
	if got != nil {
		gotText = resp.Text(*got)
	}
	wantText := resp.Text(want)
	if gotText == wantText {
		return nil
	}
	runs := []compare.Run{{Name: "expected", Report: redisx.Report{Reply: &want}}, {Name: "actual", Report: redisx.Report{Reply: got}}}
	var out []string
	for i, d := range compare.Compare(runs) {
		if i == 3 {
			out = append(out, "…")
			break
		}
		out = append(out, fmt.Sprintf("at %s: expected %s, got %s", d.Path, d.Values["expected"], d.Values["actual"]))
	}
	if len(out) == 0 {
		out = append(out, "the replies print differently")
	}
	out = append(out, "expected:")
	out = append(out, indent(printableLines(wantText), "  ")...)
	out = append(out, "actual:")
	out = append(out, indent(printableLines(gotText), "  ")...)
	return out
}

// checkKey reads a key's state and says what differs from k.
func checkKey(ctx context.Context, s *redisx.Session, k KeyState) []string {
	do := func(args ...string) (*resp.Value, error) {
		v, _, err := examples.SetupCommand(ctx, s, args)
		if err == nil && v.Kind == resp.Error {
			err = fmt.Errorf("%s", v.Str)
		}
		return v, err
	}
	tv, err := do("TYPE", k.Key)
	if err != nil {
		return []string{"TYPE: " + err.Error()}
	}
	typ := string(tv.Str)
	exists := typ != "none"
	var msgs []string
	if k.Exists != nil && *k.Exists != exists {
		if exists {
			return []string{"exists (a " + typ + "), expected it not to"}
		}
		return []string{"does not exist"}
	}
	if !exists {
		if k.Type != "" || k.Value != nil || k.Members != nil || k.Fields != nil || k.HasTTL {
			return []string{"does not exist"}
		}
		return nil
	}
	if k.Type != "" && k.Type != typ {
		return []string{fmt.Sprintf("is a %s, expected a %s", typ, k.Type)}
	}
	if k.HasTTL {
		pv, err := do("PTTL", k.Key)
		if err != nil {
			msgs = append(msgs, "PTTL: "+err.Error())
		} else {
			ttl := time.Duration(pv.Int) * time.Millisecond
			switch {
			case k.None && pv.Int >= 0:
				msgs = append(msgs, fmt.Sprintf("expires in %s, expected no ttl", ttl))
			case !k.None && pv.Int < 0:
				msgs = append(msgs, fmt.Sprintf("has no ttl, expected %s", ttlWant(k)))
			case !k.None:
				// "60s" allows the second that may pass between the run
				// and this check; a range is taken as written.
				lo := k.MinTTL
				if k.MinTTL == k.MaxTTL {
					lo -= time.Second
				}
				if ttl < lo || ttl > k.MaxTTL {
					msgs = append(msgs, fmt.Sprintf("ttl %s, expected %s", ttl, ttlWant(k)))
				}
			}
		}
	}
	switch {
	case k.Value != nil:
		if typ != "string" {
			return append(msgs, "value = \"…\" is for strings; this is a "+typ)
		}
		v, err := do("GET", k.Key)
		if err != nil {
			return append(msgs, "GET: "+err.Error())
		}
		if string(v.Str) != *k.Value {
			msgs = append(msgs, fmt.Sprintf("value %s, expected %s", resp.Quote(v.Str), resp.Quote([]byte(*k.Value))))
		}
	case k.Members != nil:
		var v *resp.Value
		switch typ {
		case "list":
			v, err = do("LRANGE", k.Key, "0", "-1")
		case "set":
			v, err = do("SMEMBERS", k.Key)
		case "zset":
			v, err = do("ZRANGE", k.Key, "0", "-1")
		default:
			return append(msgs, "value = [ … ] is for lists, sets and sorted sets; this is a "+typ)
		}
		if err != nil {
			return append(msgs, err.Error())
		}
		got := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			got[i] = string(e.Str)
		}
		want := slices.Clone(k.Members)
		if typ == "set" {
			sort.Strings(got)
			sort.Strings(want)
		}
		if !slices.Equal(got, want) {
			msgs = append(msgs, fmt.Sprintf("members %s, expected %s", quoteWords(got), quoteWords(want)))
		}
	case k.Fields != nil:
		if typ != "hash" {
			return append(msgs, "value = { … } is for hashes; this is a "+typ)
		}
		v, err := do("HGETALL", k.Key)
		if err != nil {
			return append(msgs, "HGETALL: "+err.Error())
		}
		got := map[string]string{}
		for i := 0; i+1 < len(v.Elems); i += 2 {
			got[string(v.Elems[i].Str)] = string(v.Elems[i+1].Str)
		}
		if !mapsEqual(got, k.Fields) {
			msgs = append(msgs, fmt.Sprintf("fields %s, expected %s", fieldsText(got), fieldsText(k.Fields)))
		}
	}
	return msgs
}

func ttlWant(k KeyState) string {
	if k.MinTTL == k.MaxTTL {
		return k.MinTTL.String()
	}
	return k.MinTTL.String() + ".." + k.MaxTTL.String()
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func fieldsText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = resp.Quote([]byte(k)) + "=" + resp.Quote([]byte(m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func quoteWords(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = resp.Quote([]byte(w))
	}
	return "[" + strings.Join(q, " ") + "]"
}

// plainWords is a command as one types it: words escaped, quoted only
// when they hold a space or are empty.
func plainWords(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = resp.Escape([]byte(w))
		if w == "" || strings.ContainsRune(w, ' ') {
			q[i] = resp.Quote([]byte(w))
		}
	}
	return strings.Join(q, " ")
}

func indent(lines []string, pre string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = pre + l
	}
	return out
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return s
}

// shaInError is the part servers add to errors raised in a script: the
// script's SHA, which changes with every edit of the script.
var shaInError = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`script: [0-9a-f]{40}`) })

// NamesScript reports whether a reply text is an error that names the
// script's SHA, so that --update does not snapshot it (an expect of it
// would break at the script's next edit).
func NamesScript(text string) bool {
	return strings.HasPrefix(text, "(error) ") && shaInError().MatchString(text)
}

// printableLines splits a reply's text into lines, each safe to print
// (a reply's own text has its bytes escaped already; this is the guard).
// A huge reply is shown cut: its first maxShownLines lines, each at most
// maxShownRunes runes (the whole is in --json's report and in --update).
func printableLines(text string) []string {
	const maxShownLines, maxShownRunes = 60, 300
	more := 0
	if n := strings.Count(text, "\n") + 1; n > maxShownLines {
		more = n - maxShownLines
	}
	var lines []string
	for len(lines) < maxShownLines && text != "" {
		l, rest, _ := strings.Cut(text, "\n")
		text = rest
		if len(l) > 4*maxShownRunes {
			l = l[:4*maxShownRunes]
		}
		if r := []rune(l); len(r) > maxShownRunes {
			l = string(r[:maxShownRunes]) + fmt.Sprintf("… (%d bytes in all)", len(l))
		}
		lines = append(lines, resp.Printable(l))
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("… %d more lines (luascope test --json has the whole reply)", more))
	}
	return lines
}

// Selected reports whether --run's filter (nil: every case) takes case c
// of file f: it matches "FILE: NAME", as the case lines print them.
func Selected(filter *regexp.Regexp, f *File, c Case) bool {
	return filter == nil || filter.MatchString(f.Path+": "+c.Name)
}
