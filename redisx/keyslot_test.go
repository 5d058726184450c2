package redisx_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// keyslotKeys is the corpus: the hash-tag corner cases, every single
// byte, and random keys built to hit tags, braces and binary often.
func keyslotKeys(n int) []string {
	keys := []string{
		"", "{}", "{user}1", "a{}b{c}", "{a}{b}", "}{", "{", "}", "{{}}", "{{a}}", "{}{a}",
		"a{b", "a}b{", "{user1000}.following", "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}",
		"rate:demo", "123456789", "\x00", "{\x00}", "{\xff}x", strings.Repeat("x", 100_000),
		"{" + strings.Repeat("t", 10_000) + "}" + strings.Repeat("k", 10_000),
	}
	for b := 0; b < 256; b++ {
		keys = append(keys, string([]byte{byte(b)}))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab{}{}:x")
	for len(keys) < n {
		var k []byte
		switch rng.IntN(4) {
		case 0: // any bytes
			k = make([]byte, rng.IntN(40))
			for i := range k {
				k[i] = byte(rng.IntN(256))
			}
		case 1: // braces everywhere
			k = make([]byte, rng.IntN(12))
			for i := range k {
				k[i] = alphabet[rng.IntN(len(alphabet))]
			}
		case 2: // a tag with binary inside
			tag := make([]byte, rng.IntN(6))
			for i := range tag {
				tag[i] = byte(rng.IntN(256))
			}
			k = []byte("obj:{" + string(tag) + "}:" + string(rune('a'+rng.IntN(26))))
		default: // long keys
			k = make([]byte, 1000+rng.IntN(5000))
			for i := range k {
				k[i] = byte(rng.IntN(256))
			}
		}
		keys = append(keys, string(k))
	}
	return keys
}

// TestKeyslotMatchesServer: luascope's KeySlot agrees with a real
// cluster-enabled redis-server's CLUSTER KEYSLOT on 10,000 keys. CLUSTER
// KEYSLOT needs no slots assigned, so one cluster-enabled node suffices
// (a whole cluster would only cost the shared cores time).
func TestKeyslotMatchesServer(t *testing.T) {
	srv := sandboxtest.StartT(t, "cluster-enabled yes", "cluster-config-file nodes.conf")
	c := srv.Client(func(o *redis.Options) { o.ReadTimeout = 30 * time.Second })
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	keys := keyslotKeys(10_000)
	start := time.Now()
	pipe := c.Pipeline()
	cmds := make([]*redis.IntCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.ClusterKeySlot(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d CLUSTER KEYSLOT in one pipeline: %v", len(keys), time.Since(start).Round(time.Millisecond))
	bad := 0
	for i, k := range keys {
		if got, want := redisx.KeySlot(k), int(cmds[i].Val()); got != want {
			if bad++; bad <= 10 {
				t.Errorf("KeySlot(%.60q) = %d, CLUSTER KEYSLOT says %d", k, got, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d keys disagree", bad, len(keys))
	}
}
