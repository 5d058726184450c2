-- A command the server does not know, called with pcall: the error's
-- text is the server's own, and Redis and Valkey word it differently.
local r = redis.pcall('GETDELL', KEYS[1])
return r.err
