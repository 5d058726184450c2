package config

// strategies mirrors redisx.Strategies (a test checks they agree). It is
// copied rather than imported so that reading the config does not pull
// in the Redis client.
var strategies = []string{"evalsha-load", "evalsha-eval", "eval", "load-first"}

// Strategies lists the valid values of strategy, for validation and help.
func Strategies() []string { return append([]string(nil), strategies...) }
