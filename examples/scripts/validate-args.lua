-- Add ARGV[1] units to the counter KEYS[1], refusing anything that is not
-- a positive whole number — before any write happens.
local qty = tonumber(ARGV[1])
if not qty then
  -- An error reply on purpose: the caller's client raises it as an error.
  return redis.error_reply('ERR quantity is not a number: ' .. ARGV[1])
end
if qty <= 0 or qty % 1 ~= 0 then
  -- {err=...} is the same thing as redis.error_reply(...).
  return {err = 'ERR quantity must be a positive integer: ' .. ARGV[1]}
end
return redis.call('INCRBY', KEYS[1], qty)
