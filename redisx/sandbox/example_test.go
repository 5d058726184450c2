package sandbox_test

import (
	"context"
	"fmt"
	"log"

	"luascope/redisx/sandbox"
)

// A test starts its own server and stops it when done; t.Cleanup(func()
// { s.Stop() }) is the usual form.
func ExampleStart() {
	ctx := context.Background()
	s, err := sandbox.Start(ctx, sandbox.Options{Config: []string{"maxmemory 2mb"}})
	if err != nil {
		log.Fatal(err) // names the missing binary or quotes the server's log
	}
	defer s.Stop()

	c := s.Client()
	defer c.Close()
	n, err := c.Eval(ctx, "return redis.call('INCRBY', KEYS[1], ARGV[1])", []string{"hits"}, 41).Int()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n + 1)
	// Output: 42
}

// A replica pair is ready for reads on the replica once StartPair returns.
func ExampleStartPair() {
	ctx := context.Background()
	p, err := sandbox.StartPair(ctx, sandbox.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Stop()

	primary, replica := p.Primary.Client(), p.Replica.Client()
	defer primary.Close()
	defer replica.Close()
	primary.Set(ctx, "k", "v", 0)
	primary.Do(ctx, "WAIT", 1, 1000) // replication is asynchronous
	fmt.Println(replica.Get(ctx, "k").Val())
	// Output: v
}

// A cluster serves every slot when StartCluster returns (about 2s: a new
// primary does not accept writes for its first 2 seconds).
func ExampleStartCluster() {
	ctx := context.Background()
	c, err := sandbox.StartCluster(ctx, sandbox.ClusterOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Stop()

	cc := c.Client()
	defer cc.Close()
	cc.Set(ctx, "{user1}:name", "ada", 0)
	fmt.Println(cc.Get(ctx, "{user1}:name").Val(), len(c.Nodes))
	// Output: ada 6
}

// Main installs StopAll in its signal handler, so that Ctrl-C does not
// leave a server running (Pdeathsig covers a crash only on Linux).
func ExampleStopAll() {
	defer sandbox.StopAll()
	// ... run the TUI against a sandbox.Start server ...
	// Output:
}
