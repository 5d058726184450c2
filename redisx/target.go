package redisx

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Secret holds a password. Every way of printing it (fmt verbs, JSON)
// yields a mask, so a Target can be logged, shown or saved to history
// without leaking what the user typed after -a.
type Secret string

const mask = "***"

// String masks the secret so %s and %v never reveal it.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return mask
}

// GoString masks the secret for %#v too.
func (s Secret) GoString() string { return s.String() }

// MarshalJSON masks the secret so a Target serialised into history or
// --json output never carries it.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }

// Reveal returns the password itself; call it only where it is sent to the
// server.
func (s Secret) Reveal() string { return string(s) }

// TLSOptions are redis-cli's --tls, --cacert, --cert, --key and --insecure.
type TLSOptions struct {
	Enabled    bool
	CACert     string
	Cert       string
	Key        string
	Insecure   bool
	ServerName string
}

// Target says where and how to connect. It is built from redis-cli
// compatible flags, a URL, or a named connection in the config file.
type Target struct {
	Network  string // "tcp" or "unix"
	Addr     string // host:port, or the socket path for unix
	Username string
	Password Secret
	DB       int
	TLS      TLSOptions
	Cluster  bool // -c: follow MOVED/ASK like redis-cli -c
	Protocol int  // 2 or 3
	// Label names the connection for the user ("sandbox", "prod", …);
	// a production label makes the UI ask before writes.
	Label    string
	ReadOnly bool
	// Timeout bounds one round trip's read; 0 means wait for ever, which
	// is what a long script needs when the user intends to SCRIPT KILL it.
	Timeout     time.Duration
	DialTimeout time.Duration
}

// DefaultAddr is where redis-cli connects when given nothing.
const DefaultAddr = "127.0.0.1:6379"

// ErrBadURL is wrapped by ParseURL's errors so callers can tell a typo in
// a URL from a server that does not answer.
var ErrBadURL = errors.New("bad Redis URL")

// ParseURL reads redis://, rediss:// and unix:// URLs the way redis-cli
// and go-redis do: redis://[user[:password]@]host[:port][/db],
// unix://[user[:password]@]/path/to/socket[?db=N].
func ParseURL(raw string) (Target, error) {
	var t Target
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse echoes the whole URL, password included.
		return t, fmt.Errorf("%w %q: cannot parse it", ErrBadURL, RedactURL(raw))
	}
	if u.User != nil {
		t.Username = u.User.Username()
		if p, ok := u.User.Password(); ok {
			t.Password = Secret(p)
		} else if t.Username != "" {
			// redis-cli treats redis://secret@host as a password, not a user.
			t.Password, t.Username = Secret(t.Username), ""
		}
	}
	q := u.Query()
	switch u.Scheme {
	case "redis", "rediss", "valkey", "valkeys":
		t.Network = "tcp"
		host, port := u.Hostname(), u.Port()
		if host == "" {
			host = "127.0.0.1"
		}
		if port == "" {
			port = "6379"
		}
		if _, err := strconv.Atoi(port); err != nil {
			return t, fmt.Errorf("%w %q: port %q is not a number", ErrBadURL, RedactURL(raw), port)
		}
		t.Addr = net.JoinHostPort(host, port)
		if p := strings.Trim(u.Path, "/"); p != "" {
			db, err := strconv.Atoi(p)
			if err != nil || db < 0 {
				return t, fmt.Errorf("%w %q: database %q is not a number", ErrBadURL, RedactURL(raw), p)
			}
			t.DB = db
		}
		t.TLS.Enabled = u.Scheme == "rediss" || u.Scheme == "valkeys"
	case "unix":
		t.Network = "unix"
		t.Addr = u.Path
		if t.Addr == "" {
			return t, fmt.Errorf("%w %q: no socket path", ErrBadURL, RedactURL(raw))
		}
	case "":
		return t, fmt.Errorf("%w %q: no scheme (want redis://, rediss:// or unix://)", ErrBadURL, RedactURL(raw))
	default:
		return t, fmt.Errorf("%w %q: scheme %q is not redis://, rediss:// or unix://", ErrBadURL, RedactURL(raw), u.Scheme)
	}
	if s := q.Get("db"); s != "" {
		db, err := strconv.Atoi(s)
		if err != nil || db < 0 {
			return t, fmt.Errorf("%w %q: db=%q is not a number", ErrBadURL, RedactURL(raw), s)
		}
		t.DB = db
	}
	if q.Has("password") {
		// go-redis ignores it and redis-cli does not know it: say so
		// rather than fail later with NOAUTH.
		return t, fmt.Errorf("%w %q: a password goes before the host (redis://user:PASSWORD@host) or in REDISCLI_AUTH, not in ?password=", ErrBadURL, RedactURL(raw))
	}
	if s := q.Get("protocol"); s != "" {
		t.Protocol, _ = strconv.Atoi(s)
	}
	return t, nil
}

