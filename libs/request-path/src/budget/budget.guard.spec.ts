import { MemoryKeyStateStore } from '@tollgate/keypool';
import { createLogger } from '@tollgate/platform';
import { FakeClock } from '@tollgate/testing';
import { MemoryBudgetLedger, createPriceTable, estimateRequestCost, periodWindowOf, type BudgetOwner } from '@tollgate/usage';
import { CircuitBreakers } from '../circuit/circuit-breakers';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { BudgetGuard } from './budget.guard';

const NOW = new Date('2026-12-03T10:00:00Z');
const BODY = { model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
const BYTES = Buffer.byteLength(JSON.stringify(BODY));
const SETTINGS = { estimate: { defaultMaxOutputTokens: 4096, charsPerToken: 4 } };
const ESTIMATE = estimateRequestCost(createPriceTable(), 'openai', 'gpt-4o-mini', { bodyBytes: BYTES, body: BODY }, SETTINGS.estimate).costMicros;
const USAGE = { providerResponseId: 'r', extra: {}, inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
const COST = createPriceTable().cost('openai', 'gpt-4o-mini', USAGE).costMicros;
const PERIOD = periodWindowOf('day', NOW).key;

const alice: BudgetOwner = { scope: 'user', id: 'alice' };
const red: BudgetOwner = { scope: 'team', id: 'red', members: () => ['alice', 'bob'] };

function guardWith() {
  const clock = new FakeClock(NOW.getTime());
  const ledger = new MemoryBudgetLedger({ baseline: async () => 0, clock });
  const metrics: GatewayMetrics = new GatewayMetrics(() => [], (): CircuitBreakers => breakers, () => new MemoryKeyStateStore());
  const breakers = new CircuitBreakers({ failureThreshold: 1, windowMs: 1, openMs: 1, halfOpenTrials: 1 }, clock, metrics.breakerObserver);
  const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const guard = new BudgetGuard(ledger, createPriceTable(), SETTINGS, clock, metrics, logger);
  return { ledger, guard };
}

describe('BudgetGuard with a user and a team budget', () => {
  it('admits a request that fits both, and settles the real cost on both', async () => {
    const { ledger, guard } = guardWith();
    const gate = guard.gate('openai', [
      { owner: alice, budget: { micros: 100 * ESTIMATE, period: 'day' } },
      { owner: red, budget: { micros: 100 * ESTIMATE, period: 'day' } },
    ]);
    const admission = await gate.admit('gpt-4o-mini', BODY, BYTES);
    if (!admission.ok) throw new Error('expected an admission');
    expect(ledger.peek(alice, PERIOD)).toEqual({ spentMicros: 0, reservedMicros: ESTIMATE });
    expect(ledger.peek(red, PERIOD)).toEqual({ spentMicros: 0, reservedMicros: ESTIMATE });
    await admission.hold.finish([USAGE], 'complete');
    expect(ledger.peek(alice, PERIOD)).toEqual({ spentMicros: COST, reservedMicros: 0 });
    expect(ledger.peek(red, PERIOD)).toEqual({ spentMicros: COST, reservedMicros: 0 });
  });

  it("refuses naming the team when the team's budget is used up, and gives back the user's hold", async () => {
    const { ledger, guard } = guardWith();
    const gate = guard.gate('openai', [
      { owner: alice, budget: { micros: 100 * ESTIMATE, period: 'day' } },
      { owner: red, budget: { micros: ESTIMATE - 1, period: 'day' } },
    ]);
    const admission = await gate.admit('gpt-4o-mini', BODY, BYTES);
    expect(admission.ok).toBe(false);
    if (admission.ok) return;
    expect(admission.error.kind).toBe('budget_exceeded');
    expect(admission.error.message).toMatch(/^team red budget exceeded: /);
    expect(ledger.peek(alice, PERIOD)).toEqual({ spentMicros: 0, reservedMicros: 0 });
  });

  it('releases every hold of a request the upstream never served', async () => {
    const { ledger, guard } = guardWith();
    const gate = guard.gate('openai', [
      { owner: alice, budget: { micros: 100 * ESTIMATE, period: 'day' } },
      { owner: red, budget: { micros: 100 * ESTIMATE, period: 'day' } },
    ]);
    const admission = await gate.admit('gpt-4o-mini', BODY, BYTES);
    if (!admission.ok) throw new Error('expected an admission');
    await admission.hold.finish([], 'not_served');
    expect(ledger.peek(alice, PERIOD)).toEqual({ spentMicros: 0, reservedMicros: 0 });
    expect(ledger.peek(red, PERIOD)).toEqual({ spentMicros: 0, reservedMicros: 0 });
  });
});
