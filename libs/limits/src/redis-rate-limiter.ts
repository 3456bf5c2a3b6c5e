import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { openRedis, REDIS_PRESETS, type RedisTarget } from '@tollgate/platform';
import { systemClock, type Clock, type TimerHandle } from '@tollgate/time';
import type { LimitSubject } from './limit-set';
import { readingsOf, refusalOf, statusOf, type SubjectCounters } from './limit-decision';
import type { LimitAdmission, LimitClaim, LimitHold, LimitReading, RateLimiter } from './rate-limiter';
import { ADMIT_SCRIPT, FINISH_SCRIPT, PEEK_SCRIPT, RENEW_SCRIPT } from './rate-limiter.scripts';

export interface RedisRateLimiterOptions {
  /** A redis:// URL or ioredis options (`REDIS_PRESETS.limitCounters` applies on top). */
  redis: RedisTarget;
  /** Prefix of every key, e.g. `tollgate:`; counters are `${keyPrefix}limits:{requests|tokens|leases}:{scope}:{id}`. */
  keyPrefix: string;
  /** A concurrency slot is freed this long after its replica last renewed it (a crashed replica's slots). Default 30 s. */
  leaseMs?: number;
  /**
   * The time the scripts count with and the renewal timer (tests). Default: the Redis server's time, so every replica
   * counts on the same clock, and the system's timers.
   */
  clock?: Clock;
  /** Told when renewing the live leases failed (they expire if Redis stays unreachable for a lease's length). */
  onRenewalFailure?: (error: unknown) => void;
}

export const DEFAULT_LEASE_MS = 30_000;

/** The scripts, called with the key count and one array of keys then arguments (ioredis flattens it). */
interface LimiterCommands {
  tollgateLimitAdmit(numKeys: number, keysAndArgs: string[]): Promise<string[] | [number, ...string[]]>;
  tollgateLimitFinish(numKeys: number, keysAndArgs: string[]): Promise<number>;
  tollgateLimitRenew(numKeys: number, keysAndArgs: string[]): Promise<number>;
  tollgateLimitPeek(numKeys: number, keysAndArgs: string[]): Promise<string[]>;
}

interface SubjectKeys {
  requests: string;
  tokens: string;
  leases: string;
}

/** Key names are kept per subject (built once, not per request) up to this many subjects, then built afresh. */
const MAX_CACHED_SUBJECTS = 100_000;

