/**
 * The Redis limiter's Lua scripts: the same arithmetic as token-bucket.ts and limit-decision.ts. Per subject three
 * keys: its request bucket and token bucket (hashes {l: level, at: epoch ms}; missing = full) and its lease set (a
 * sorted set of lease ids scored by expiry in epoch ms; admission counts only live ones, ending a request trims the
 * expired ones, and the set itself expires a lease length after its last write).
 *
 * ARGV[1] is always the time in epoch ms, or '' to use the Redis server's clock (one clock for every replica).
 */
const PRELUDE = `
local function now_ms()
  if ARGV[1] ~= '' then return tonumber(ARGV[1]) end
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function level_of(key, capacity, now)
  local stored = redis.call('HMGET', key, 'l', 'at')
  if not stored[1] then return capacity end
  local elapsed = now - tonumber(stored[2])
  if elapsed < 0 then elapsed = 0 end
  return math.min(capacity, tonumber(stored[1]) + elapsed * capacity / 60000)
end
local function ms_until(level, target, capacity)
  if level >= target then return 0 end
  return math.ceil((target - level) * 60000 / capacity)
end
local function store_level(key, level, capacity, now)
  local until_full = ms_until(level, capacity, capacity)
  if until_full == 0 then
    redis.call('DEL', key)
  else
    redis.call('HSET', key, 'l', tostring(level), 'at', now)
    redis.call('PEXPIRE', key, until_full + 1000)
  end
end
local function text(value)
  if value == false then return '' end
  return tostring(value)
end
`;

/**
 * Admit one request over all its subjects: check every bucket and slot, then take all or none.
 *
 * KEYS, per subject i: [3i-2] request bucket, [3i-1] token bucket, [3i] lease set.
 * ARGV[1] now · ARGV[2] lease id · ARGV[3] lease ms · ARGV[4] tokens to reserve;
 * per subject i: ARGV[3i+2] requests per minute, ARGV[3i+3] tokens per minute, ARGV[3i+4] concurrent (0 = none).
 * Returns {blocked subject (0 = admitted), blocked kind, wait ms, now, then per subject: request level, token level,
 * leases in use ('' where the subject has no such limit)}, the counters after the admission (or as they were).
 */
export const ADMIT_SCRIPT = `${PRELUDE}
local now = now_ms()
local lease_id = ARGV[2]
local lease_ms = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local subjects = #KEYS / 3
local counters = {}
local blocked, blocked_kind, blocked_wait = 0, '', -1
local function consider(index, kind, wait)
  if wait > blocked_wait then blocked, blocked_kind, blocked_wait = index, kind, wait end
end
for i = 1, subjects do
  local rpm, tpm, concurrent = tonumber(ARGV[3 * i + 2]), tonumber(ARGV[3 * i + 3]), tonumber(ARGV[3 * i + 4])
  local counter = {false, false, false}
  if rpm > 0 then
    counter[1] = level_of(KEYS[3 * i - 2], rpm, now)
    if counter[1] < 1 then consider(i, 'request', ms_until(counter[1], 1, rpm)) end
  end
  if tpm > 0 then
    counter[2] = level_of(KEYS[3 * i - 1], tpm, now)
    local needed = math.max(1, math.min(cost, tpm))
    if counter[2] < needed then consider(i, 'token', ms_until(counter[2], needed, tpm)) end
  end
  if concurrent > 0 then
    counter[3] = redis.call('ZCOUNT', KEYS[3 * i], '(' .. now, '+inf')
    if counter[3] >= concurrent then consider(i, 'concurrency', 1000) end
  end
  counters[i] = counter
end
if blocked == 0 then
  for i = 1, subjects do
    local rpm, tpm, concurrent = tonumber(ARGV[3 * i + 2]), tonumber(ARGV[3 * i + 3]), tonumber(ARGV[3 * i + 4])
    local counter = counters[i]
    if rpm > 0 then
      counter[1] = counter[1] - 1
      store_level(KEYS[3 * i - 2], counter[1], rpm, now)
    end
    if tpm > 0 then
      counter[2] = counter[2] - cost
      store_level(KEYS[3 * i - 1], counter[2], tpm, now)
    end
    if concurrent > 0 then
      redis.call('ZADD', KEYS[3 * i], now + lease_ms, lease_id)
      redis.call('PEXPIRE', KEYS[3 * i], lease_ms)
      counter[3] = counter[3] + 1
    end
  end
end
local reply = {blocked, blocked_kind, tostring(blocked_wait), tostring(now)}
for i = 1, subjects do
  local counter = counters[i]
  table.insert(reply, text(counter[1]))
  table.insert(reply, text(counter[2]))
  table.insert(reply, text(counter[3]))
end
return reply
`;

