import type { FakeClock } from '@tollgate/testing';
import type { LimitSubject } from './limit-set';
import type { LimitAdmission, LimitHold, RateLimiter } from './rate-limiter';

/** A limiter under test and the clock it reads, which the test moves. */
export interface LimiterUnderTest {
  limiter: RateLimiter;
  clock: FakeClock;
}

const START = Date.parse('2026-12-03T08:00:00Z');

export function admitted(admission: LimitAdmission): LimitHold {
  if (!admission.admitted) throw new Error(`expected an admission, got a ${admission.refusal.kind} refusal`);
  return admission.hold;
}

/** What every RateLimiter must do, run against the memory and the Redis implementation alike. */
export function describeRateLimiterContract(create: (start: number) => Promise<LimiterUnderTest>): void {
  let under: LimiterUnderTest;
  const alice = (limits: LimitSubject['limits']): LimitSubject => ({ scope: 'user', id: 'alice', limits });

  beforeEach(async () => {
    under = await create(START);
  });

  it('admits a burst of N requests per minute, refuses the next until one has refilled', async () => {
    const subjects = [alice({ requestsPerMinute: 3 })];
    for (let index = 0; index < 3; index += 1) admitted(await under.limiter.admit({ subjects, tokens: 0 }));
    const refused = await under.limiter.admit({ subjects, tokens: 0 });
    expect(refused).toEqual({
      admitted: false,
      status: { request: { limit: 3, remaining: 0, resetMs: 60_000 } },
      refusal: { kind: 'request', scope: 'user', id: 'alice', limit: 3, retryAfterSeconds: 20 },
    });
    under.clock.advance(19_999);
    expect((await under.limiter.admit({ subjects, tokens: 0 })).admitted).toBe(false);
    under.clock.advance(1);
    const next = await under.limiter.admit({ subjects, tokens: 0 });
    expect(next.admitted).toBe(true);
    expect(next.status.request).toEqual({ limit: 3, remaining: 0, resetMs: 60_000 });
  });

  it('reserves the token estimate and settles it with the real usage', async () => {
    const subjects = [alice({ tokensPerMinute: 1000 })];
    const first = await under.limiter.admit({ subjects, tokens: 600 });
    expect(first.status.token).toEqual({ limit: 1000, remaining: 400, resetMs: 36_000 });
    const refused = await under.limiter.admit({ subjects, tokens: 600 });
    expect(refused.admitted || refused.refusal).toEqual({ kind: 'token', scope: 'user', id: 'alice', limit: 1000, retryAfterSeconds: 12 });
    await admitted(first).finish(100);
    const [reading] = await under.limiter.peek(subjects);
    expect(reading).toEqual({ scope: 'user', id: 'alice', kind: 'token', limit: 1000, remaining: 900, resetMs: 6_000 });
    expect((await under.limiter.admit({ subjects, tokens: 600 })).admitted).toBe(true);
  });

  it('lets real usage above the estimate take the bucket negative, so the next requests wait', async () => {
    const subjects = [alice({ tokensPerMinute: 1000 })];
    await admitted(await under.limiter.admit({ subjects, tokens: 100 })).finish(1500);
    const refused = await under.limiter.admit({ subjects, tokens: 100 });
    // -500 now; 100 needed: 600 tokens at 1000 per minute.
    expect(refused.admitted || refused.refusal).toMatchObject({ kind: 'token', retryAfterSeconds: 36 });
    expect(refused.status.token).toEqual({ limit: 1000, remaining: 0, resetMs: 90_000 });
  });

  it('admits an estimate above the whole bucket only when the bucket is full', async () => {
    const subjects = [alice({ tokensPerMinute: 1000 })];
    expect((await under.limiter.admit({ subjects, tokens: 5000 })).admitted).toBe(true);
    under.clock.advance(60_000);
    expect((await under.limiter.admit({ subjects, tokens: 5000 })).admitted).toBe(false);
  });

  it('holds concurrency slots until the request ends; a refusal says retry in 1 s', async () => {
    const subjects = [alice({ concurrent: 2 })];
    const first = admitted(await under.limiter.admit({ subjects, tokens: 0 }));
    admitted(await under.limiter.admit({ subjects, tokens: 0 }));
    const refused = await under.limiter.admit({ subjects, tokens: 0 });
    expect(refused.admitted || refused.refusal).toEqual({ kind: 'concurrency', scope: 'user', id: 'alice', limit: 2, retryAfterSeconds: 1 });
    await first.finish(0);
    await first.finish(0);
    admitted(await under.limiter.admit({ subjects, tokens: 0 }));
    expect((await under.limiter.admit({ subjects, tokens: 0 })).admitted).toBe(false);
  });

  it('takes all of a claim or nothing: a team that refuses leaves the user and token counters untouched', async () => {
    const subjects: LimitSubject[] = [
      alice({ requestsPerMinute: 10, concurrent: 5 }),
      { scope: 'team', id: 'red', limits: { requestsPerMinute: 1 } },
      { scope: 'token', id: 'tok-1', limits: { tokensPerMinute: 10_000 } },
    ];
    admitted(await under.limiter.admit({ subjects, tokens: 1000 }));
    const refused = await under.limiter.admit({ subjects, tokens: 1000 });
    expect(refused.admitted || refused.refusal).toEqual({ kind: 'request', scope: 'team', id: 'red', limit: 1, retryAfterSeconds: 60 });
    expect(await under.limiter.peek(subjects)).toEqual([
      { scope: 'user', id: 'alice', kind: 'request', limit: 10, remaining: 9, resetMs: 6_000 },
      { scope: 'user', id: 'alice', kind: 'concurrency', limit: 5, remaining: 4, resetMs: null },
      { scope: 'team', id: 'red', kind: 'request', limit: 1, remaining: 0, resetMs: 60_000 },
      { scope: 'token', id: 'tok-1', kind: 'token', limit: 10_000, remaining: 9000, resetMs: 6_000 },
    ]);
  });

  it('reports the longest wait when several buckets refuse, and the tightest subject per kind', async () => {
    const subjects: LimitSubject[] = [alice({ requestsPerMinute: 2 }), { scope: 'team', id: 'red', limits: { requestsPerMinute: 1 } }];
    const first = await under.limiter.admit({ subjects, tokens: 0 });
    expect(first.status.request).toEqual({ limit: 1, remaining: 0, resetMs: 60_000 });
    const refused = await under.limiter.admit({ subjects, tokens: 0 });
    expect(refused.admitted || refused.refusal).toMatchObject({ scope: 'team', retryAfterSeconds: 60 });
  });

  it('shows an unused subject as full with no reset', async () => {
    expect(await under.limiter.peek([alice({ requestsPerMinute: 5, concurrent: 1 })])).toEqual([
      { scope: 'user', id: 'alice', kind: 'request', limit: 5, remaining: 5, resetMs: null },
      { scope: 'user', id: 'alice', kind: 'concurrency', limit: 1, remaining: 1, resetMs: null },
    ]);
  });

  it('keeps subjects apart', async () => {
    const limits = { requestsPerMinute: 1 };
    admitted(await under.limiter.admit({ subjects: [alice(limits)], tokens: 0 }));
    admitted(await under.limiter.admit({ subjects: [{ scope: 'user', id: 'bob', limits }], tokens: 0 }));
    admitted(await under.limiter.admit({ subjects: [{ scope: 'team', id: 'alice', limits }], tokens: 0 }));
  });
}
