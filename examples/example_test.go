package examples_test

import (
	"errors"
	"fmt"

	"luascope/examples"
)

func ExampleGet() {
	e, err := examples.Get("lock-release")
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Title)
	fmt.Println("keys:", e.Keys, "args:", e.Args)
	fmt.Println("setup:", e.Setup[1])
	fmt.Println("RESP3 caller gets:", e.Expected(3))
	// Output:
	// Release a lock by token (compare-and-delete)
	// keys: [lock:report:daily] args: [worker-a:7f3e]
	// setup: [SET lock:report:daily worker-b:91c2 PX 30000]
	// RESP3 caller gets: {"type":"integer","value":0}
}

func ExampleGet_unknown() {
	_, err := examples.Get("rate-limiter")
	fmt.Println(errors.Is(err, examples.ErrUnknown))
	// Output: true
}

func ExampleAll() {
	for _, e := range examples.All() {
		if e.HasTag(examples.TagRESP3) {
			fmt.Println(e.Name)
		}
	}
	// Output:
	// resp3-profile-map
	// resp3-common-tags
}
