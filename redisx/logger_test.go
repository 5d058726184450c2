package redisx_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"luascope/redisx"
	"luascope/redisx/sandbox/sandboxtest"
)

// --debug-log holds every round trip (it used to be an empty file), and
// no password in it.
func TestDebugLogHasEachRoundTripWithoutSecrets(t *testing.T) {
	srv := sandboxtest.StartT(t)
	s := connect(t, srv)
	var log bytes.Buffer
	redisx.SetDebugLog(&log)
	defer redisx.SetDebugLog(nil)
	res := s.Run(context.Background(), redisx.Call{
		Script: redisx.NewScript("return redis.call('incr', KEYS[1])"), Keys: []string{"logged:key"}, Strategy: redisx.EvalshaLoad,
	}, nil)
	if res.Error != nil {
		t.Fatalf("run: %+v", res.Error)
	}
	if _, err := s.OnNode(context.Background(), srv.Addr(), "AUTH", "someone", "hunter2secret"); err != nil {
		t.Fatal(err)
	}
	got := log.String()
	for _, want := range []string{"EVALSHA", "NOSCRIPT", "SCRIPT LOAD", "logged:key", srv.Addr(), "(integer) 1", "AUTH (secret) (secret)"} {
		if !strings.Contains(got, want) {
			t.Errorf("debug log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hunter2secret") {
		t.Errorf("the password reached the debug log:\n%s", got)
	}
}
