/** What usage can be grouped by: the caller (`user`, initiator id), the model, the provider instance, the UTC day. */
export const USAGE_GROUP_BYS = ['user', 'model', 'provider', 'day'] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BYS)[number];

export interface UsageQuery {
  groupBy: UsageGroupBy;
  /** Interceptions started at or after this instant… */
  from: Date;
  /** …and before this one (exclusive). */
  to: Date;
  /** Only this caller's interceptions (self-service); unset: everyone's. */
  initiatorId?: string;
  /** Only interceptions on the pool's keys (`centralized`, what budgets count) or on users' own keys (`byok`). */
  credentialKind?: CredentialKind;
}

export const CREDENTIAL_KINDS = ['centralized', 'byok'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** One group's totals. `key` is the user id, model, provider instance name or day (`YYYY-MM-DD`, UTC). */
export interface UsageRow {
  key: string;
  interceptions: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Integer micro-dollars. */
  costMicros: number;
}

export type UsageTotals = Omit<UsageRow, 'key'>;

/** Aggregates recorded interceptions. The gateway depends on this port; the persistence lib implements it in SQL. */
export interface UsageStore {
  /** One row per group with at least one interception in [from, to), ordered by key. */
  usageByGroup(query: UsageQuery): Promise<UsageRow[]>;
  /** The user's recorded centralized (pool) spend, integer micro-dollars, over interceptions started in [from, to). */
  centralizedSpendMicros(userId: string, from: Date, to: Date): Promise<number>;
}

export function usageTotals(rows: readonly UsageRow[]): UsageTotals {
  const totals: UsageTotals = { interceptions: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costMicros: 0 };
  for (const row of rows) {
    totals.interceptions += row.interceptions;
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.cacheReadTokens += row.cacheReadTokens;
    totals.cacheWriteTokens += row.cacheWriteTokens;
    totals.costMicros += row.costMicros;
  }
  return totals;
}

/** Micro-dollars as US dollars (for display; sums stay in integer micro-dollars). */
export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}

/** The calendar month (UTC) containing `now`: [first day 00:00, first day of the next month 00:00). */
export function utcMonthOf(now: Date): { from: Date; to: Date } {
  return {
    from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}
