package main

// exampleScript opens in the editor when luascope starts without a FILE:
// a rate limiter that shows keys, args, a write and a multi-value reply.
const exampleScript = `-- A fixed-window rate limiter: allow ARGV[1] calls per ARGV[2] seconds
-- for the key in KEYS[1]. Returns {allowed (1/0), calls so far, ttl}.
-- Press ctrl+r to run it, F1 for help.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local calls = redis.call('INCR', KEYS[1])
if calls == 1 then
  redis.call('EXPIRE', KEYS[1], window)
end
local ttl = redis.call('TTL', KEYS[1])
if calls > limit then
  return {0, calls, ttl}
end
return {1, calls, ttl}
`
