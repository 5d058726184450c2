package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestGenerate runs the generator on small command descriptions made
// for the purpose: a token inherits its block's since, a release's
// COMMAND DOCS drops what it lacks up to its version, an argument the two
// flavors describe differently is not a missing option, and only what
// appeared after the floor is written.
func TestGenerate(t *testing.T) {
	redisSrc := writeFiles(t, map[string]string{
		"set.json": `{"SET": {"since": "1.0.0", "arguments": [
			{"name": "key", "type": "key"}, {"name": "value", "type": "string"},
			{"name": "get", "token": "GET", "type": "pure-token", "optional": true, "since": "6.2.0"}]}}`,
		"expire.json": `{"EXPIRE": {"since": "1.0.0", "arguments": [
			{"name": "key", "type": "key"}, {"name": "seconds", "type": "integer"},
			{"name": "condition", "type": "oneof", "optional": true, "since": "7.0.0", "arguments": [
				{"name": "nx", "type": "pure-token", "token": "NX"}]}]}}`,
		"hexpire.json": `{"HEXPIRE": {"since": "7.4.0", "arguments": []}}`,
		"sflush.json":  `{"SFLUSH": {"since": "8.0.0", "arguments": []}}`,
		"get.json":     `{"GET": {"since": "1.0.0", "arguments": [{"name": "key", "type": "key"}]}}`,
		"bitop.json": `{"BITOP": {"since": "2.6.0", "arguments": [
			{"name": "operation", "type": "string"}, {"name": "destkey", "type": "key"}]}}`,
		"sentinel-masters.json": `{"MASTERS": {"since": "2.8.4", "container": "SENTINEL", "command_flags": ["ONLY_SENTINEL"]}}`,
	})
	redisDocs := writeFiles(t, map[string]string{"docs.json": `{
		"set": {"since": "1.0.0", "arguments": [{"name": "key", "type": "key"}, {"name": "value", "type": "string"},
			{"name": "get", "token": "GET", "flags": ["optional"], "since": "6.2.0"}]},
		"hexpire": {"since": "7.4.0"}, "get": {"since": "1.0.0"}, "bitop": {"since": "2.6.0"},
		"expire": {"since": "1.0.0", "arguments": [{"name": "key", "type": "key"}, {"name": "seconds", "type": "integer"},
			{"name": "condition", "type": "oneof", "flags": ["optional"], "since": "7.0.0", "arguments": [
				{"name": "nx", "type": "pure-token", "token": "NX"}]}]},
		"hgetex": {"since": "8.0.0", "arguments": [{"name": "key", "type": "key"}]},
		"client": {"since": "2.4.0", "subcommands": {"client|no-touch": {"since": "7.2.0"}}}}`})
	valkeySrc := writeFiles(t, map[string]string{
		"set.json": `{"SET": {"since": "1.0.0", "arguments": [
			{"name": "key", "type": "key"}, {"name": "value", "type": "string"},
			{"name": "get", "token": "GET", "type": "pure-token", "optional": "true", "since": "6.2.0"},
			{"name": "ifeq", "token": "IFEQ", "type": "string", "optional": true, "since": "8.1.0"}]}}`,
		"bitop.json": `{"BITOP": {"since": "2.6.0", "arguments": [
			{"name": "operation", "type": "oneof", "arguments": [{"name": "and", "type": "pure-token", "token": "AND"}]}]}}`,
		"commandlog.json": `{"COMMANDLOG": {"since": "8.1.0"}}`,
		"get.json":        `{"GET": {"since": "1.0.0"}}`,
		"client.json":     `{"CLIENT": {"since": "2.4.0"}}`,
		"expire.json": `{"EXPIRE": {"since": "1.0.0", "arguments": [
			{"name": "key", "type": "key"}, {"name": "seconds", "type": "integer"},
			{"name": "condition", "type": "oneof", "optional": true, "since": "7.0.0", "arguments": [
				{"name": "nx", "type": "pure-token", "token": "NX"}]}]}}`,
	})
	redis, valkey := newFlavorData(), newFlavorData()
	for _, err := range []error{
		readSrc(redis, redisSrc), readDocs(redis, "8.0.2="+filepath.Join(redisDocs, "docs.json")), readSrc(valkey, valkeySrc),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	redis.finish()
	valkey.finish()
	floor, _ := parseVersion("6.0.0")
	out, err := render(redis, valkey, floor, "test")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Join(strings.Fields(string(out)), " ") // gofmt's alignment aside
	for _, want := range []string{
		`var sinceHorizon = [2]version{0x080002, 0x080100}`,
		`"set": {[2]version{0x010000, 0x010000}, 2, []tokenSince{{"GET", [2]version{0x060200, 0x060200}}, {"IFEQ", [2]version{never, 0x080100}}}},`,
		`"hexpire": {[2]version{0x070400, never}, 0, nil},`,
		`"hgetex": {[2]version{0x080000, never}, 1, nil},`,
		`"client|no-touch": {[2]version{0x070200, never}, 0, nil},`,
		`"commandlog": {[2]version{never, 0x080100}, 0, nil},`,
		`"expire": {[2]version{0x010000, 0x010000}, 2, []tokenSince{{"NX", [2]version{0x070000, 0x070000}}}},`,
	} {
		if !strings.Contains(src, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("missing %s", want)
		}
	}
	for _, absent := range []string{`"sflush"`, `"get"`, `"bitop"`, `"client"`, `"sentinel`, `"masters"`} {
		if strings.Contains(src, absent) {
			t.Errorf("%s should not be in the table", absent)
		}
	}
	if t.Failed() {
		t.Log(src)
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]version{"7.0.15": 0x07000f, "2.6": 0x020600, "255.255.255": 0xffffff} {
		if got, err := parseVersion(in); err != nil || got != want {
			t.Errorf("parseVersion(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "7", "7.x.1", "1.2.3.4", "256.0.0"} {
		if _, err := parseVersion(in); err == nil {
			t.Errorf("parseVersion(%q): no error", in)
		}
	}
}
