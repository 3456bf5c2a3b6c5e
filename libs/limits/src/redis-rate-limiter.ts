import { randomUUID } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import type { LimitSubject } from './limit-set';
import { readingsOf, refusalOf, statusOf, type SubjectCounters } from './limit-decision';
import type { LimitAdmission, LimitClaim, LimitHold, LimitReading, RateLimiter } from './rate-limiter';
import { ADMIT_SCRIPT, FINISH_SCRIPT, PEEK_SCRIPT, RENEW_SCRIPT } from './rate-limiter.scripts';

export interface RedisRateLimiterOptions {
  /** A redis:// URL or ioredis options; the limiter enforces its own offline-queue and timeout settings on top. */
  redis: string | RedisOptions;
  /** Prefix of every key, e.g. `tollgate:`; counters are `${keyPrefix}limits:{requests|tokens|leases}:{scope}:{id}`. */
  keyPrefix: string;
  /** A concurrency slot is freed this long after its replica last renewed it (a crashed replica's slots). Default 30 s. */
  leaseMs?: number;
  /** Epoch ms (tests). Default: the Redis server's clock, so every replica counts on the same clock. */
  now?: () => number;
  /** Told when renewing the live leases failed (they expire if Redis stays unreachable for a lease's length). */
  onRenewalFailure?: (error: unknown) => void;
}

export const DEFAULT_LEASE_MS = 30_000;
const COMMAND_TIMEOUT_MS = 1000;

interface LimiterCommands {
  tollgateLimitAdmit(numKeys: number, ...args: string[]): Promise<string[] | [number, ...string[]]>;
  tollgateLimitFinish(numKeys: number, ...args: string[]): Promise<number>;
  tollgateLimitRenew(numKeys: number, ...args: string[]): Promise<number>;
  tollgateLimitPeek(numKeys: number, ...args: string[]): Promise<string[]>;
}

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
  private renewTimer?: NodeJS.Timeout;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    // A short disconnectTimeout: ioredis arms it even for a socket that is already gone (closing while Redis is down).
    const enforced: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS, disconnectTimeout: 200 };
    const redis = typeof options.redis === 'string' ? new Redis(options.redis, enforced) : new Redis({ ...options.redis, ...enforced });
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
    const leaseId = subjects.some((subject) => subject.limits.concurrent !== undefined) ? randomUUID() : '';
    const keys: string[] = [];
    const args: string[] = [this.nowArg(), leaseId, String(this.leaseMs), String(tokens)];
    for (const subject of subjects) {
      keys.push(this.key('requests', subject), this.key('tokens', subject), this.key('leases', subject));
      args.push(limitArg(subject.limits.requestsPerMinute), limitArg(subject.limits.tokensPerMinute), limitArg(subject.limits.concurrent));
    }
    const reply = await this.redis.tollgateLimitAdmit(keys.length, ...keys, ...args);
    const blockedIndex = Number(reply[0]);
    const counters = countersFrom(reply.slice(4) as string[], subjects.length);
    const status = statusOf(subjects, counters);
    if (blockedIndex > 0) {
      const blocked = { index: blockedIndex - 1, kind: reply[1] as 'request' | 'token' | 'concurrency', waitMs: Number(reply[2]) };
      return { admitted: false, status, refusal: refusalOf(subjects, blocked) };
    }
    const leaseKeys = leaseId === '' ? [] : subjects.filter((subject) => subject.limits.concurrent !== undefined).map((subject) => this.key('leases', subject));
    if (leaseKeys.length > 0) this.trackLease(leaseId, leaseKeys);
    return { admitted: true, status, hold: this.holdFor(claim, leaseId) };
  }

  async peek(subjects: readonly LimitSubject[]): Promise<LimitReading[]> {
    if (subjects.length === 0) return [];
    const keys: string[] = [];
    const args: string[] = [this.nowArg()];
    for (const subject of subjects) {
      keys.push(this.key('requests', subject), this.key('tokens', subject), this.key('leases', subject));
      args.push(limitArg(subject.limits.requestsPerMinute), limitArg(subject.limits.tokensPerMinute), limitArg(subject.limits.concurrent));
    }
    const reply = await this.redis.tollgateLimitPeek(keys.length, ...keys, ...args);
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
    await this.redis.tollgateLimitRenew(keys.length, ...keys, this.nowArg(), String(this.leaseMs), ...leaseIds);
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

  private holdFor(claim: LimitClaim, leaseId: string): LimitHold {
    let finished = false;
    return {
      finish: async (usedTokens) => {
        if (finished) return;
        finished = true;
        this.liveLeases.delete(leaseId);
        if (this.liveLeases.size === 0) this.stopRenewing();
        const difference = usedTokens - claim.tokens;
        const settles = claim.subjects.filter((subject) => subject.limits.tokensPerMinute !== undefined && difference !== 0);
        const frees = leaseId === '' ? [] : claim.subjects.filter((subject) => subject.limits.concurrent !== undefined);
        if (settles.length === 0 && frees.length === 0) return;
        const keys: string[] = [];
        const args: string[] = [this.nowArg(), leaseId, String(difference)];
        for (const subject of claim.subjects) {
          keys.push(this.key('tokens', subject), this.key('leases', subject));
          args.push(difference === 0 ? '0' : limitArg(subject.limits.tokensPerMinute), leaseId === '' ? '0' : limitArg(subject.limits.concurrent));
        }
        await this.redis.tollgateLimitFinish(keys.length, ...keys, ...args);
      },
    };
  }

  private trackLease(leaseId: string, leaseKeys: string[]): void {
    this.liveLeases.set(leaseId, leaseKeys);
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      this.renewLeases().catch((error: unknown) => this.options.onRenewalFailure?.(error));
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (!this.renewTimer) return;
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private nowArg(): string {
    return this.options.now ? String(this.options.now()) : '';
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
