import Redis from 'ioredis';
import { createTestRedisPrefix, FakeClock, testRedisUrl, type TestRedisPrefix } from '@tollgate/testing';
import type { BudgetReservation } from '@tollgate/usage';
import { RedisBudgetLedger } from './redis-budget.ledger';

const user = (id: string) => ({ scope: 'user' as const, id });

const PERIOD = 'day:2026-12-01';
const RESETS_AT = new Date('2026-12-02T00:00:00Z');

describe('RedisBudgetLedger (real Redis)', () => {
  let prefix: TestRedisPrefix;
  let redis: Redis;
  let clock: FakeClock;
  let baselineCalls: number;
  let baseline: number;
  const ledgers: RedisBudgetLedger[] = [];

  function ledger(): RedisBudgetLedger {
    const created = new RedisBudgetLedger({
      redis: testRedisUrl(),
      keyPrefix: `${prefix.prefix}:`,
      baseline: async () => {
        baselineCalls += 1;
        return baseline;
      },
      clock,
    });
    ledgers.push(created);
    return created;
  }

  async function counter(userId = 'alice'): Promise<Record<string, string>> {
    return redis.hgetall(`${prefix.prefix}:budget:${PERIOD}:${userId}`);
  }

  async function admitted(target: RedisBudgetLedger, estimate: number, limit = 1000): Promise<BudgetReservation> {
    const result = await target.reserve(user('alice'), PERIOD, limit, estimate, RESETS_AT);
    if (!result.ok) throw new Error('expected an admission');
    return result.reservation;
  }

  beforeEach(() => {
    prefix = createTestRedisPrefix();
    redis = new Redis(testRedisUrl());
    clock = new FakeClock(Date.parse('2026-12-01T12:00:00Z'));
    baselineCalls = 0;
    baseline = 0;
  });

  afterEach(async () => {
    await Promise.all(ledgers.splice(0).map((created) => created.close()));
    await prefix.cleanup();
    redis.disconnect();
  });

  it('reserves, settles and releases in one hash per (user, period) with a TTL past the period end', async () => {
    const shared = ledger();
    const first = await admitted(shared, 600);
    const second = await admitted(shared, 300);
    expect(await shared.reserve(user('alice'), PERIOD, 1000, 200, RESETS_AT)).toEqual({ ok: false, spentMicros: 0, resetsAt: RESETS_AT });
    await shared.settle(first, 450);
    await shared.release(second);
    expect(await counter()).toMatchObject({ spent: '450', reserved: '0' });
    const ttl = await redis.ttl(`${prefix.prefix}:budget:${PERIOD}:alice`);
    // 12 h to midnight (by the injected clock) plus a day of grace.
    expect(ttl).toBeGreaterThan(12 * 3600);
    expect(ttl).toBeLessThanOrEqual(12 * 3600 + 86_400);
  });

  it('two ledgers (replicas) racing with many reservations never hold more than the limit', async () => {
    const [a, b] = [ledger(), ledger()];
    const results = await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 ? a : b).reserve(user('alice'), PERIOD, 1000, 70, RESETS_AT)));
    expect(results.filter((result) => result.ok)).toHaveLength(14); // 14 × 70 = 980 ≤ 1000 < 15 × 70
    expect(await counter()).toMatchObject({ spent: '0', reserved: '980' });
  });

  it('initialises a missing counter from the baseline; concurrent first uses keep the first baseline', async () => {
    baseline = 900;
    const [a, b] = [ledger(), ledger()];
    const results = await Promise.all([a, b, a, b].map((target) => target.reserve(user('alice'), PERIOD, 1000, 40, RESETS_AT)));
    expect(results.filter((result) => result.ok)).toHaveLength(2);
    expect(await counter()).toMatchObject({ spent: '900', reserved: '80' });
    expect(baselineCalls).toBeGreaterThanOrEqual(1);
  });

  it('rebuilds a deleted counter from the baseline; a settle of an older reservation adds its cost without freeing a hold', async () => {
    const shared = ledger();
    const old = await admitted(shared, 500);
    await redis.del(`${prefix.prefix}:budget:${PERIOD}:alice`);
    baseline = 300;
    await admitted(shared, 100);
    expect(await counter()).toMatchObject({ spent: '300', reserved: '100' });
    await shared.settle(old, 200);
    expect(await counter()).toMatchObject({ spent: '500', reserved: '100' });
    await shared.release(old);
    expect(await counter()).toMatchObject({ spent: '500', reserved: '100' });
  });

  it('refuses at the limit even for a zero estimate', async () => {
    const shared = ledger();
    await shared.settle(await admitted(shared, 1000), 1000);
    expect((await shared.reserve(user('alice'), PERIOD, 1000, 0, RESETS_AT)).ok).toBe(false);
  });

  it("holds a team's budget in a counter of its own, apart from a user of the same name", async () => {
    const shared = ledger();
    baseline = 40;
    const team = { scope: 'team' as const, id: 'alice', members: () => ['alice', 'bob'] };
    const result = await shared.reserve(team, PERIOD, 1000, 200, RESETS_AT);
    expect(result.ok).toBe(true);
    expect(await redis.hgetall(`${prefix.prefix}:budget:team:${PERIOD}:alice`)).toMatchObject({ spent: '40', reserved: '200' });
    expect(await counter()).toEqual({});
    if (result.ok) await shared.settle(result.reservation, 150);
    expect(await redis.hgetall(`${prefix.prefix}:budget:team:${PERIOD}:alice`)).toMatchObject({ spent: '190', reserved: '0' });
  });
});
