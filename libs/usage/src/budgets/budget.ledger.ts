/**
 * Whose budget a counter holds: a user's, or a team's (counted in addition to each member's own, docs/usage.md). A
 * team names its current members (asked only when its counter is missing: it starts from their recorded spend).
 */
export type BudgetOwner = { scope: 'user'; id: string } | { scope: 'team'; id: string; members(): readonly string[] };

/** A hold on part of a user's or team's budget for one request, until it is settled or released. */
export interface BudgetReservation {
  owner: BudgetOwner;
  periodKey: string;
  estimateMicros: number;
  /**
   * Which incarnation of the counter holds the reservation. A counter rebuilt meanwhile (Redis flushed) no longer
   * holds it, so settling adds the real cost without giving back a hold it never had.
   */
  generation: string;
}

export type ReserveResult =
  | { ok: true; reservation: BudgetReservation }
  | { ok: false; spentMicros: number; resetsAt: Date };

/**
 * Per (owner, period) counters of settled spend and outstanding reservations. `reserve` admits a request only when
 * spent + reserved + estimate stays within the limit, atomically with taking the hold, so concurrent requests
 * (on any replica sharing the ledger) cannot together overshoot the limit beyond what estimates under-predict.
 */
export interface BudgetLedger {
  reserve(owner: BudgetOwner, periodKey: string, limitMicros: number, estimateMicros: number, resetsAt: Date): Promise<ReserveResult>;
  /** Replaces the hold by the real cost. */
  settle(reservation: BudgetReservation, actualMicros: number): Promise<void>;
  /** Drops the hold (the request cost nothing: it failed before any usage). */
  release(reservation: BudgetReservation): Promise<void>;
  close(): Promise<void>;
}

/**
 * A missing counter's starting point: the centralized spend already recorded for the user (for a team: its members)
 * in that period (Postgres is the source of truth). Called only when the counter does not exist.
 */
export type SpendBaseline = (owner: BudgetOwner, periodKey: string) => Promise<number>;


/** The admission rule both ledgers apply (the Redis one in Lua): room for the estimate, and not already at the limit. */
export function admits(spentMicros: number, reservedMicros: number, estimateMicros: number, limitMicros: number): boolean {
  const committed = spentMicros + reservedMicros;
  return committed < limitMicros && committed + estimateMicros <= limitMicros;
}
