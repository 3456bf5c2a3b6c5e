import type { LimitKind, LimitSubject } from './limit-set';
import type { KindStatus, LimitReading, LimitRefusal, LimitStatus } from './rate-limiter';
import { msUntilFull, msUntilLevel, neededLevel, remainingOf } from './token-bucket';

/** A subject's counters at one moment: bucket levels (refilled to now) and live leases, for the limits it has. */
export interface SubjectCounters {
  request?: number;
  token?: number;
  concurrency?: number;
}

/** A refusal before it is attached to its subject: which subject (index in the claim), which kind, how long to wait. */
export interface Blocked {
  index: number;
  kind: LimitKind;
  waitMs: number;
}

/** A concurrency refusal says "retry in a second": nobody knows when a running request ends. */
export const CONCURRENCY_WAIT_MS = 1000;

/**
 * Whether the counters admit a request costing `tokens`, and if not, the bucket that admits it last (the longest
 * wait; that is when the whole claim could pass). The Redis script applies the same rule in Lua.
 */
export function blockedBy(subjects: readonly LimitSubject[], counters: readonly SubjectCounters[], tokens: number): Blocked | undefined {
  let blocked: Blocked | undefined;
  const consider = (index: number, kind: LimitKind, waitMs: number) => {
    if (!blocked || waitMs > blocked.waitMs) blocked = { index, kind, waitMs };
  };
  subjects.forEach(({ limits }, index) => {
    const now = counters[index];
    if (limits.requestsPerMinute !== undefined && now.request !== undefined && now.request < 1) {
      consider(index, 'request', msUntilLevel(now.request, 1, limits.requestsPerMinute));
    }
    if (limits.tokensPerMinute !== undefined && now.token !== undefined) {
      const needed = neededLevel(tokens, limits.tokensPerMinute);
      if (now.token < needed) consider(index, 'token', msUntilLevel(now.token, needed, limits.tokensPerMinute));
    }
    if (limits.concurrent !== undefined && now.concurrency !== undefined && now.concurrency >= limits.concurrent) {
      consider(index, 'concurrency', CONCURRENCY_WAIT_MS);
    }
  });
  return blocked;
}

export function refusalOf(subjects: readonly LimitSubject[], blocked: Blocked): LimitRefusal {
  const { scope, id, limits } = subjects[blocked.index];
  const limit =
    blocked.kind === 'request' ? limits.requestsPerMinute : blocked.kind === 'token' ? limits.tokensPerMinute : limits.concurrent;
  return { kind: blocked.kind, scope, id, limit: limit ?? 0, retryAfterSeconds: Math.max(1, Math.ceil(blocked.waitMs / 1000)) };
}

/** Per bucket kind, the subject with the fewest remaining (then the longest reset): what the headers describe. */
export function statusOf(subjects: readonly LimitSubject[], counters: readonly SubjectCounters[]): LimitStatus {
  const status: LimitStatus = {};
  subjects.forEach(({ limits }, index) => {
    const now = counters[index];
    if (limits.requestsPerMinute !== undefined && now.request !== undefined) {
      status.request = tighter(status.request, kindStatus(limits.requestsPerMinute, now.request));
    }
    if (limits.tokensPerMinute !== undefined && now.token !== undefined) {
      status.token = tighter(status.token, kindStatus(limits.tokensPerMinute, now.token));
    }
  });
  return status;
}

/** Every limit of every subject as it stands, in claim order, request then token then concurrency. */
export function readingsOf(subjects: readonly LimitSubject[], counters: readonly SubjectCounters[]): LimitReading[] {
  const readings: LimitReading[] = [];
  subjects.forEach(({ scope, id, limits }, index) => {
    const now = counters[index];
    if (limits.requestsPerMinute !== undefined) readings.push(bucketReading(scope, id, 'request', limits.requestsPerMinute, now.request));
    if (limits.tokensPerMinute !== undefined) readings.push(bucketReading(scope, id, 'token', limits.tokensPerMinute, now.token));
    if (limits.concurrent !== undefined) {
      const inUse = now.concurrency ?? 0;
      readings.push({ scope, id, kind: 'concurrency', limit: limits.concurrent, remaining: Math.max(0, limits.concurrent - inUse), resetMs: null });
    }
  });
  return readings;
}

function bucketReading(scope: LimitSubject['scope'], id: string, kind: LimitKind, limit: number, level = limit): LimitReading {
  const resetMs = msUntilFull(level, limit);
  return { scope, id, kind, limit, remaining: remainingOf(level), resetMs: resetMs === 0 ? null : resetMs };
}

function kindStatus(limit: number, level: number): KindStatus {
  return { limit, remaining: remainingOf(level), resetMs: msUntilFull(level, limit) };
}

function tighter(current: KindStatus | undefined, candidate: KindStatus): KindStatus {
  if (!current) return candidate;
  if (candidate.remaining !== current.remaining) return candidate.remaining < current.remaining ? candidate : current;
  return candidate.resetMs > current.resetMs ? candidate : current;
}
