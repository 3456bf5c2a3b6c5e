/**
 * Reserve against one (user, period) counter hash {spent, reserved, gen}, initialising it first if it does not
 * exist. Runs as one script, so the existence check, the initialisation and the decision cannot interleave with
 * another replica's: the first caller's baseline wins, later ones find the counter and use it.
 *
 * KEYS[1] counter · ARGV[1] limit µ$ · ARGV[2] estimate µ$ · ARGV[3] baseline µ$ ('' = not read yet) · ARGV[4] ttl s
 * · ARGV[5] generation for a new counter
 * Returns {-1, 0, ''} when the counter is missing and no baseline was given, else {admitted (0|1), spent, generation}
 */
export const RESERVE_BUDGET_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  if ARGV[3] == '' then
    return {-1, 0, ''}
  end
  redis.call('HSET', KEYS[1], 'spent', ARGV[3], 'reserved', 0, 'gen', ARGV[5])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
local state = redis.call('HMGET', KEYS[1], 'spent', 'reserved', 'gen')
local spent = tonumber(state[1] or '0')
local reserved = tonumber(state[2] or '0')
local limit = tonumber(ARGV[1])
local estimate = tonumber(ARGV[2])
local committed = spent + reserved
if committed >= limit or committed + estimate > limit then
  return {0, spent, state[3]}
end
redis.call('HINCRBY', KEYS[1], 'reserved', estimate)
return {1, spent, state[3]}
`;

/**
 * Settle a reservation: its hold goes (only if the counter is the one that granted it: same generation) and the
 * real cost is added. A counter that no longer exists is left alone: the next decision rebuilds it from Postgres.
 *
 * KEYS[1] counter · ARGV[1] estimate µ$ · ARGV[2] actual µ$ · ARGV[3] generation of the reservation. Returns 1 if applied.
 */
export const SETTLE_BUDGET_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HGET', KEYS[1], 'gen') == ARGV[3] then
  local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0') - tonumber(ARGV[1])
  if reserved < 0 then
    reserved = 0
  end
  redis.call('HSET', KEYS[1], 'reserved', reserved)
end
if tonumber(ARGV[2]) > 0 then
  redis.call('HINCRBY', KEYS[1], 'spent', ARGV[2])
end
return 1
`;

/** Release a reservation (no cost): KEYS[1] counter · ARGV[1] estimate µ$ · ARGV[2] generation. Returns 1 if applied. */
export const RELEASE_BUDGET_SCRIPT = `
if redis.call('HGET', KEYS[1], 'gen') ~= ARGV[2] then
  return 0
end
local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0') - tonumber(ARGV[1])
if reserved < 0 then
  reserved = 0
end
redis.call('HSET', KEYS[1], 'reserved', reserved)
return 1
`;
