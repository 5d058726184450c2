-- Claim job ARGV[1] for worker ARGV[2], at most once, for ARGV[3] seconds.
-- KEYS[1]  the claim key of this job   KEYS[2]  the pending list
-- KEYS[3]  the processing list
-- Give the three keys one hash tag (jobs:{emails}:…) so they share a slot:
-- then the script works in a cluster too.
-- Returns {outcome, owner}: claimed | already-yours | taken | not-pending.
local job, worker, ttl = ARGV[1], ARGV[2], ARGV[3]

-- SET NX answers {ok='OK'} when it set the key and false when the key exists.
if not redis.call('SET', KEYS[1], worker, 'NX', 'EX', ttl) then
  local owner = redis.call('GET', KEYS[1])
  if owner == worker then
    return {'already-yours', owner}  -- a retried claim is not an error
  end
  return {'taken', owner}
end

-- Move the job from pending to processing; undo the claim if it is not pending.
if redis.call('LREM', KEYS[2], 1, job) == 0 then
  redis.call('DEL', KEYS[1])
  return {'not-pending', false}
end
redis.call('LPUSH', KEYS[3], job)
return {'claimed', worker}
