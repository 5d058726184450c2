-- {double = x} to a RESP2 caller is a bulk string of the server's own
-- text for the number: 17 significant digits on Redis 7.0, the shortest
-- text that reads back the same on Redis 8.0 and Valkey 8.1.
local price = tonumber(redis.call('GET', KEYS[1]))
return {double = price}
