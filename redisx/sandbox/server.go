package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options for one server. The zero value starts redis-server from PATH on
// a free loopback port in a fresh temporary directory.
type Options struct {
	// Binary is the path of redis-server or valkey-server; "" means
	// FindBinary, so users and tests need no configuration.
	Binary string
	// UnixSocket listens on DIR/redis.sock instead of a TCP port, for
	// code paths that must work with unix:// targets.
	UnixSocket bool
	// Port is the TCP port; 0 picks a free one, which is what tests
	// running in parallel need.
	Port int
	// Config holds extra redis.conf directives, one per entry, each
	// "name value...", e.g. "maxmemory 2mb" or "busy-reply-threshold 200".
	// They are written after the sandbox's own, so they win.
	Config []string
	// Dir is the working directory (dump, nodes.conf, log); "" creates a
	// fresh temporary one that Stop removes. A given Dir is kept.
	Dir string
	// Logf, when set (e.g. t.Logf), receives one line per start and stop,
	// which is what one needs when a test times out.
	Logf func(format string, args ...any)
}

// Server is one private redis-server process. Its methods are safe for
// concurrent use.
type Server struct {
	bin      string
	name     string // base name of bin, for messages
	network  string
	addr     string
	port     int
	bus      bool // cluster node: the bus port must be free too
	dir      string
	ownDir   bool   // created by Start, removed by Stop
	sockDir  string // short extra dir for a socket when dir is too long
	confPath string
	logPath  string
	config   []string
	password string
	logf     func(format string, args ...any)

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has been reaped
	pid     int
	version string
	flavor  string
	stopped bool
}

// StartError is returned when a server does not come up. Log holds the
// tail of the server's log, which names the cause (a bad directive, a port
// in use) far better than the exit status does.
type StartError struct {
	Binary string // base name, e.g. "redis-server"
	Addr   string
	Log    string
	Err    error // errExited, or the context's error on a timeout
}

var errExited = errors.New("exited")

func (e *StartError) Error() string {
	msg := fmt.Sprintf("start %s on %s: %v", e.Binary, e.Addr, e.Err)
	if e.Log != "" {
		msg += ": " + e.Log
	}
	return msg
}

func (e *StartError) Unwrap() error { return e.Err }

// addrInUse tells a lost race for a port apart from other failures, since
// only the former is worth a retry on another port.
func (e *StartError) addrInUse() bool {
	return errors.Is(e.Err, errExited) && strings.Contains(e.Log, "Address already in use")
}

const (
	defaultReadyTimeout = 10 * time.Second
	termGrace           = time.Second
	startAttempts       = 5
	errTailLines        = 12
)

// Start starts a server and returns once it answers PING (so it is not
// LOADING) and reports its own process id, which proves that the port was
// not taken by someone else meanwhile. Without a deadline on ctx it waits
// at most 10s.
func Start(ctx context.Context, opt Options) (*Server, error) {
	return start(ctx, opt, freePort)
}

