-- Tags two users share, as a real set for RESP3 callers.
-- KEYS[1], KEYS[2]  sets of tags. Give both keys the same hash tag
-- (tags:{team}:ana, tags:{team}:ben) so they share a cluster slot.
redis.setresp(3)
local shared = redis.call('SINTER', KEYS[1], KEYS[2])  -- {set={rust=true, …}}
-- RESP3 caller: a set reply (no order, no duplicates).
-- RESP2 caller: a plain array of the members.
return shared
