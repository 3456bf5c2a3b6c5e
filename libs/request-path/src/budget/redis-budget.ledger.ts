import { randomUUID } from 'node:crypto';
import { openRedis, REDIS_PRESETS, type RedisTarget } from '@tollgate/platform';
import { systemClock, type Clock } from '@tollgate/time';
import type Redis from 'ioredis';
import type { BudgetLedger, BudgetOwner, BudgetReservation, ReserveResult, SpendBaseline } from '@tollgate/usage';
import { RELEASE_BUDGET_SCRIPT, RESERVE_BUDGET_SCRIPT, SETTLE_BUDGET_SCRIPT } from './budget-ledger.scripts';

export interface RedisBudgetLedgerOptions {
  /** A redis:// URL or ioredis options (`REDIS_PRESETS.requestState` applies on top). */
  redis: RedisTarget;
  /**
   * Prefix of every key, e.g. `tollgate:`; counters are `${keyPrefix}budget:{periodKey}:{userId}` for users and
   * `${keyPrefix}budget:team:{periodKey}:{teamId}` for teams.
   */
  keyPrefix: string;
  baseline: SpendBaseline;
  /** For the counters' TTL (relative, so a fake clock works). Default: the system clock. */
  clock?: Clock;
}

/** Counters outlive their period by this much (a late settle still finds its counter). */
const TTL_GRACE_SECONDS = 86_400;

/**
 * Budget counters shared by every replica through Redis: one hash per (user, period) with settled spend and
 * outstanding reservations; reserve, settle and release are each one Lua script, so replicas cannot overshoot.
 */
export class RedisBudgetLedger implements BudgetLedger {
  private readonly redis: Redis;
  private readonly clock: Clock;

  constructor(private readonly options: RedisBudgetLedgerOptions) {
    this.clock = options.clock ?? systemClock;
    this.redis = openRedis(options.redis, REDIS_PRESETS.requestState);
    this.redis.on('error', () => undefined);
  }

  async reserve(owner: BudgetOwner, periodKey: string, limitMicros: number, estimateMicros: number, resetsAt: Date): Promise<ReserveResult> {
    const key = this.key(owner, periodKey);
    let reply = await this.runReserve(key, limitMicros, estimateMicros, '', resetsAt);
    if (reply[0] === -1) {
      // First use in this period, or Redis lost the counter: rebuild it from the recorded spend.
      const baseline = await this.options.baseline(owner, periodKey);
      reply = await this.runReserve(key, limitMicros, estimateMicros, String(Math.max(0, Math.trunc(baseline))), resetsAt);
    }
    const [admitted, spent, generation] = reply;
    if (admitted !== 1) return { ok: false, spentMicros: Number(spent), resetsAt };
    return { ok: true, reservation: { owner, periodKey, estimateMicros, generation: String(generation) } };
  }

  async settle(reservation: BudgetReservation, actualMicros: number): Promise<void> {
    await this.redis.eval(
      SETTLE_BUDGET_SCRIPT,
      1,
      this.key(reservation.owner, reservation.periodKey),
      String(reservation.estimateMicros),
      String(Math.max(0, Math.trunc(actualMicros))),
      reservation.generation,
    );
  }

  async release(reservation: BudgetReservation): Promise<void> {
    await this.redis.eval(
      RELEASE_BUDGET_SCRIPT,
      1,
      this.key(reservation.owner, reservation.periodKey),
      String(reservation.estimateMicros),
      reservation.generation,
    );
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  /** Period keys start with `day:`, `week:` or `month:`, so a team's `team:` keys never meet a user's. */
  key(owner: BudgetOwner, periodKey: string): string {
    const scope = owner.scope === 'team' ? 'team:' : '';
    return `${this.options.keyPrefix}budget:${scope}${periodKey}:${owner.id}`;
  }

  private async runReserve(key: string, limit: number, estimate: number, baseline: string, resetsAt: Date): Promise<[number, number, string]> {
    const ttlSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - this.clock.now()) / 1000)) + TTL_GRACE_SECONDS;
    const reply = (await this.redis.eval(
      RESERVE_BUDGET_SCRIPT,
      1,
      key,
      String(Math.trunc(limit)),
      String(Math.max(0, Math.trunc(estimate))),
      baseline,
      String(ttlSeconds),
      randomUUID(),
    )) as [number, number, string | null];
    return [Number(reply[0]), Number(reply[1]), reply[2] ?? ''];
  }
}
