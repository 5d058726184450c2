-- Return a session's user id, or fail loudly when the session is gone.
-- KEYS[1]  the session hash
local user = redis.call('HGET', KEYS[1], 'user')
if not user then
  -- This script's own error: it ran, and the script cache is fine.
  -- Reloading the script (the usual NOSCRIPT cure) will not help.
  return redis.error_reply('no such key')
end
return user
