import type { UsageGroupBy, UsageTotals } from '@tollgate/usage';

// What the usage APIs answer (JSON): the contract the admin CLI is typed against.

/** A group's (or everything's) totals; `costMicros` is integer micro-dollars, the exact figure. */
export interface UsageTotalsView extends UsageTotals {
  /** costMicros / 1,000,000, for reading. */
  costUsd: number;
}

export interface UsageRowView extends UsageTotalsView {
  /** The user id, model, provider instance name or UTC day (`YYYY-MM-DD`). */
  key: string;
}

export interface UsageView {
  from: string;
  /** Exclusive. */
  to: string;
  groupBy: UsageGroupBy;
  rows: UsageRowView[];
  totals: UsageTotalsView;
}
