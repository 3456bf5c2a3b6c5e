import Redis from 'ioredis';
import { createTestRedisPrefix, FakeClock, testRedisUrl, type TestRedisPrefix } from '@tollgate/testing';
import type { Clock } from '@tollgate/time';
import type { LimitSubject } from './limit-set';
import { RedisRateLimiter } from './redis-rate-limiter';
import { admitted, describeRateLimiterContract } from './rate-limiter.contract.test-support';

describe('RedisRateLimiter (real Redis)', () => {
  let prefix: TestRedisPrefix;
  let redis: Redis;
  const limiters: RedisRateLimiter[] = [];
  let clock = new FakeClock(Date.parse('2026-12-03T08:00:00Z'));

  function limiter(leaseMs?: number): RedisRateLimiter {
    const created = new RedisRateLimiter({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:`, leaseMs, clock });
    limiters.push(created);
    return created;
  }

  async function ready(...targets: RedisRateLimiter[]): Promise<void> {
    for (const target of targets) expect(await target.whenReady(5_000)).toBe(true);
  }

  beforeEach(() => {
    prefix = createTestRedisPrefix();
    redis = new Redis(testRedisUrl());
  });

  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((created) => created.close()));
    await prefix.cleanup();
    redis.disconnect();
  });

  describe('the rate limiter contract', () => {
    describeRateLimiterContract(async (start) => {
      clock = new FakeClock(start);
      const created = limiter();
      await ready(created);
      return { limiter: created, clock };
    });
  });

  it('two limiters (replicas) admitting at once never pass a request, token or concurrency limit together', async () => {
    const [a, b] = [limiter(), limiter()];
    await ready(a, b);
    const subjects: LimitSubject[] = [
      { scope: 'user', id: 'alice', limits: { requestsPerMinute: 15 } },
      { scope: 'team', id: 'red', limits: { tokensPerMinute: 1000, concurrent: 12 } },
    ];
    const results = await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 ? a : b).admit({ subjects, tokens: 70 })));
    // 12 slots run out before 15 requests or 14 × 70 tokens do.
    expect(results.filter((result) => result.admitted)).toHaveLength(12);
    const [requests, tokens, slots] = await a.peek(subjects);
    expect([requests.remaining, tokens.remaining, slots.remaining]).toEqual([3, 1000 - 12 * 70, 0]);
    const refusals = results.flatMap((result) => (result.admitted ? [] : [result.refusal.kind]));
    expect(new Set(refusals)).toEqual(new Set(['concurrency']));
  });

  /** A replica whose renewal timer does not fire on its own (a stalled or crashed process): renewals are the test's. */
  function stalledLimiter(): RedisRateLimiter {
    const stalled: Clock = { now: () => clock.now(), setTimeout: () => undefined, clearTimeout: () => undefined };
    const created = new RedisRateLimiter({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:`, leaseMs: 30_000, clock: stalled });
    limiters.push(created);
    return created;
  }

  it('frees the slots of a replica that stopped renewing them a lease length after its last renewal', async () => {
    const [crashed, survivor] = [stalledLimiter(), limiter(30_000)];
    await ready(crashed, survivor);
    const subjects: LimitSubject[] = [{ scope: 'user', id: 'alice', limits: { concurrent: 1 } }];
    admitted(await crashed.admit({ subjects, tokens: 0 }));
    clock.advance(20_000);
    await crashed.renewLeases();
    clock.advance(20_000);
    expect((await survivor.admit({ subjects, tokens: 0 })).admitted).toBe(false);
    // The crashed replica renews no more: 30 s after its last renewal the slot is free.
    clock.advance(9_999);
    expect((await survivor.admit({ subjects, tokens: 0 })).admitted).toBe(false);
    clock.advance(2);
    const [slots] = await survivor.peek(subjects);
    expect(slots.remaining).toBe(1);
    admitted(await survivor.admit({ subjects, tokens: 0 }));
  });

  it('does not bring back a lease that expired before its replica renewed it', async () => {
    const [late, other] = [stalledLimiter(), limiter(30_000)];
    await ready(late, other);
    const subjects: LimitSubject[] = [{ scope: 'user', id: 'alice', limits: { concurrent: 1 } }];
    admitted(await late.admit({ subjects, tokens: 0 }));
    clock.advance(30_001);
    const taken = admitted(await other.admit({ subjects, tokens: 0 }));
    await late.renewLeases();
    await taken.finish(0);
    // Only the other replica's lease was live: with it ended, the slot is free and the expired lease trimmed.
    expect((await other.peek(subjects))[0].remaining).toBe(1);
    expect(await redis.exists(other.key('leases', subjects[0]))).toBe(0);
  });

  it('keeps counters under the key prefix, expiring once the buckets would be full again', async () => {
    const shared = limiter();
    await ready(shared);
    const subject: LimitSubject = { scope: 'token', id: 'tok-1', limits: { requestsPerMinute: 60, tokensPerMinute: 6000, concurrent: 2 } };
    const hold = admitted(await shared.admit({ subjects: [subject], tokens: 3000 }));
    expect(await redis.hgetall(shared.key('requests', subject))).toEqual({ l: '59', at: String(clock.now()) });
    expect(await redis.hgetall(shared.key('tokens', subject))).toEqual({ l: '3000', at: String(clock.now()) });
    // 1 s and 30 s until full, plus a second of grace.
    expect(await redis.pttl(shared.key('requests', subject))).toBeGreaterThan(1000);
    expect(await redis.pttl(shared.key('requests', subject))).toBeLessThanOrEqual(2000);
    expect(await redis.pttl(shared.key('tokens', subject))).toBeLessThanOrEqual(31_000);
    expect(await redis.pttl(shared.key('leases', subject))).toBeLessThanOrEqual(30_000);
    await hold.finish(0);
    expect(await redis.exists(shared.key('tokens', subject))).toBe(0); // all 3000 given back: full again
    expect(await redis.exists(shared.key('leases', subject))).toBe(0);
  });

  it('counts on the Redis server clock when no clock is given', async () => {
    const serverClock = new RedisRateLimiter({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:` });
    limiters.push(serverClock);
    await ready(serverClock);
    const subjects: LimitSubject[] = [{ scope: 'user', id: 'alice', limits: { requestsPerMinute: 1 } }];
    admitted(await serverClock.admit({ subjects, tokens: 0 }));
    const refused = await serverClock.admit({ subjects, tokens: 0 });
    expect(refused.admitted || refused.refusal.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    const [seconds] = await redis.time();
    const stamp = Number(await redis.hget(serverClock.key('requests', subjects[0]), 'at'));
    expect(Math.abs(stamp - Number(seconds) * 1000)).toBeLessThan(5_000);
  });

  it('fails a call at once while Redis is unreachable', async () => {
    const unreachable = new RedisRateLimiter({ redis: 'redis://127.0.0.1:1', keyPrefix: `${prefix.prefix}:` });
    limiters.push(unreachable);
    await expect(unreachable.admit({ subjects: [{ scope: 'user', id: 'alice', limits: { requestsPerMinute: 1 } }], tokens: 0 })).rejects.toThrow();
  });
});
