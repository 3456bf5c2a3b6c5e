import type { LimitKind, LimitScope, LimitSubject } from './limit-set';

/** One request to admit: the subjects it is held against (only the limits that count for it) and its token estimate. */
export interface LimitClaim {
  subjects: readonly LimitSubject[];
  /** Tokens reserved from every `tokensPerMinute` bucket of the claim (the estimate); settled when the request ends. */
  tokens: number;
}

/** The tightest subject of one kind, for the rate-limit headers. */
export interface KindStatus {
  limit: number;
  remaining: number;
  /** Milliseconds until its bucket is full again (0: it is). */
  resetMs: number;
}

/** Per bucket kind that any subject of the claim limits, the subject with the fewest remaining. */
export interface LimitStatus {
  request?: KindStatus;
  token?: KindStatus;
}

/** Why a request was refused: the subject and kind that admits it last, and when it would. */
export interface LimitRefusal {
  kind: LimitKind;
  scope: LimitScope;
  id: string;
  limit: number;
  /** Whole seconds, rounded up, at least 1 (concurrency: 1). */
  retryAfterSeconds: number;
}

/** An admitted request's slots and token reservation, until it ends. */
export interface LimitHold {
  /**
   * Ends the request: frees its concurrency slots and replaces the token reservation with `usedTokens` (the
   * difference is settled; the bucket may go negative). Safe to call more than once: only the first call counts.
   */
  finish(usedTokens: number): Promise<void>;
}

export type LimitAdmission =
  | { admitted: true; status: LimitStatus; hold: LimitHold }
  | { admitted: false; status: LimitStatus; refusal: LimitRefusal };

/** One subject's counter of one kind as it stands (`GET /v1/me/limits`). */
export interface LimitReading {
  scope: LimitScope;
  id: string;
  kind: LimitKind;
  limit: number;
  remaining: number;
  /** Milliseconds until the bucket is full again; null when it is full, and for concurrency. */
  resetMs: number | null;
}

/**
 * Rate and concurrency counters per subject (docs/limits.md). `admit` checks every bucket and slot of the claim and
 * takes all of them or none, atomically: replicas sharing the counters cannot together pass a limit.
 */
export interface RateLimiter {
  admit(claim: LimitClaim): Promise<LimitAdmission>;
  /** The counters of these subjects, without changing them. */
  peek(subjects: readonly LimitSubject[]): Promise<LimitReading[]>;
  /** Shared counters: resolves true once reachable, false after `timeoutMs`. */
  whenReady?(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
