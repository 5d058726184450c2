package history_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"luascope/history"
)

func Example() {
	dir, _ := os.MkdirTemp("", "history-example")
	defer os.RemoveAll(dir)

	// In luascope: path, err := history.DefaultPath()
	s, err := history.Open(filepath.Join(dir, "history.jsonl"), history.Options{})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Append(history.Entry{
		Time:     time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		Target:   "redis://app:***@127.0.0.1:6379",
		SHA:      "e0e1f9fabfc9d4800c877a703b823ac0578ff8db",
		Source:   "return redis.call('INCR', KEYS[1])",
		Keys:     []string{"counter"},
		Strategy: "evalsha-load",
		Steps: []history.Step{{
			Command: []string{"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "1", "counter"},
			Node:    "127.0.0.1:6379", Outcome: "ok", Micros: 61, Reply: "(integer) 1",
		}},
		Reply:  "(integer) 1",
		Micros: 61,
	})
	if err != nil {
		log.Fatal(err)
	}
	entries, problems, err := s.Load()
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range history.Filter(history.NewestFirst(entries), "sha:e0e1 counter") {
		fmt.Println(e.Time.Format(time.RFC3339), e.Keys, e.Reply)
	}
	fmt.Println(len(problems), "problems")
	// Output:
	// 2025-03-01T12:00:00Z [counter] (integer) 1
	// 0 problems
}