/**
 * End one admitted request: settle its token reservation (the bucket loses `difference` more tokens; negative
 * gives some back, never above the capacity), free its lease and trim expired ones (off the admission path).
 *
 * KEYS, per subject i: [2i-1] token bucket, [2i] lease set. ARGV[1] now · ARGV[2] lease id · ARGV[3] difference;
 * per subject i: ARGV[2i+2] tokens per minute, ARGV[2i+3] concurrent (0 = none).
 */
export const FINISH_SCRIPT = `${PRELUDE}
local now = now_ms()
local difference = tonumber(ARGV[3])
for i = 1, #KEYS / 2 do
  local tpm, concurrent = tonumber(ARGV[2 * i + 2]), tonumber(ARGV[2 * i + 3])
  if tpm > 0 and difference ~= 0 then
    store_level(KEYS[2 * i - 1], math.min(tpm, level_of(KEYS[2 * i - 1], tpm, now) - difference), tpm, now)
  end
  if concurrent > 0 then
    redis.call('ZREM', KEYS[2 * i], ARGV[2])
    redis.call('ZREMRANGEBYSCORE', KEYS[2 * i], '-inf', now)
  end
end
return 1
`;

/**
 * Renew live leases: each expires `lease ms` from now again. A lease that has already expired and been trimmed is
 * not brought back (its slot may have been given to someone else).
 *
 * KEYS[i] a lease set · ARGV[1] now · ARGV[2] lease ms · ARGV[2 + i] the lease id in KEYS[i].
 */
export const RENEW_SCRIPT = `${PRELUDE}
local now = now_ms()
local lease_ms = tonumber(ARGV[2])
for i = 1, #KEYS do
  local expires = tonumber(redis.call('ZSCORE', KEYS[i], ARGV[2 + i]))
  if expires and expires > now then
    redis.call('ZADD', KEYS[i], now + lease_ms, ARGV[2 + i])
    redis.call('PEXPIRE', KEYS[i], lease_ms)
  end
end
return 1
`;

/**
 * Read counters without changing them. KEYS as for ADMIT_SCRIPT; ARGV[1] now; per subject i: ARGV[3i-1] requests per
 * minute, ARGV[3i] tokens per minute, ARGV[3i+1] concurrent. Returns {now, then per subject its three counters}.
 */
export const PEEK_SCRIPT = `${PRELUDE}
local now = now_ms()
local reply = {tostring(now)}
for i = 1, #KEYS / 3 do
  local rpm, tpm, concurrent = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])
  local counter = {false, false, false}
  if rpm > 0 then counter[1] = level_of(KEYS[3 * i - 2], rpm, now) end
  if tpm > 0 then counter[2] = level_of(KEYS[3 * i - 1], tpm, now) end
  if concurrent > 0 then counter[3] = redis.call('ZCOUNT', KEYS[3 * i], '(' .. now, '+inf') end
  table.insert(reply, text(counter[1]))
  table.insert(reply, text(counter[2]))
  table.insert(reply, text(counter[3]))
end
return reply
`;
