-- Sliding-window rate limiter: at most ARGV[1] requests in any ARGV[2]
-- milliseconds, logged in the sorted set KEYS[1] (score = time in ms).
-- ARGV[3] is a unique request id (the member), so two requests in the
-- same millisecond are both counted.
-- Returns {allowed (1/0), requests left}.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])

-- Use the server's clock: every client agrees on it. (Redis 7 replicates a
-- script's effects, not the script, so TIME is safe to use before writes.)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)  -- forget old requests
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  return {0, 0}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)  -- an idle caller's log goes away
return {1, limit - used - 1}
