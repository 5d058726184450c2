-- Release a lock only if we still hold it (compare-and-delete).
-- KEYS[1]  the lock    ARGV[1]  our token (the value we SET it to)
-- Returns 1 when released, 0 when the lock is not ours (any more).
--
-- A plain DEL is the bug: if our lock expired and another worker took it,
-- DEL frees THEIR lock. GET then DEL from a client races the same way;
-- inside a script nothing runs between the two.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
