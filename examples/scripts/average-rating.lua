-- Average rating of one book, from a hash that keeps a running sum and count.
-- KEYS[1]  the ratings hash (fields: sum, count)
-- Returns {average as Redis sees it, average as text}.
local sum = tonumber(redis.call('HGET', KEYS[1], 'sum')) or 0
local count = tonumber(redis.call('HGET', KEYS[1], 'count')) or 0
if count == 0 then
  return {0, '0.00'}
end
local avg = sum / count               -- a Lua number: 23 / 6 = 3.8333…

-- Pitfall: a Lua number becomes an integer reply, its fraction cut off
-- (3.83 → 3, and -0.5 → 0). Send it as text, or as {double=avg} to a
-- caller that speaks RESP3, to keep the digits.
return {avg, string.format('%.2f', avg)}
