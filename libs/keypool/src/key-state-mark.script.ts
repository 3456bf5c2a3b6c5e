/**
 * Atomic mark of one key's state hash in Redis, with the same rules as `mergeMark`: disabled is never downgraded,
 * a cooldown only ever gets a later deadline. Publishes the new state when it wrote one, and always answers the
 * entry as stored afterwards so the caller's local view can catch up.
 *
 * KEYS[1] state hash · ARGV[1] state · ARGV[2] reason · ARGV[3] until (epoch ms, cooling) · ARGV[4] ttl ms
 * (cooling) · ARGV[5] channel · ARGV[6] message to publish
 * Returns {wrote (0|1), state, reason, until}
 */
export const MARK_KEY_STATE_SCRIPT = `
local current = redis.call('HMGET', KEYS[1], 'state', 'reason', 'until')
local state, reason, untilMs = current[1], current[2], current[3]
local write
if state == 'disabled' then
  write = false
elseif ARGV[1] == 'disabled' then
  write = true
elseif state == 'cooling' and tonumber(untilMs or '0') >= tonumber(ARGV[3]) then
  write = false
else
  write = true
end
if not write then
  return {0, state, reason, untilMs}
end
redis.call('DEL', KEYS[1])
if ARGV[1] == 'disabled' then
  redis.call('HSET', KEYS[1], 'state', 'disabled', 'reason', ARGV[2])
  redis.call('PUBLISH', ARGV[5], ARGV[6])
  return {1, 'disabled', ARGV[2], false}
end
redis.call('HSET', KEYS[1], 'state', 'cooling', 'reason', ARGV[2], 'until', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {1, 'cooling', ARGV[2], ARGV[3]}
`;

/** KEYS[1] state hash · ARGV[1] channel · ARGV[2] message. Back to valid: the entry goes, the change is published. */
export const ENABLE_KEY_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;
