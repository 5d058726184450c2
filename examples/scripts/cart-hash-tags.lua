-- Add ARGV[2] units of item ARGV[1] at ARGV[3] cents each to a cart, and
-- keep the cart's total in step.
-- KEYS[1]  cart:{42}:items (hash item → quantity)
-- KEYS[2]  cart:{42}:total (cents)
-- Only the part in braces is hashed: both keys are in the slot of "42", so
-- a cluster lets one script touch both. Without the braces the two keys
-- usually land in different slots and the cluster answers CROSSSLOT.
local qty = tonumber(ARGV[2])
local price = tonumber(ARGV[3])
if not qty or not price then
  return redis.error_reply('ERR quantity and price must be numbers')
end
local items = redis.call('HINCRBY', KEYS[1], ARGV[1], qty)
local total = redis.call('INCRBY', KEYS[2], qty * price)
return {items, total}
