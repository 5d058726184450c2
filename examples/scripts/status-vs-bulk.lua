-- Store a value and report how it went, three ways.
-- KEYS[1]  the key to set     ARGV[1]  the value
local set = redis.call('SET', KEYS[1], ARGV[1])  -- a status reply arrives as {ok='OK'}

return {
  set,                              -- passed through: status reply OK
  'OK',                             -- a Lua string: bulk string "OK"
  redis.status_reply('STORED'),     -- same as {ok='STORED'}: status reply
}
-- redis-cli prints OK for both; a client that reads types can tell them
-- apart (go-redis folds both into a Go string, redis-py may not).
