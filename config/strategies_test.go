package config

import (
	"slices"
	"testing"

	"luascope/redisx"
)

// TestStrategiesMatchRedisx keeps the copied list honest.
func TestStrategiesMatchRedisx(t *testing.T) {
	var want []string
	for _, s := range redisx.Strategies {
		want = append(want, string(s))
	}
	if !slices.Equal(Strategies(), want) {
		t.Fatalf("config strategies %v, redisx %v", Strategies(), want)
	}
}