// start is Start with the port picker as a parameter, so a test can hand
// out a taken port and see the retry.
func start(ctx context.Context, opt Options, pick func(bus bool) (int, error)) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := platformErr(); err != nil {
		return nil, err
	}
	bin := opt.Binary
	if bin == "" {
		var err error
		if bin, err = FindBinary(); err != nil {
			return nil, err
		}
	}
	s := &Server{
		bin:      bin,
		name:     filepath.Base(bin),
		network:  "tcp",
		port:     opt.Port,
		config:   append([]string(nil), opt.Config...),
		password: lookupOne(opt.Config, "requirepass"),
		logf:     opt.Logf,
	}
	s.bus = strings.EqualFold(lookupOne(opt.Config, "cluster-enabled"), "yes")
	if opt.Dir == "" {
		d, err := os.MkdirTemp("", "luascope-sandbox-")
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", s.name, err)
		}
		s.dir, s.ownDir = d, true
	} else {
		d, err := filepath.Abs(opt.Dir)
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", s.name, err)
		}
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("start %s: %w", s.name, err)
		}
		s.dir = d
	}
	s.confPath = filepath.Join(s.dir, "redis.conf")
	s.logPath = filepath.Join(s.dir, "redis.log")
	if opt.UnixSocket {
		s.network, s.port = "unix", 0
		s.addr = filepath.Join(s.dir, "redis.sock")
		// sun_path holds about 104 bytes; a deep Dir would not fit.
		if len(s.addr) > 100 {
			d, err := os.MkdirTemp("", "lsbx-")
			if err != nil {
				s.cleanup()
				return nil, fmt.Errorf("start %s: %w", s.name, err)
			}
			s.sockDir = d
			s.addr = filepath.Join(d, "redis.sock")
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	for attempt := 0; attempt < startAttempts; attempt++ {
		picked := false
		if s.network == "tcp" && opt.Port == 0 {
			if s.port, err = pick(s.bus); err != nil {
				err = fmt.Errorf("start %s: %w", s.name, err)
				break
			}
			picked = true
			s.addr = "127.0.0.1:" + strconv.Itoa(s.port)
		} else if s.network == "tcp" {
			s.addr = "127.0.0.1:" + strconv.Itoa(s.port)
		}
		_ = os.Remove(s.logPath) // the tail of a failed attempt would mislead
		if err = s.writeConfig(); err != nil {
			err = fmt.Errorf("start %s on %s: %w", s.name, s.addr, err)
			break
		}
		err = s.launch(ctx)
		var se *StartError
		if err == nil || !picked || !errors.As(err, &se) || !se.addrInUse() {
			break
		}
		s.log("sandbox: %s lost a race for %s, retrying on another port", s.name, s.addr)
	}
	if err != nil {
		s.stopped = true
		s.cleanup()
		return nil, err
	}
	register(s)
	return s, nil
}

// launch starts the process and waits until it is ready. s.mu is held.
func (s *Server) launch(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultReadyTimeout)
		defer cancel()
	}
	begin := time.Now()
	logFile, err := os.OpenFile(s.logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("start %s on %s: %w", s.name, s.addr, err)
	}
	cmd := exec.Command(s.bin, s.confPath)
	cmd.Dir = s.dir
	// Errors before the logfile is opened (a bad directive) go to stderr;
	// O_APPEND on both sides keeps them in the same file.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s on %s: %w", s.name, s.addr, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(done)
	}()
	s.cmd, s.done, s.pid = cmd, done, cmd.Process.Pid

	// Probes end as soon as the process does, which is how a lost race for
	// the port shows.
	probeCtx, cancelProbe := context.WithCancel(ctx)
	defer cancelProbe()
	go func() {
		select {
		case <-done:
			cancelProbe()
		case <-probeCtx.Done():
		}
	}()

	fail := func(err error) error {
		s.killLocked()
		return &StartError{Binary: s.name, Addr: s.addr, Log: s.logTail(errTailLines), Err: err}
	}
	wait := 2 * time.Millisecond
	for {
		select {
		case <-done:
			return &StartError{Binary: s.name, Addr: s.addr, Log: s.logTail(errTailLines), Err: errExited}
		case <-ctx.Done():
			return fail(fmt.Errorf("not ready after %v: %w", time.Since(begin).Round(time.Millisecond), ctx.Err()))
		case <-time.After(wait):
		}
		wait = min(wait*2, 100*time.Millisecond)
		ready, foreign := s.probe(probeCtx)
		if foreign {
			// Someone else owns the port; ours is about to exit with
			// "Address already in use", which Start retries on.
			select {
			case <-done:
				return &StartError{Binary: s.name, Addr: s.addr, Log: s.logTail(errTailLines), Err: errExited}
			case <-time.After(2 * time.Second):
				return fail(errors.New("another server answers on this address"))
			}
		}
		if ready {
			if s.version == "" {
				s.flavor, s.version = binaryVersion(s.bin)
			}
			s.log("sandbox: %s %s (pid %d) ready on %s in %v", s.name, s.version, s.pid, s.addr, time.Since(begin).Round(time.Millisecond))
			return nil
		}
	}
}

// probe asks the server whether it is ready, and whether it is ours.
func (s *Server) probe(ctx context.Context) (ready, foreign bool) {
	p, err := dialProbe(ctx, s.network, s.addr)
	if err != nil {
		return false, false
	}
	defer p.Close()
	if s.password != "" {
		if _, err := p.do("AUTH", s.password); err != nil {
			return false, false
		}
	}
	if _, err := p.do("PING"); err != nil {
		var re replyError
		if errors.As(err, &re) && !strings.HasPrefix(string(re), "LOADING") {
			// It answers but will not let us look (ACL rules from Config):
			// as ready as we can tell.
			return true, false
		}
		return false, false
	}
	info, err := p.do("INFO", "server")
	if err != nil {
		return true, false
	}
	if pid := infoField(info, "process_id"); pid != "" && pid != strconv.Itoa(s.pid) {
		return false, true
	}
	s.flavor, s.version = Valkey, infoField(info, "valkey_version")
	if s.version == "" {
		s.flavor, s.version = Redis, infoField(info, "redis_version")
	}
	return true, false
}

// killLocked sends SIGKILL to the whole process group (fork children for
// BGSAVE or diskless sync included) and reaps. s.mu is held.
func (s *Server) killLocked() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	killGroup(s.pid)
	_ = s.cmd.Process.Kill()
	<-s.done
}

