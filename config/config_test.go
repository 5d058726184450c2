package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/adrg/xdg"
)

func write(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const full = `
theme = "dark"
strategy = "evalsha-eval"
history = false
mouse = true

[connections.prod]
url = "rediss://redis.prod.internal:6380/0"
user = "app"
readonly = true
label = "prod"
production = true
cluster = false
password_env = "PROD_REDIS_PASSWORD"

[connections.local]
url = "redis://127.0.0.1:6379"

[connections."sock et"]
url = "unix:///run/redis/redis.sock?db=2"
label = "Production"
`

func TestLoadFull(t *testing.T) {
	c, err := Load(write(t, full))
	if err != nil {
		t.Fatal(err)
	}
	f := false
	want := Config{
		Theme: "dark", Strategy: "evalsha-eval", History: &f, Mouse: true,
		Connections: map[string]Connection{
			"prod": {URL: "rediss://redis.prod.internal:6380/0", User: "app", ReadOnly: true, Label: "prod",
				Production: true, PasswordEnv: "PROD_REDIS_PASSWORD"},
			"local":   {URL: "redis://127.0.0.1:6379"},
			"sock et": {URL: "unix:///run/redis/redis.sock?db=2", Label: "Production"},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got  %+v\nwant %+v", c, want)
	}
	if c.HistoryEnabled() {
		t.Error("history = false not honoured")
	}
	if got := c.ConnectionNames(); !reflect.DeepEqual(got, []string{"local", "prod", "sock et"}) {
		t.Errorf("ConnectionNames = %v", got)
	}
}

func TestMissingAndEmpty(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "nope", "config.toml"))
	if err != nil || !reflect.DeepEqual(c, Config{}) {
		t.Fatalf("missing file: %+v, %v", c, err)
	}
	if !c.HistoryEnabled() {
		t.Error("history must default to on")
	}
	c, err = Load(write(t, "# nothing yet\n"))
	if err != nil || !reflect.DeepEqual(c, Config{}) {
		t.Fatalf("empty file: %+v, %v", c, err)
	}
}

func TestSyntaxErrorHasLine(t *testing.T) {
	p := write(t, "theme = \"dark\"\n\n[connections.x]\nurl = \"redis://h\nreadonly = true\n")
	_, err := Load(p)
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 4 || ce.Path != p {
		t.Fatalf("error %v (%#v), want %s:4", err, ce, p)
	}
	if !strings.HasPrefix(err.Error(), p+":4: ") {
		t.Errorf("error %q does not start with path:line", err)
	}
}

func TestTypeErrorHasLine(t *testing.T) {
	p := write(t, "theme = \"dark\"\n[connections.x]\nurl = \"redis://h\"\nreadonly = \"yes\"\n")
	_, err := Load(p)
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 4 || !strings.Contains(ce.Msg, "readonly") {
		t.Fatalf("error %v, want line 4 naming readonly", err)
	}
}

func TestUnknownKeys(t *testing.T) {
	p := write(t, `
them = "dark"
[connections.prod]
url = "redis://h"
readonyl = true
[connections.prod.extra]
a = 1
b = 2
[colors]
x = 1
`)
	_, err := Load(p)
	if err == nil {
		t.Fatal("no error for unknown keys")
	}
	msg := err.Error()
	for _, want := range []string{
		"unknown key them (did you mean theme?)",
		"unknown key connections.prod.readonyl (did you mean readonly?)",
		"unknown key connections.prod.extra (keys: url, user, label, password_env, readonly, cluster, production)",
		"unknown key colors (keys: theme, strategy, history, mouse, compare_servers, connections)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "extra.a") || strings.Contains(msg, "colors.x") {
		t.Errorf("keys inside a reported table are repeated:\n%s", msg)
	}
}

func TestPasswordsRejected(t *testing.T) {
	const secret = "hunter2-s3cret"
	for name, content := range map[string]string{
		"url userinfo":    "[connections.p]\nurl = \"redis://app:" + secret + "@h:6379\"\n",
		"url no user":     "[connections.p]\nurl = \"rediss://:" + secret + "@h:6379\"\n",
		"url query":       "[connections.p]\nurl = \"redis://h:6379?password=" + secret + "\"\n",
		"password key":    "[connections.p]\nurl = \"redis://h\"\npassword = \"" + secret + "\"\n",
		"top password":    "password = \"" + secret + "\"\n",
		"secret in env":   "[connections.p]\nurl = \"redis://h\"\npassword_env = \"" + secret + "!\"\n",
		"bad url":         "[connections.p]\nurl = \"redis://:" + secret + "@h:port\"\n",
		"unquoted syntax": "[connections.p]\nurl = redis://app:" + secret + "@h\n",
	} {
		_, err := Load(write(t, content))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error echoes the password: %v", name, err)
		}
		if name != "unquoted syntax" && name != "bad url" && !strings.Contains(err.Error(), "password_env") && !strings.Contains(err.Error(), "environment variable") {
			t.Errorf("%s: error does not point to password_env: %v", name, err)
		}
	}
}

