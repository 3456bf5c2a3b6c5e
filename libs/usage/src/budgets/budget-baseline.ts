import type { UsageStore } from '../usage.store';
import type { SpendBaseline } from './budget.ledger';
import { periodWindowFromKey } from './budget-period';

/**
 * Counters start from the recorded centralized spend in the period — a team's from its current members' — and without
 * a store (no database) from 0.
 */
export function spendBaselineFrom(store: Pick<UsageStore, 'centralizedSpendMicros'> | undefined): SpendBaseline {
  return async (owner, periodKey) => {
    const window = periodWindowFromKey(periodKey);
    if (!store || !window) return 0;
    const users = owner.scope === 'user' ? [owner.id] : owner.members();
    const spent = await Promise.all(users.map((userId) => store.centralizedSpendMicros(userId, window.start, window.end)));
    return spent.reduce((sum, micros) => sum + micros, 0);
  };
}