/**
 * Counters shared by every replica through Redis. Admission is one Lua script over all the claim's subjects (one
 * round trip, all or none); ending a request is another. Concurrency slots are leases that expire `leaseMs` after
 * their last renewal: one timer per process renews every live lease in a single script call, so the slots of a
 * replica that crashed free themselves.
 *
 * No offline queue: while Redis is unreachable a call fails at once (the caller decides what that means) instead of
 * holding the request.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & LimiterCommands;
  private readonly leaseMs: number;
  /** Live leases of this process: lease id → its lease-set keys. */
  private readonly liveLeases = new Map<string, string[]>();
  private readonly clock: Clock;
  private renewTimer?: TimerHandle;
  private readonly subjectKeys = new Map<string, Map<string, SubjectKeys>>();
  private cachedSubjects = 0;
  /** Lease ids are this process's random prefix and a counter: unique across replicas, cheaper than a UUID each. */
  private readonly leasePrefix = `${randomUUID()}:`;
  private leaseCount = 0;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.clock = options.clock ?? systemClock;
    const redis = openRedis(options.redis, REDIS_PRESETS.limitCounters);
    redis.on('error', () => undefined);
    redis.defineCommand('tollgateLimitAdmit', { lua: ADMIT_SCRIPT });
    redis.defineCommand('tollgateLimitFinish', { lua: FINISH_SCRIPT });
    redis.defineCommand('tollgateLimitRenew', { lua: RENEW_SCRIPT });
    redis.defineCommand('tollgateLimitPeek', { lua: PEEK_SCRIPT });
    this.redis = redis as Redis & LimiterCommands;
  }

  /** Resolves true once connected, false if that takes longer than `timeoutMs` (calls fail until it is). */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once('ready', onReady);
    });
  }

  async admit(claim: LimitClaim): Promise<LimitAdmission> {
    const { subjects, tokens } = claim;
    let leaseKeys: string[] | undefined;
    const keysAndArgs: string[] = [];
    for (const subject of subjects) {
      const keys = this.keysOf(subject);
      keysAndArgs.push(keys.requests, keys.tokens, keys.leases);
      if (subject.limits.concurrent !== undefined) (leaseKeys ??= []).push(keys.leases);
    }
    const leaseId = leaseKeys ? `${this.leasePrefix}${++this.leaseCount}` : '';
    keysAndArgs.push(this.nowArg(), leaseId, String(this.leaseMs), String(tokens));
    for (const { limits } of subjects) keysAndArgs.push(limitArg(limits.requestsPerMinute), limitArg(limits.tokensPerMinute), limitArg(limits.concurrent));
    const reply = await this.redis.tollgateLimitAdmit(subjects.length * 3, keysAndArgs);
    const blockedIndex = Number(reply[0]);
    const counters = countersFrom(reply.slice(4) as string[], subjects.length);
    const status = statusOf(subjects, counters);
    if (blockedIndex > 0) {
      const blocked = { index: blockedIndex - 1, kind: reply[1] as 'request' | 'token' | 'concurrency', waitMs: Number(reply[2]) };
      return { admitted: false, status, refusal: refusalOf(subjects, blocked) };
    }
    if (leaseKeys) this.trackLease(leaseId, leaseKeys);
    return { admitted: true, status, hold: this.holdFor(claim, leaseId) };
  }

  async peek(subjects: readonly LimitSubject[]): Promise<LimitReading[]> {
    if (subjects.length === 0) return [];
    const keysAndArgs: string[] = [];
    for (const subject of subjects) {
      const keys = this.keysOf(subject);
      keysAndArgs.push(keys.requests, keys.tokens, keys.leases);
    }
    keysAndArgs.push(this.nowArg());
    for (const { limits } of subjects) keysAndArgs.push(limitArg(limits.requestsPerMinute), limitArg(limits.tokensPerMinute), limitArg(limits.concurrent));
    const reply = await this.redis.tollgateLimitPeek(subjects.length * 3, keysAndArgs);
    return readingsOf(subjects, countersFrom(reply.slice(1), subjects.length));
  }

  /** Renews every live lease of this process in one call; the timer calls it every third of the lease length. */
  async renewLeases(): Promise<void> {
    if (this.liveLeases.size === 0) return;
    const keys: string[] = [];
    const leaseIds: string[] = [];
    for (const [leaseId, leaseKeys] of this.liveLeases) {
      for (const key of leaseKeys) {
        keys.push(key);
        leaseIds.push(leaseId);
      }
    }
    await this.redis.tollgateLimitRenew(keys.length, [...keys, this.nowArg(), String(this.leaseMs), ...leaseIds]);
  }

  async close(): Promise<void> {
    this.stopRenewing();
    this.liveLeases.clear();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  key(kind: 'requests' | 'tokens' | 'leases', subject: Pick<LimitSubject, 'scope' | 'id'>): string {
    return `${this.options.keyPrefix}limits:${kind}:${subject.scope}:${subject.id}`;
  }

  private keysOf(subject: LimitSubject): SubjectKeys {
    let byId = this.subjectKeys.get(subject.scope);
    if (!byId) this.subjectKeys.set(subject.scope, (byId = new Map()));
    let keys = byId.get(subject.id);
    if (!keys) {
      if (this.cachedSubjects >= MAX_CACHED_SUBJECTS) {
        this.subjectKeys.clear();
        this.cachedSubjects = 0;
        return this.keysOf(subject);
      }
      keys = { requests: this.key('requests', subject), tokens: this.key('tokens', subject), leases: this.key('leases', subject) };
      byId.set(subject.id, keys);
      this.cachedSubjects += 1;
    }
    return keys;
  }

  private holdFor(claim: LimitClaim, leaseId: string): LimitHold {
    let finished = false;
    return {
      finish: async (usedTokens) => {
        if (finished) return;
        finished = true;
        this.liveLeases.delete(leaseId);
        if (this.liveLeases.size === 0) this.stopRenewing();
        const difference = usedTokens - claim.tokens;
        const settles = difference !== 0 && claim.subjects.some((subject) => subject.limits.tokensPerMinute !== undefined);
        if (!settles && leaseId === '') return;
        const keysAndArgs: string[] = [];
        for (const subject of claim.subjects) {
          const keys = this.keysOf(subject);
          keysAndArgs.push(keys.tokens, keys.leases);
        }
        keysAndArgs.push(this.nowArg(), leaseId, String(difference));
        for (const { limits } of claim.subjects) {
          keysAndArgs.push(settles ? limitArg(limits.tokensPerMinute) : '0', leaseId === '' ? '0' : limitArg(limits.concurrent));
        }
        await this.redis.tollgateLimitFinish(claim.subjects.length * 2, keysAndArgs);
      },
    };
  }

  private trackLease(leaseId: string, leaseKeys: string[]): void {
    this.liveLeases.set(leaseId, leaseKeys);
    this.scheduleRenewal();
  }

  /** One timer per process while any lease is live: every third of the lease length, all of them are renewed. */
  private scheduleRenewal(): void {
    if (this.renewTimer !== undefined || this.liveLeases.size === 0) return;
    const renew = () => {
      this.renewLeases()
        .catch((error: unknown) => this.options.onRenewalFailure?.(error))
        .finally(() => {
          this.renewTimer = undefined;
          this.scheduleRenewal();
        });
    };
    this.renewTimer = this.clock.setTimeout(renew, Math.max(1, Math.floor(this.leaseMs / 3)), { background: true });
  }

  private stopRenewing(): void {
    this.clock.clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
  }

  private nowArg(): string {
    return this.options.clock ? String(this.options.clock.now()) : '';
  }
}

function limitArg(limit: number | undefined): string {
  return limit === undefined ? '0' : String(limit);
}

/** The script's three counters per subject ('' where the subject has no such limit). */
function countersFrom(values: readonly string[], subjects: number): SubjectCounters[] {
  const counters: SubjectCounters[] = [];
  for (let index = 0; index < subjects; index += 1) {
    const [request, token, concurrency] = values.slice(index * 3, index * 3 + 3);
    const counter: SubjectCounters = {};
    if (request !== '') counter.request = Number(request);
    if (token !== '') counter.token = Number(token);
    if (concurrency !== '') counter.concurrency = Number(concurrency);
    counters.push(counter);
  }
  return counters;
}
