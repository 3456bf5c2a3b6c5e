import { systemClock, type Clock } from '@tollgate/time';
import type { LimitSubject } from './limit-set';
import { blockedBy, readingsOf, refusalOf, statusOf, type SubjectCounters } from './limit-decision';
import type { LimitAdmission, LimitClaim, LimitHold, LimitReading, RateLimiter } from './rate-limiter';
import { levelNow, type BucketLevel } from './token-bucket';

interface SubjectState {
  request?: BucketLevel;
  token?: BucketLevel;
  /** Requests in flight; a crashed process takes its counters with it, so no lease expiry is needed here. */
  inFlight: number;
}

/**
 * Counters in this process (the embedded gateway, one replica). Every call is synchronous inside, so an admission
 * over several subjects is atomic without locks.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly states = new Map<string, SubjectState>();

  constructor(private readonly clock: Clock = systemClock) {}

  async admit(claim: LimitClaim): Promise<LimitAdmission> {
    const now = this.clock.now();
    const states = claim.subjects.map((subject) => this.stateOf(subject));
    const counters = claim.subjects.map((subject, index) => countersOf(subject, states[index], now));
    const blocked = blockedBy(claim.subjects, counters, claim.tokens);
    if (blocked) return { admitted: false, status: statusOf(claim.subjects, counters), refusal: refusalOf(claim.subjects, blocked) };

    claim.subjects.forEach(({ limits }, index) => {
      const state = states[index];
      const counter = counters[index];
      if (limits.requestsPerMinute !== undefined) state.request = { level: (counter.request = counter.request! - 1), at: now };
      if (limits.tokensPerMinute !== undefined) state.token = { level: (counter.token = counter.token! - claim.tokens), at: now };
      if (limits.concurrent !== undefined) counter.concurrency = ++state.inFlight;
    });
    return { admitted: true, status: statusOf(claim.subjects, counters), hold: this.holdFor(claim, states) };
  }

  async peek(subjects: readonly LimitSubject[]): Promise<LimitReading[]> {
    const now = this.clock.now();
    return readingsOf(
      subjects,
      subjects.map((subject) => countersOf(subject, this.states.get(keyOf(subject)), now)),
    );
  }

  async close(): Promise<void> {
    this.states.clear();
  }

  private holdFor(claim: LimitClaim, states: SubjectState[]): LimitHold {
    let finished = false;
    return {
      finish: async (usedTokens) => {
        if (finished) return;
        finished = true;
        const now = this.clock.now();
        const difference = usedTokens - claim.tokens;
        claim.subjects.forEach(({ limits }, index) => {
          const state = states[index];
          if (limits.tokensPerMinute !== undefined && difference !== 0) {
            const level = Math.min(limits.tokensPerMinute, levelNow(state.token, limits.tokensPerMinute, now) - difference);
            state.token = { level, at: now };
          }
          if (limits.concurrent !== undefined) state.inFlight = Math.max(0, state.inFlight - 1);
        });
      },
    };
  }

  private stateOf(subject: LimitSubject): SubjectState {
    const key = keyOf(subject);
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = { inFlight: 0 }));
    return state;
  }
}

function keyOf(subject: LimitSubject): string {
  return `${subject.scope}:${subject.id}`;
}

function countersOf({ limits }: LimitSubject, state: SubjectState | undefined, now: number): SubjectCounters {
  const counters: SubjectCounters = {};
  if (limits.requestsPerMinute !== undefined) counters.request = levelNow(state?.request, limits.requestsPerMinute, now);
  if (limits.tokensPerMinute !== undefined) counters.token = levelNow(state?.token, limits.tokensPerMinute, now);
  if (limits.concurrent !== undefined) counters.concurrency = state?.inFlight ?? 0;
  return counters;
}