// RedactURL masks the password of a URL, also of one that does not parse,
// so that error messages can quote what the user typed.
func RedactURL(raw string) string {
	raw = redactQueryPassword(raw)
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		scheme, rest = "", raw
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	userinfo := rest[:at]
	if user, _, hasPw := strings.Cut(userinfo, ":"); hasPw {
		userinfo = user + ":" + mask
	} else {
		userinfo = mask
	}
	if !ok {
		return userinfo + rest[at:]
	}
	return scheme + "://" + userinfo + rest[at:]
}

// String is the redacted form of the target, safe for the screen, logs
// and history: the password is always ***.
func (t Target) String() string {
	var b strings.Builder
	switch {
	case t.Network == "unix":
		b.WriteString("unix://")
	case t.TLS.Enabled:
		b.WriteString("rediss://")
	default:
		b.WriteString("redis://")
	}
	if t.Username != "" || t.Password != "" {
		b.WriteString(t.Username)
		if t.Password != "" {
			b.WriteString(":" + mask)
		}
		b.WriteString("@")
	}
	b.WriteString(t.Addr)
	if t.DB != 0 {
		if t.Network == "unix" {
			fmt.Fprintf(&b, "?db=%d", t.DB)
		} else {
			fmt.Fprintf(&b, "/%d", t.DB)
		}
	}
	return b.String()
}

// Redacted is String, named for call sites where the intent matters.
func (t Target) Redacted() string { return t.String() }

// WithAddr returns a copy of t pointing at another node of the same
// deployment (a cluster redirect), keeping credentials and TLS.
func (t Target) WithAddr(addr string) Target {
	t.Network, t.Addr = "tcp", addr
	return t
}

// Options builds go-redis options for one exploring connection: one
// connection, no automatic retries (every round trip must be seen), and
// no client-name handshake noise beyond what go-redis needs.
func (t Target) Options() (*redis.Options, error) {
	opt := &redis.Options{
		Network:         t.Network,
		Addr:            t.Addr,
		Username:        t.Username,
		Password:        t.Password.Reveal(),
		DB:              t.DB,
		Protocol:        t.Protocol,
		PoolSize:        1,
		MaxRetries:      -1,
		DisableIdentity: true,
		DialTimeout:     t.DialTimeout,
		ReadTimeout:     -1,
		WriteTimeout:    10 * time.Second,
		// One dial attempt: an unreachable server must be reported at once.
		DialerRetries: 1,
		// A deadline on the context bounds the read too: the handshake has
		// one, so a server that accepts and never answers is reported.
		ContextTimeoutEnabled: true,
		// No CLIENT MAINT_NOTIFICATIONS after HELLO 3: a round trip the user
		// did not ask for, and a NOPERM in ACL LOG for application users.
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	}
	if opt.Network == "" {
		opt.Network = "tcp"
	}
	if opt.Protocol == 0 {
		opt.Protocol = 2
	}
	if opt.DialTimeout == 0 {
		opt.DialTimeout = 5 * time.Second
	}
	if t.Timeout > 0 {
		opt.ReadTimeout = t.Timeout
	}
	if t.TLS.Enabled {
		cfg, err := t.TLS.Config(t.Addr)
		if err != nil {
			return nil, err
		}
		opt.TLSConfig = cfg
	}
	return opt, nil
}

// Config builds the TLS configuration from redis-cli style files.
func (o TLSOptions) Config(addr string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.Insecure} //nolint:gosec // --insecure is the user's explicit choice, as in redis-cli
	cfg.ServerName = o.ServerName
	if cfg.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			cfg.ServerName = host
		}
	}
	if o.CACert != "" {
		pem, err := os.ReadFile(o.CACert)
		if err != nil {
			return nil, fmt.Errorf("read --cacert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--cacert %s: no PEM certificate in it", o.CACert)
		}
		cfg.RootCAs = pool
	}
	if o.Cert != "" || o.Key != "" {
		if o.Cert == "" || o.Key == "" {
			return nil, errors.New("--cert and --key go together")
		}
		pair, err := tls.LoadX509KeyPair(o.Cert, o.Key)
		if err != nil {
			return nil, fmt.Errorf("load --cert/--key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// redactQueryPassword masks ?password=… and &password=…, a form some
// clients accept, so that an error quoting the URL never shows it.
func redactQueryPassword(raw string) string {
	q := strings.IndexByte(raw, '?')
	if q < 0 {
		return raw
	}
	parts := strings.Split(raw[q+1:], "&")
	for i, p := range parts {
		if k, _, ok := strings.Cut(p, "="); ok && (strings.EqualFold(k, "password") || strings.EqualFold(k, "pass")) {
			parts[i] = k + "=" + mask
		}
	}
	return raw[:q+1] + strings.Join(parts, "&")
}
