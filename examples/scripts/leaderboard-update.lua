-- Add ARGV[2] points to player ARGV[1] in the leaderboard KEYS[1] and
-- return {new score, rank (1 = top)}.
local score = redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])
-- ZINCRBY answers with the score as a string ("160", or "12.5"): return it
-- as is. tonumber() would make it a Lua number, and 12.5 would reach the
-- caller as the integer 12.
local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])  -- 0-based, highest first
return {score, rank + 1}
