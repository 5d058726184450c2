-- Read a field of a profile hash, and say which key was the wrong type.
-- KEYS[1]  the profile hash   ARGV[1]  the field
-- redis.call raises a command's error and stops the script;
-- redis.pcall hands it back as a table {err='WRONGTYPE …'}.
local v = redis.pcall('HGET', KEYS[1], ARGV[1])
if type(v) == 'table' and v.err then
  -- Returning {err=...} sends an error reply; keep Redis's error code
  -- (the first word) so clients can still match on it.
  return {err = v.err .. ' (key ' .. KEYS[1] .. ')'}
end
return v
