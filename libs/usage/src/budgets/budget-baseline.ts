import type { UsageStore } from '../usage.store';
import type { SpendBaseline } from './budget.ledger';
import { periodWindowFromKey } from './budget-period';

/** Counters start from the recorded centralized spend in the period; without a store (no database) from 0. */
export function spendBaselineFrom(store: Pick<UsageStore, 'centralizedSpendMicros'> | undefined): SpendBaseline {
  return async (userId, periodKey) => {
    const window = periodWindowFromKey(periodKey);
    if (!store || !window) return 0;
    return store.centralizedSpendMicros(userId, window.start, window.end);
  };
}
