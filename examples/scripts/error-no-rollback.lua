-- Record a withdrawal, then check the balance — in the wrong order.
-- KEYS[1]  the audit counter   KEYS[2]  the balance   ARGV[1]  the amount
redis.call('INCR', KEYS[1])                       -- a write: it stays

local balance = tonumber(redis.call('GET', KEYS[2])) or 0
local amount = tonumber(ARGV[1])
if amount > balance then
  -- error({err=...}) aborts the script with that error reply, from any depth.
  -- Never error() a table WITHOUT an err field: Redis 7.0 crashes on it.
  error({err = 'ERR insufficient funds'})
end
return redis.call('DECRBY', KEYS[2], amount)
-- Scripts are atomic but not transactional: the INCR above is not undone.
-- Validate first, write last.
