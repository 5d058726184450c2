package config_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"luascope/config"
)

// A config file with a production connection whose password comes from
// the environment.
func Example() {
	const file = `
theme = "dark"            # default theme
strategy = "evalsha-load" # default strategy
history = true            # record runs (default true)

[connections.prod]
url = "rediss://redis.prod.internal:6380/0"   # a URL WITHOUT password
user = "app"
readonly = true
label = "prod"
production = true
password_env = "PROD_REDIS_PASSWORD"

[connections.local]
url = "redis://127.0.0.1:6379"
`
	dir, _ := os.MkdirTemp("", "config-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.toml") // in luascope: config.DefaultPath()
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		log.Fatal(err)
	}

	cfg, err := config.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	prod, err := cfg.Connection("prod")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Theme, cfg.Strategy, cfg.HistoryEnabled())
	fmt.Println(cfg.ConnectionNames())
	fmt.Println(prod.URL, prod.User, prod.ReadOnly, prod.IsProduction(), prod.PasswordEnv)
	// Output:
	// dark evalsha-load true
	// [local prod]
	// rediss://redis.prod.internal:6380/0 app true true PROD_REDIS_PASSWORD
}

// A typo is an error that says what was meant.
func ExampleLoad_typo() {
	dir, _ := os.MkdirTemp("", "config-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte("[connections.prod]\nurl = \"redis://h\"\nreadonyl = true\n"), 0o600)

	_, err := config.Load(path)
	fmt.Println(err.Error()[len(path):])
	// Output:
	// : unknown key connections.prod.readonyl (did you mean readonly?)
}
