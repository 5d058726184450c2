-- Is ARGV[1] a member of the set KEYS[1], and what does KEYS[2] hold?
-- KEYS[1]  a set          ARGV[1]  the member to look for
-- KEYS[2]  a string key that does not exist
local member = redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1

-- A missing key comes back from redis.call as Lua false, not nil: nil
-- cannot be stored in a table, so Redis uses false for "no value".
local missing = redis.call('GET', KEYS[2])

-- Lua true  → integer 1
-- Lua false → nil reply (a RESP2-mode script cannot send false)
-- false is a value, so it does not cut the table the way nil does.
return {member, not member, missing, type(missing)}
