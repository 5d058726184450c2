//go:build unix

package sandbox

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startT starts a server for one test and stops it when the test ends.
func startT(t *testing.T, opt Options) *Server {
	t.Helper()
	if opt.Logf == nil {
		opt.Logf = t.Logf
	}
	s, err := Start(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func ping(t *testing.T, s *Server) {
	t.Helper()
	c := s.Client()
	defer c.Close()
	if err := c.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("PING %s: %v", s.Addr(), err)
	}
}

// alive reports whether a process with that pid exists (and is not a
// zombie: Stop and Kill reap, so a zombie would be a bug too).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return true // no procfs: kill(0) succeeded
	}
	f := strings.Fields(string(b))
	return len(f) < 3 || f[2] != "Z"
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestStartTCP(t *testing.T) {
	t.Parallel()
	s := startT(t, Options{})
	ping(t, s)
	if s.Network() != "tcp" || s.Port() == 0 || s.Addr() != "127.0.0.1:"+itoa(s.Port()) {
		t.Errorf("network %q addr %q port %d", s.Network(), s.Addr(), s.Port())
	}
	if s.URL() != "redis://"+s.Addr() {
		t.Errorf("URL %q", s.URL())
	}
	if s.Version() == "" {
		t.Error("empty Version")
	}
	opt, err := redis.ParseURL(s.URL())
	if err != nil || opt.Addr != s.Addr() {
		t.Errorf("ParseURL(%q) = %+v, %v", s.URL(), opt, err)
	}
}

func TestStartUnixSocket(t *testing.T) {
	t.Parallel()
	s := startT(t, Options{UnixSocket: true})
	ping(t, s)
	if s.Network() != "unix" || s.Port() != 0 || !strings.HasSuffix(s.Addr(), "redis.sock") {
		t.Errorf("network %q addr %q port %d", s.Network(), s.Addr(), s.Port())
	}
	if s.URL() != "unix://"+s.Addr() {
		t.Errorf("URL %q", s.URL())
	}
	if s.Version() == "" {
		t.Error("empty Version")
	}
}

func TestConfigApplied(t *testing.T) {
	t.Parallel()
	s := startT(t, Options{Config: []string{"maxmemory 2mb", "requirepass s3cret", "--maxmemory-policy allkeys-lru", "save 900 1 300 10"}})
	c := s.Client()
	defer c.Close()
	got, err := c.ConfigGet(t.Context(), "maxmemory").Result()
	if err != nil {
		t.Fatal(err)
	}
	if got["maxmemory"] != "2097152" {
		t.Errorf("maxmemory = %q, want 2097152", got["maxmemory"])
	}
	got, err = c.ConfigGet(t.Context(), "save").Result()
	if err != nil || got["save"] != "900 1 300 10" {
		t.Errorf("save = %q, %v", got["save"], err)
	}
	noauth := s.Client(func(o *redis.Options) { o.Password = "" })
	defer noauth.Close()
	if err := noauth.Set(t.Context(), "k", "v", 0).Err(); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Errorf("SET without password: %v, want NOAUTH", err)
	}
}

func TestBadDirective(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Start(t.Context(), Options{Dir: dir, Config: []string{"no-such-directive yes"}})
	if err == nil {
		t.Fatal("Start succeeded with a bad directive")
	}
	var se *StartError
	if !errors.As(err, &se) || !errors.Is(err, errExited) {
		t.Fatalf("error %T %v, want *StartError exited", err, err)
	}
	bin, _ := FindBinary() // redis-server, or $LUASCOPE_REDIS_SERVER's wrapper
	for _, want := range []string{"start " + filepath.Base(bin) + " on 127.0.0.1:", "exited", "no-such-directive"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("a given Dir must be kept: %v", err)
	}
}

func TestStopIdempotent(t *testing.T) {
	t.Parallel()
	s, err := Start(t.Context(), Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	pid, dir := s.Pid(), s.Dir()
	if !alive(pid) {
		t.Fatalf("pid %d not running", pid)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if alive(pid) {
		t.Errorf("pid %d still running after Stop", pid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("dir %s still there: %v", dir, err)
	}
	if err := s.Restart(t.Context()); err == nil {
		t.Error("Restart after Stop succeeded")
	}
}

func TestKillRestart(t *testing.T) {
	t.Parallel()
	s := startT(t, Options{})
	c := s.Client(func(o *redis.Options) { o.MaxRetries = -1 })
	defer c.Close()
	ctx := t.Context()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	pid := s.Pid()
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Fatalf("pid %d alive after Kill", pid)
	}
	if _, err := os.Stat(s.Dir()); err != nil {
		t.Fatalf("Kill removed the dir: %v", err)
	}
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING succeeded on a killed server")
	}
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Pid() == pid {
		t.Error("same pid after Restart")
	}
	// The pool's dead connection may cost one failed command.
	deadline := time.Now().Add(2 * time.Second)
	for c.Ping(ctx).Err() != nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after Restart: %v", err)
	}
	if n, _ := c.Exists(ctx, "k").Result(); n != 0 {
		t.Error("key survived a restart without persistence")
	}
}

func TestFindBinaryMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(EnvBinary, "") // make test-servers sets it
	_, err := FindBinary()
	if !errors.Is(err, ErrNoServer) {
		t.Fatalf("FindBinary = %v, want ErrNoServer", err)
	}
	for _, want := range []string{"redis-server", "apt-get install redis-server", "brew install redis", "valkey-server"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
	if _, err := Start(context.Background(), Options{}); !errors.Is(err, ErrNoServer) {
		t.Errorf("Start = %v, want ErrNoServer", err)
	}
}

// TestStopAll is not parallel: StopAll would stop the other tests' servers.
func TestStopAll(t *testing.T) {
	a := startT(t, Options{})
	b := startT(t, Options{UnixSocket: true})
	StopAll()
	for _, s := range []*Server{a, b} {
		if alive(s.Pid()) {
			t.Errorf("%s pid %d alive after StopAll", s.Addr(), s.Pid())
		}
		if _, err := os.Stat(s.Dir()); !os.IsNotExist(err) {
			t.Errorf("dir %s left after StopAll", s.Dir())
		}
	}
}

func TestPair(t *testing.T) {
	t.Parallel()
	p, err := StartPair(t.Context(), Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	ctx := t.Context()
	pc, rc := p.Primary.Client(), p.Replica.Client()
	defer pc.Close()
	defer rc.Close()
	if err := pc.Set(ctx, "greeting", "hello", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := pc.Do(ctx, "WAIT", 1, 2000).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := rc.Get(ctx, "greeting").Result(); err != nil || got != "hello" {
		t.Errorf("replica GET = %q, %v", got, err)
	}
	if err := rc.Set(ctx, "x", "y", 0).Err(); err == nil || !strings.Contains(err.Error(), "READONLY") {
		t.Errorf("SET on replica: %v, want READONLY", err)
	}
}

func TestCluster(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	c, err := StartCluster(t.Context(), ClusterOptions{Options: Options{Logf: t.Logf}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("StartCluster took %v", time.Since(begin))
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	ctx := t.Context()
	if len(c.Nodes) != 6 || len(c.Addrs()) != 6 {
		t.Fatalf("%d nodes, %d addrs", len(c.Nodes), len(c.Addrs()))
	}
	for i, s := range c.Nodes {
		cl := s.Client()
		role, err := cl.Do(ctx, "ROLE").Slice()
		cl.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := "master"
		if i >= 3 {
			want = "slave"
		}
		if role[0] != want {
			t.Errorf("node %d (%s) is %v, want %s", i, s.Addr(), role[0], want)
		}
	}
	cc := c.Client()
	defer cc.Close()
	//lint:ignore SA1019 CLUSTER SLOTS answers on every server version, its reply is what this needs; CLUSTER SHARDS needs Redis 7.0
	slots, err := cc.ClusterSlots(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, r := range slots {
		total += r.End - r.Start + 1
		if len(r.Nodes) != 2 {
			t.Errorf("slots %d-%d: %d nodes", r.Start, r.End, len(r.Nodes))
		}
	}
	if total != 16384 {
		t.Errorf("%d slots covered", total)
	}
	// Keys in three different slots, so on three different primaries.
	for _, k := range []string{"a", "b", "c", "{user1}:x", "{user2}:y"} {
		if err := cc.Set(ctx, k, "v-"+k, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
		if got, err := cc.Get(ctx, k).Result(); err != nil || got != "v-"+k {
			t.Errorf("GET %s = %q, %v", k, got, err)
		}
	}
}

func TestAtLeast(t *testing.T) {
	t.Parallel()
	s := &Server{version: "7.0.15"}
	for v, want := range map[string]bool{"7": true, "7.0": true, "7.0.15": true, "7.0.16": false, "7.2": false, "6.2.14": true, "8": false} {
		if got := s.AtLeast(v); got != want {
			t.Errorf("7.0.15 AtLeast(%q) = %v", v, got)
		}
	}
}

func TestStartCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Start(ctx, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Start with a canceled context = %v", err)
	}
}

func TestPortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = Start(t.Context(), Options{Port: port})
	if err == nil || !strings.Contains(err.Error(), "Address already in use") {
		t.Fatalf("Start on a busy port = %v", err)
	}
	t.Log(err)
}

// TestPortRace hands out a port held by another Redis, then one held by a
// plain listener, as parallel tests in other processes can; Start must
// notice both (the other Redis answers PING too) and move on.
func TestPortRace(t *testing.T) {
	t.Parallel()
	other := startT(t, Options{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ports := []int{other.Port(), l.Addr().(*net.TCPAddr).Port}
	pick := func(bus bool) (int, error) {
		if len(ports) > 0 {
			p := ports[0]
			ports = ports[1:]
			return p, nil
		}
		return freePort(bus)
	}
	s, err := start(t.Context(), Options{Logf: t.Logf}, pick)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if s.Port() == other.Port() || s.Port() == l.Addr().(*net.TCPAddr).Port {
		t.Errorf("started on taken port %d", s.Port())
	}
	ping(t, s)
	ping(t, other)
}
