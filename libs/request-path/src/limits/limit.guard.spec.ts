import { MemoryKeyStateStore } from '@tollgate/keypool';
import { FakeClock } from '@tollgate/testing';
import { MemoryRateLimiter, type CallerAccess, type LimitSet, type RateLimiter } from '@tollgate/limits';
import { createLogger, type TollgateConfig } from '@tollgate/platform';
import type { TokenUsage } from '@tollgate/recording';
import type { CircuitBreakers } from '../circuit/circuit-breakers';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { LimitGuard, type LimitPass } from './limit.guard';

const ESTIMATE = { defaultMaxOutputTokens: 100, charsPerToken: 4 };
/** 40 bytes: 10 input tokens, plus max_tokens 100. */
const BODY = { parsed: { max_tokens: 100 }, bytes: 40 };
const usage = (tokens: number): TokenUsage => ({ inputTokens: tokens, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 }) as TokenUsage;

describe('LimitGuard', () => {
  let limiter: RateLimiter;
  let byok: TollgateConfig['limits']['byok'];
  let guard: LimitGuard;
  const access = (limits: LimitSet): CallerAccess => ({ userId: 'alice', teamIds: [], limitSubjects: [{ scope: 'user', id: 'alice', limits }], modelPolicies: [] });

  beforeEach(() => {
    const clock = new FakeClock(Date.parse('2026-12-03T08:00:00Z'));
    limiter = new MemoryRateLimiter(clock);
    byok = 'count';
    const metrics = new GatewayMetrics(() => [], () => ({}) as CircuitBreakers, () => new MemoryKeyStateStore());
    const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
    guard = new LimitGuard(limiter, () => ({ byok, concurrencyLeaseMs: 30_000 }), ESTIMATE, clock, metrics, logger);
  });

  async function pass(limits: LimitSet, credential: 'centralized' | 'byok' = 'centralized'): Promise<LimitPass> {
    const admission = await guard.gate(access(limits), { providerType: 'openai', credential, usageKnown: true })!.admit(BODY);
    if (!admission.ok) throw new Error(admission.error.message);
    return admission;
  }

  async function tokensLeft(limits: LimitSet): Promise<number> {
    const readings = await limiter.peek(access(limits).limitSubjects);
    return readings.find((reading) => reading.kind === 'token')!.remaining;
  }

  it('settles a served request with its real usage, and one cut short with at least its estimate', async () => {
    const limits = { tokensPerMinute: 10_000 };
    (await pass(limits)).finish([usage(30)], 'complete');
    await new Promise(setImmediate);
    expect(await tokensLeft(limits)).toBe(10_000 - 30);
    (await pass(limits)).finish([usage(30)], 'cut_short');
    await new Promise(setImmediate);
    expect(await tokensLeft(limits)).toBe(10_000 - 30 - 110);
    (await pass(limits)).finish([], 'not_served');
    await new Promise(setImmediate);
    expect(await tokensLeft(limits)).toBe(10_000 - 30 - 110);
  });

  it('never counts BYOK requests toward token limits, and toward none when BYOK is exempt', async () => {
    const byokGate = () => guard.gate(access({ tokensPerMinute: 1, requestsPerMinute: 5 }), { providerType: 'openai', credential: 'byok', usageKnown: true });
    const admission = await byokGate()!.admit(BODY);
    expect(admission.headers).toEqual({ 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '4', 'x-ratelimit-reset-requests': '12s' });
    byok = 'exempt';
    expect(byokGate()).toBeUndefined();
  });

  it('counts no tokens where the usage is not seen (passthrough)', () => {
    expect(guard.gate(access({ tokensPerMinute: 100 }), { providerType: 'openai', credential: 'centralized', usageKnown: false })).toBeUndefined();
  });

  it('refuses with the limit kind as the error kind, naming the scope and the limit', async () => {
    await pass({ concurrent: 1 });
    const refused = await guard.gate(access({ concurrent: 1 }), { providerType: 'anthropic', credential: 'centralized', usageKnown: true })!.admit(BODY);
    expect(refused.ok || refused.error).toMatchObject({
      kind: 'concurrency_limit_exceeded',
      message: 'concurrency limit exceeded for your user (1 concurrent requests); retry when one of your requests has ended',
      retryAfterSeconds: 1,
    });
  });
});
