-- Take ARGV[1] units of stock from KEYS[1], never going below zero.
-- Returns {taken (1/0), stock left}.
local want = tonumber(ARGV[1])
if not want or want <= 0 then
  return redis.error_reply('ERR quantity must be a positive number')
end

-- A missing key is false, and tonumber(false) is nil: treat it as no stock.
local stock = tonumber(redis.call('GET', KEYS[1])) or 0
if stock < want then
  return {0, stock}                 -- refuse, and write nothing
end
return {1, redis.call('DECRBY', KEYS[1], want)}
