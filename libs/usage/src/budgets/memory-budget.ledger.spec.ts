import { FakeClock } from '@tollgate/testing';
import { MemoryBudgetLedger } from './memory-budget.ledger';
import type { BudgetReservation } from './budget.ledger';

const user = (id: string) => ({ scope: 'user' as const, id });

const RESETS_AT = new Date('2026-12-02T00:00:00Z');
const PERIOD = 'day:2026-12-01';

function ledgerWith(baseline = 0) {
  const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
  const baselineCalls: string[] = [];
  const ledger = new MemoryBudgetLedger({
    baseline: async (owner, periodKey) => {
      baselineCalls.push(`${owner.id}/${periodKey}`);
      return baseline;
    },
    clock,
  });
  return { ledger, baselineCalls, advance: (ms: number) => clock.advance(ms) };
}

async function reserved(ledger: MemoryBudgetLedger, estimate: number, limit = 1000, period = PERIOD, resetsAt = RESETS_AT): Promise<BudgetReservation> {
  const result = await ledger.reserve(user('alice'), period, limit, estimate, resetsAt);
  if (!result.ok) throw new Error('expected the reservation to be admitted');
  return result.reservation;
}

describe('MemoryBudgetLedger', () => {
  it('admits while spent + reserved + estimate fits, then refuses with the spend and the reset time', async () => {
    const { ledger } = ledgerWith();
    await reserved(ledger, 600);
    expect(await ledger.reserve(user('alice'), PERIOD, 1000, 500, RESETS_AT)).toEqual({ ok: false, spentMicros: 0, resetsAt: RESETS_AT });
    await reserved(ledger, 400);
    expect(ledger.peek(user('alice'), PERIOD)).toEqual({ spentMicros: 0, reservedMicros: 1000 });
  });

  it('settle replaces the hold by the real cost; release drops it', async () => {
    const { ledger } = ledgerWith();
    const first = await reserved(ledger, 600);
    const second = await reserved(ledger, 300);
    await ledger.settle(first, 250);
    await ledger.release(second);
    expect(ledger.peek(user('alice'), PERIOD)).toEqual({ spentMicros: 250, reservedMicros: 0 });
  });

  it('refuses once the limit is reached, even for a zero estimate (unknown model)', async () => {
    const { ledger } = ledgerWith();
    await ledger.settle(await reserved(ledger, 1000), 1000);
    expect((await ledger.reserve(user('alice'), PERIOD, 1000, 0, RESETS_AT)).ok).toBe(false);
  });

  it('starts a counter from the baseline once, even under concurrent first use', async () => {
    const { ledger, baselineCalls } = ledgerWith(900);
    const results = await Promise.all([1, 2, 3].map(() => ledger.reserve(user('alice'), PERIOD, 1000, 50, RESETS_AT)));
    expect(results.map((result) => result.ok)).toEqual([true, true, false]);
    expect(ledger.peek(user('alice'), PERIOD)).toEqual({ spentMicros: 900, reservedMicros: 100 });
    expect(baselineCalls.length).toBeGreaterThanOrEqual(1);
    await ledger.reserve(user('alice'), PERIOD, 1000, 0, RESETS_AT);
    expect(baselineCalls.length).toBeLessThanOrEqual(3);
  });

  it('a new period is a new counter; ended periods are dropped', async () => {
    const { ledger, advance } = ledgerWith();
    await ledger.settle(await reserved(ledger, 1000), 1000);
    advance(14 * 3_600_000); // past midnight
    await reserved(ledger, 1000, 1000, 'day:2026-12-02', new Date('2026-12-03T00:00:00Z'));
    expect(ledger.peek(user('alice'), PERIOD)).toBeUndefined();
  });

  it('users have separate counters', async () => {
    const { ledger } = ledgerWith();
    await reserved(ledger, 1000);
    expect((await ledger.reserve(user('bob'), PERIOD, 1000, 1000, RESETS_AT)).ok).toBe(true);
  });

  it("keeps a team's counter apart from a user's of the same name, and starts it from the team's baseline", async () => {
    const { ledger, baselineCalls } = ledgerWith(100);
    const team = { scope: 'team' as const, id: 'alice', members: () => ['bob'] };
    expect((await ledger.reserve(team, PERIOD, 1000, 300, RESETS_AT)).ok).toBe(true);
    expect(ledger.peek(team, PERIOD)).toEqual({ spentMicros: 100, reservedMicros: 300 });
    expect(ledger.peek(user('alice'), PERIOD)).toBeUndefined();
    expect(baselineCalls).toEqual([`alice/${PERIOD}`]);
  });
});