func TestValidation(t *testing.T) {
	for content, want := range map[string]string{
		`theme = "solarized"`:                                        `unknown theme "solarized" (themes: auto, dark, light, high-contrast, mono)`,
		`strategy = "fast"`:                                          `unknown strategy "fast" (strategies: evalsha-load, evalsha-eval, eval, load-first)`,
		"[connections.a]\nuser = \"x\"":                              "connections.a: url is required",
		"[connections.a]\nurl = \"http://h\"":                        `scheme "http" is not redis, rediss or unix`,
		"[connections.a]\nurl = \"redis:///0\"":                      "no host",
		"[connections.a]\nurl = \"unix://\"":                         "no socket path",
		"[connections.a]\nurl = \"redis://bob@h\"\nuser = \"alice\"": `user "bob" in the URL differs from user = "alice"`,
		"[connections.a]\nurl = \"127.0.0.1:6379\"":                  "not a valid URL",
	} {
		_, err := Load(write(t, content))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", content, err, want)
		}
	}
	// Several problems are all reported.
	_, err := Load(write(t, "theme = \"x\"\nstrategy = \"y\"\n"))
	if err == nil || !strings.Contains(err.Error(), "theme") || !strings.Contains(err.Error(), "strategy") {
		t.Errorf("both problems not reported: %v", err)
	}
	// Every theme and strategy name is accepted.
	for _, s := range Strategies() {
		if _, err := Load(write(t, "strategy = \""+s+"\"")); err != nil {
			t.Errorf("strategy %s: %v", s, err)
		}
	}
	for _, th := range []string{"auto", "dark", "light", "high-contrast", "mono"} {
		if _, err := Load(write(t, "theme = \""+th+"\"")); err != nil {
			t.Errorf("theme %s: %v", th, err)
		}
	}
}

func TestConnection(t *testing.T) {
	c, err := Load(write(t, full))
	if err != nil {
		t.Fatal(err)
	}
	local, err := c.Connection("local")
	if err != nil || local.Label != "local" || local.IsProduction() {
		t.Errorf("local = %+v, %v; want label defaulted to the name, not production", local, err)
	}
	prod, _ := c.Connection("prod")
	sock, _ := c.Connection("sock et")
	if !prod.IsProduction() || !sock.IsProduction() {
		t.Errorf("prod %v, \"Production\" label %v: want both production", prod.IsProduction(), sock.IsProduction())
	}
	_, err = c.Connection("staging")
	if !errors.Is(err, ErrUnknownConnection) || !strings.Contains(err.Error(), "defined: local, prod, sock et") {
		t.Errorf("unknown connection error = %v", err)
	}
	_, err = Config{}.Connection("x")
	if err == nil || !strings.Contains(err.Error(), "none are defined") {
		t.Errorf("no connections error = %v", err)
	}
}

func TestIsProduction(t *testing.T) {
	for c, want := range map[Connection]bool{
		{}:                                   false,
		{Label: "prod"}:                      true,
		{Label: " PROD "}:                    true,
		{Label: "Production"}:                true,
		{Label: "production-eu"}:             false,
		{Label: "staging", Production: true}: true,
	} {
		if got := c.IsProduction(); got != want {
			t.Errorf("%+v.IsProduction() = %v, want %v", c, got, want)
		}
	}
}

func TestPassword(t *testing.T) {
	env := map[string]string{"P": "s3cret"}
	getenv := func(k string) string { return env[k] }
	if p, err := (Connection{PasswordEnv: "P"}).Password(getenv); p != "s3cret" || err != nil {
		t.Errorf("Password = %q, %v", p, err)
	}
	if p, err := (Connection{}).Password(getenv); p != "" || err != nil {
		t.Errorf("no password_env: %q, %v", p, err)
	}
	if _, err := (Connection{PasswordEnv: "MISSING"}).Password(getenv); err == nil || !strings.Contains(err.Error(), "$MISSING") {
		t.Errorf("unset variable: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "luascope", "config.toml"); p != want {
		t.Fatalf("DefaultPath() = %q, want %q", p, want)
	}
	if _, err := os.Stat(filepath.Dir(p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("DefaultPath created %s (%v)", filepath.Dir(p), err)
	}
}

func TestSuggest(t *testing.T) {
	if s := suggest("passwrd_env", connKeys); s != "password_env" {
		t.Errorf("suggest = %q", s)
	}
	if s := suggest("zzzzzz", connKeys); s != "" {
		t.Errorf("suggest for nonsense = %q", s)
	}
}
