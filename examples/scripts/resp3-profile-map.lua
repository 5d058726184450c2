-- A profile as a map, with a real double and a real boolean — for RESP3 callers.
-- KEYS[1]  the profile hash (fields: name, score)
redis.setresp(3)  -- from here on, redis.call replies arrive in RESP3 shapes

local profile = redis.call('HGETALL', KEYS[1])  -- {map={name=…, score=…}} after setresp(3)
local score = tonumber(profile.map.score)

return {map = {
  name = profile.map.name,
  score = {double = score},   -- RESP3: a double; RESP2: the bulk string "12.5"
  vip = score >= 10,          -- RESP3: boolean; RESP2: integer 1/0 (after setresp(3))
}}
-- A RESP2 caller gets the map as a flat array: key, value, key, value.
