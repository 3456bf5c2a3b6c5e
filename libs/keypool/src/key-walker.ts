import type { KeyPool, PoolKey } from './key-pool';
import type { KeyReason, KeyState } from './key-state';
import type { Exhaustion, HandedOutKey, KeyWalker } from './key-source';
import { cooldownFromHeaders, type HeaderBag } from './retry-after.parser';

export class PoolWalker implements KeyWalker {
  lastTransition?: { reason: KeyReason; state: KeyState };
  lastHint = '';
  handedOut = 0;
  private looked = 0;
  private current?: PoolKey;
  private exhaustion?: Exhaustion;

  constructor(
    private readonly pool: KeyPool,
    private readonly keys: readonly PoolKey[],
    private readonly start: number,
  ) {}

  next(): HandedOutKey | undefined {
    this.current = undefined;
    while (this.looked < this.keys.length) {
      const candidate = this.keys[(this.start + this.looked) % this.keys.length];
      this.looked += 1;
      if (this.pool.status(candidate, this.pool.clock.now()).state !== 'valid') continue;
      this.current = candidate;
      this.lastHint = candidate.hint;
      this.handedOut += 1;
      return { key: candidate.key, position: candidate.position, hint: candidate.hint };
    }
    return undefined;
  }

  report(status: number, headers: HeaderBag): 'failover' | 'final' {
    this.lastTransition = undefined;
    const key = this.current;
    if (!key) return 'final';
    const { options, clock } = this.pool;
    const nowMs = clock.now();
    if (status === 429) {
      return this.fail(key, { state: 'cooling', reason: 'rate_limited', until: nowMs + cooldownFromHeaders(headers, nowMs, options) });
    }
    if (status === 401) {
      return options.authFailure === 'cooldown'
        ? this.fail(key, { state: 'cooling', reason: 'unauthorized', until: nowMs + options.authCooldownMs })
        : this.fail(key, { state: 'disabled', reason: 'unauthorized' });
    }
    if (status === 403 && options.authFailure === 'disable') {
      return this.fail(key, { state: 'disabled', reason: 'forbidden' });
    }
    return 'final';
  }

  exhausted(): Exhaustion {
    // Memoized so that asking twice counts one exhaustion.
    this.exhaustion ??= this.classifyExhaustion();
    return this.exhaustion;
  }

  private fail(key: PoolKey, mark: { state: 'cooling' | 'disabled'; reason: KeyReason; until?: number }): 'failover' {
    this.pool.mark(key, mark);
    this.lastTransition = { reason: mark.reason, state: mark.state };
    return 'failover';
  }

  private classifyExhaustion(): Exhaustion {
    const nowMs = this.pool.clock.now();
    let smallestCooldownMs: number | undefined;
    let allDisabled = true;
    for (const key of this.keys) {
      const status = this.pool.status(key, nowMs);
      if (status.state !== 'disabled') allDisabled = false;
      if (status.state === 'cooling' && status.until !== undefined) {
        smallestCooldownMs = Math.min(smallestCooldownMs ?? Infinity, status.until - nowMs);
      }
    }
    if (allDisabled) {
      this.pool.exhausted('auth_failed');
      return { outcome: 'auth_failed', message: 'all configured keys failed authentication' };
    }
    // No key cooling and not all disabled: a cooldown ran out (or a key was re-enabled) since the walk; retry now.
    const retryAfterSeconds = Math.max(0, Math.ceil((smallestCooldownMs ?? 0) / 1000));
    this.pool.exhausted('rate_limited');
    return {
      outcome: 'rate_limited',
      retryAfterSeconds,
      message: `all configured keys are rate-limited (retry after ${retryAfterSeconds}s)`,
    };
  }
}
