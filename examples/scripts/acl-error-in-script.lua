-- Runs as the ACL user lesson-reader, whom the setup lets read keys
-- acl:* and run scripts, but not write: the SET below is refused inside
-- the script. redis.pcall hands the refusal back as a value, so the
-- script can return its text (redis.call would raise it).
local r = redis.pcall('SET', KEYS[1], 'final')
if type(r) == 'table' and r.err then
  return r.err
end
-- Run as a user who may write (the TUI's connection, luascope test's
-- sandbox), the SET goes through.
return 'SET went through: this user may write'
