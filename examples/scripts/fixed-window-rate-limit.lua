-- Fixed-window rate limiter: allow ARGV[1] calls per ARGV[2] seconds for
-- the caller counted in KEYS[1].
-- Returns {allowed (1/0), calls left in this window}.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])

local calls = redis.call('INCR', KEYS[1])
if calls == 1 then
  -- The first call opens the window. INCR and EXPIRE run atomically
  -- here; from a client, a crash between them leaves a key that never expires.
  redis.call('EXPIRE', KEYS[1], window)
end

if calls > limit then
  return {0, 0}
end
return {1, limit - calls}
