package history

import (
	"testing"
	"time"
)

func TestFilter(t *testing.T) {
	mk := func(sha, class, src string, keys, args []string, target, errMsg string) Entry {
		return Entry{SHA: sha, ErrorClass: class, Source: src, Keys: keys, Args: args, Target: target, Error: errMsg}
	}
	es := []Entry{
		mk("abc123", "", "return redis.call('GET', KEYS[1])", []string{"user:1"}, nil, "redis://a:6379", ""),
		mk("abd999", "runtime", "error('Boom')", nil, []string{"x"}, "redis://prod:6379", "ERR user_script:1: Boom"),
		mk("ffff00", "noscript", "return 1", []string{"cart:9"}, []string{"needle arg"}, "redis://b:6379", "NOSCRIPT No matching script"),
	}
	for q, want := range map[string][]string{
		"":                       {"abc123", "abd999", "ffff00"},
		"sha:ab":                 {"abc123", "abd999"},
		"SHA:ABD":                {"abd999"},
		"class:runtime":          {"abd999"},
		"class:none":             {"abc123"},
		"boom":                   {"abd999"},
		"user:1":                 {"abc123"},
		"NEEDLE":                 {"ffff00"},
		`"needle arg"`:           {"ffff00"},
		"needle arg":             {"ffff00"},
		"prod":                   {"abd999"},
		"sha:ab redis.call":      {"abc123"},
		"class:noscript cart":    {"ffff00"},
		"class:noscript nomatch": {},
	} {
		got := Filter(es, q)
		shas := []string{}
		for _, e := range got {
			shas = append(shas, e.SHA)
		}
		if len(shas) != len(want) {
			t.Errorf("Filter(%q) = %v, want %v", q, shas, want)
			continue
		}
		for i := range want {
			if shas[i] != want[i] {
				t.Errorf("Filter(%q) = %v, want %v", q, shas, want)
				break
			}
		}
	}
}

func TestNewestFirst(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	es := []Entry{
		{SHA: "a", Time: t0},
		{SHA: "b", Time: t0.Add(2 * time.Second)},
		{SHA: "c", Time: t0.Add(time.Second)},
		{SHA: "d", Time: t0.Add(2 * time.Second)}, // same time as b, appended later
	}
	got := ""
	for _, e := range NewestFirst(es) {
		got += e.SHA
	}
	if got != "dbca" {
		t.Errorf("NewestFirst order %q, want dbca", got)
	}
	if es[0].SHA != "a" {
		t.Error("NewestFirst modified its input")
	}
}
