-- TIME twice, with work between: on Redis 7.0 the clock moves; on Redis
-- 8.0 and Valkey 8.1 a script sees the time it started, every time.
local first = redis.call('TIME')
local n = 0
for i = 1, tonumber(ARGV[1]) do n = n + i end
local second = redis.call('TIME')
redis.call('SET', KEYS[1], n)
if first[1] == second[1] and first[2] == second[2] then
  return 'frozen'
end
return 'moved'
