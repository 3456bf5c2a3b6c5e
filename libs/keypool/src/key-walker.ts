import type { KeyPool, PoolKey } from './key-pool';
import type { KeyReason, KeyState } from './key-state';
import type { Exhaustion, HandedOutKey, KeyWalker } from './key-source';
import { MODEL_DENIED_COOLDOWN_MS, modelScope } from './model-scope';
import { rateLimitCooldown, type HeaderBag } from './retry-after.parser';

export class PoolWalker implements KeyWalker {
  lastTransition?: { reason: KeyReason; state: KeyState };
  lastHint = '';
  handedOut = 0;
  private looked = 0;
  private current?: PoolKey;
  private exhaustion?: Exhaustion;
  /** The suffix of the keys' entries for the walk's model; undefined when the model is not known. */
  private readonly scope?: string;

  constructor(
    private readonly pool: KeyPool,
    private readonly keys: readonly PoolKey[],
    private readonly start: number,
    private readonly model?: string,
  ) {
    if (model !== undefined) this.scope = modelScope(model);
  }

  get forbiddenFailsOver(): boolean {
    return this.pool.options.authFailure === 'disable';
  }

  next(): HandedOutKey | undefined {
    this.current = undefined;
    while (this.looked < this.keys.length) {
      const candidate = this.keys[(this.start + this.looked) % this.keys.length];
      this.looked += 1;
      if (!this.usable(candidate, this.pool.clock.now())) continue;
      this.current = candidate;
      this.lastHint = candidate.hint;
      this.handedOut += 1;
      return { key: candidate.key, position: candidate.position, hint: candidate.hint };
    }
    return undefined;
  }

  report(status: number, headers: HeaderBag, modelDenied = false, retryAfterMs?: number): 'failover' | 'final' {
    this.lastTransition = undefined;
    const key = this.current;
    if (!key) return 'final';
    const { options, clock } = this.pool;
    const nowMs = clock.now();
    if (status === 429) {
      return this.fail(key, { state: 'cooling', reason: 'rate_limited', until: nowMs + rateLimitCooldown(headers, nowMs, options, retryAfterMs) });
    }
    if (status === 401) {
      return options.authFailure === 'cooldown'
        ? this.fail(key, { state: 'cooling', reason: 'unauthorized', until: nowMs + options.authCooldownMs })
        : this.fail(key, { state: 'disabled', reason: 'unauthorized' });
    }
    if (status === 403 && options.authFailure === 'disable') {
      if (modelDenied && this.scope !== undefined) {
        return this.fail(key, { state: 'cooling', reason: 'model_denied', until: nowMs + MODEL_DENIED_COOLDOWN_MS }, this.scope);
      }
      return this.fail(key, { state: 'disabled', reason: 'forbidden' });
    }
    return 'final';
  }

  exhausted(): Exhaustion {
    // Memoized so that asking twice counts one exhaustion.
    this.exhaustion ??= this.classifyExhaustion();
    return this.exhaustion;
  }

  private usable(key: PoolKey, nowMs: number): boolean {
    if (this.pool.status(key, nowMs).state !== 'valid') return false;
    return this.scope === undefined || this.pool.modelStatus(key, this.scope, nowMs).state === 'valid';
  }

  private fail(key: PoolKey, mark: { state: 'cooling' | 'disabled'; reason: KeyReason; until?: number }, scope = ''): 'failover' {
    this.pool.mark(key, mark, scope);
    this.lastTransition = { reason: mark.reason, state: mark.state };
    return 'failover';
  }

  private classifyExhaustion(): Exhaustion {
    const nowMs = this.pool.clock.now();
    let smallestCooldownMs: number | undefined;
    let allDisabled = true;
    let modelDenied = false;
    for (const key of this.keys) {
      const status = this.pool.status(key, nowMs);
      if (status.state !== 'disabled') allDisabled = false;
      if (status.state === 'cooling' && status.until !== undefined) {
        smallestCooldownMs = Math.min(smallestCooldownMs ?? Infinity, status.until - nowMs);
      }
      if (status.state === 'valid' && this.scope !== undefined && this.pool.modelStatus(key, this.scope, nowMs).state !== 'valid') {
        modelDenied = true;
      }
    }
    if (allDisabled) {
      this.pool.exhausted('auth_failed');
      return { outcome: 'auth_failed', message: 'all configured keys failed authentication' };
    }
    // Every key left is denied this model (none merely rate-limited): waiting would not help, the model is the problem.
    if (modelDenied && smallestCooldownMs === undefined && this.model !== undefined) {
      this.pool.exhausted('model_denied');
      return {
        outcome: 'model_denied',
        model: this.model,
        message: `the model "${this.model}" is not available through this gateway: the provider denied every configured key access to it`,
      };
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