// terminateLocked asks the server to exit and kills it if it has not after
// a short grace. s.mu is held.
func (s *Server) terminateLocked() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(termGrace):
	}
	s.killLocked()
}

func (s *Server) cleanup() error {
	var errs []error
	if s.ownDir {
		errs = append(errs, os.RemoveAll(s.dir))
	}
	if s.sockDir != "" {
		errs = append(errs, os.RemoveAll(s.sockDir))
	}
	return errors.Join(errs...)
}

func (s *Server) log(format string, args ...any) {
	if s.logf != nil {
		s.logf(format, args...)
	}
}

// Pid is the id of the server process last started (after Stop or Kill,
// one that has exited): a benchmark reads the server's own CPU time from
// it, to tell a client's cost from the server's; tests check the process
// is gone or was replaced.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pid
}

// Addr is what a client dials: "127.0.0.1:PORT" or the socket path.
func (s *Server) Addr() string { return s.addr }

// Network is "tcp" or "unix", the pair that net.Dial and redis.Options
// take together with Addr.
func (s *Server) Network() string { return s.network }

// Port is the TCP port, or 0 on a unix socket.
func (s *Server) Port() int { return s.port }

// URL is the server as luascope's --url flag takes it.
func (s *Server) URL() string {
	if s.network == "unix" {
		return "unix://" + s.addr
	}
	return "redis://" + s.addr
}

// Dir is the server's working directory.
func (s *Server) Dir() string { return s.dir }

// Version is redis_version from INFO server, or valkey_version on Valkey
// (whose redis_version is a frozen compatibility value). It lets tests
// skip what an older server cannot do.
func (s *Server) Version() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// Flavor is Redis or Valkey: whose version Version is. Valkey 8.1 and
// Redis 8.0 word many errors differently, so a test that expects a text
// says which server says it.
func (s *Server) Flavor() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flavor
}

// Client returns a new go-redis client for the server, with the password
// from a requirepass directive already set; opts may change anything. The
// caller closes it.
func (s *Server) Client(opts ...func(*redis.Options)) *redis.Client {
	o := &redis.Options{Network: s.network, Addr: s.addr, Password: s.password}
	for _, f := range opts {
		f(o)
	}
	return redis.NewClient(o)
}

// Stop kills the server (SIGTERM, then SIGKILL after a short grace), reaps
// it and removes the temporary directory. It is idempotent, so a test may
// both defer it and call it.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	unregister(s)
	s.terminateLocked()
	s.log("sandbox: %s on %s stopped", s.name, s.addr)
	if err := s.cleanup(); err != nil {
		return fmt.Errorf("stop %s on %s: %w", s.name, s.addr, err)
	}
	return nil
}

// Kill sends SIGKILL at once and keeps the directory, to simulate a crash
// or a failover; Restart brings the server back and Stop still cleans up.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.killLocked()
	s.log("sandbox: %s on %s killed", s.name, s.addr)
	return nil
}

// Restart starts the server again on the same address, directory and
// config (stopping it first if it runs), for reconnect tests. A cluster
// node keeps its identity through nodes.conf.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return fmt.Errorf("restart %s on %s: server was stopped", s.name, s.addr)
	}
	s.terminateLocked()
	if err := s.writeConfig(); err != nil {
		return fmt.Errorf("restart %s on %s: %w", s.name, s.addr, err)
	}
	return s.launch(ctx)
}

// logTail returns the last n lines of the server's log (stderr included),
// for error messages; "" once Stop has removed the directory.
func (s *Server) logTail(n int) string {
	b, err := os.ReadFile(s.logPath)
	if err != nil || n <= 0 {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// binaryVersion reads the flavor and version from "redis-server
// --version" ("Redis server v=7.0.15 …", "Valkey server v=8.1.1 …") for a
// server whose ACL rules keep INFO from us. A fork that names itself
// otherwise is taken for Redis, as its INFO would be.
func binaryVersion(bin string) (flavor, version string) {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "", ""
	}
	flavor, version = ParseVersionLine(string(out))
	if flavor != Valkey {
		flavor = Redis
	}
	return flavor, version
}

// ParseVersionLine reads a server binary's --version line: the flavor is
// its first word in lower case (Redis, Valkey, or whatever a fork calls
// itself), the version what follows "v=" ("" if nothing does). Shared by
// the sandbox and lint --server-bin, which judges a script for the binary
// it names without starting it.
func ParseVersionLine(line string) (flavor, version string) {
	fields := strings.Fields(line)
	for _, f := range fields {
		if v, ok := strings.CutPrefix(f, "v="); ok {
			version = v
			break
		}
	}
	if len(fields) > 0 {
		flavor = strings.ToLower(fields[0])
	}
	return flavor, version
}
