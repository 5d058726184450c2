-- Add ARGV[1] to the counter in KEYS[1]; return the new value.
return redis.call('INCRBY', KEYS[1], ARGV[1])
