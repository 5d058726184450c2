-- Read numeric fields of a hash; some of them are missing.
-- KEYS[1]  the hash          ARGV  the field names, in order
local cut, kept = {}, {}
for i, field in ipairs(ARGV) do
  local v = redis.call('HGET', KEYS[1], field)  -- false when the field is missing
  cut[i] = tonumber(v)                -- tonumber(false) is nil: a hole in the table
  kept[i] = tonumber(v) or false      -- false keeps the slot: it becomes a nil reply
end
-- Redis converts a table by reading t[1], t[2], … and stops at the first
-- nil: everything after a hole is silently lost.
return {cut, kept}
