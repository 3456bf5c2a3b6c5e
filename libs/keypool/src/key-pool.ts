import type { Clock } from '@tollgate/time';
import { fingerprintKey } from './fingerprint';
import { hint } from './hint';
import type { KeyMark, KeyReason, KeyState, KeyStateStore, KeyStatus } from './key-state';
import type { Exhaustion, KeySource, KeyWalker } from './key-source';
import { PoolWalker } from './key-walker';

export interface KeyPoolOptions {
  strategy: 'ordered' | 'round-robin';
  /** `cooldown`: a 401 cools the key for `authCooldownMs` instead of disabling it, and a 403 is not a key failure. */
  authFailure: 'disable' | 'cooldown';
  authCooldownMs: number;
  defaultCooldownMs: number;
  maxCooldownMs: number;
}

/** Told about what the pool does, for metrics. */
export interface KeyPoolObserver {
  /** A key really changed state (not called when it already was cooling/disabled). */
  transition(provider: string, reason: KeyReason): void;
  exhaustion(provider: string, outcome: Exhaustion['outcome']): void;
}

export interface KeyPoolArgs {
  provider: string;
  keys: string[];
  options: KeyPoolOptions;
  store: KeyStateStore;
  clock: Clock;
  fingerprintSecret: string;
  observer?: KeyPoolObserver;
  /** The printable stand-in of a key when it is not the key's own `hint` (an entry holding several secrets). */
  hintOf?: (key: string) => string;
}

/** One configured key; the fingerprint is computed once here, not per request. */
export interface PoolKey {
  key: string;
  position: number;
  hint: string;
  fingerprint: string;
}

export interface KeyListing {
  position: number;
  hint: string;
  state: KeyState;
  reason?: KeyReason;
  /** ISO timestamp, cooling keys only. */
  until?: string;
}

/** A provider's keys in configuration order, their states in the shared store, and walkers over them. */
export class KeyPool implements KeySource {
  readonly provider: string;
  readonly options: KeyPoolOptions;
  readonly clock: Clock;
  private readonly keys: PoolKey[];
  private readonly store: KeyStateStore;
  private readonly observer?: KeyPoolObserver;
  private nextStart = 0;

  constructor(args: KeyPoolArgs) {
    this.provider = args.provider;
    this.options = args.options;
    this.clock = args.clock;
    this.store = args.store;
    this.observer = args.observer;
    this.keys = args.keys.map((key, position) => ({
      key,
      position,
      hint: (args.hintOf ?? hint)(key),
      fingerprint: fingerprintKey(key, args.fingerprintSecret),
    }));
    // The store reports its own connectivity problems; the pool works on the local view meanwhile.
    this.store.track(this.keys.map((key) => key.fingerprint)).catch(() => undefined);
  }

  get size(): number {
    return this.keys.length;
  }

  /** A fresh walker for one upstream call. */
  startWalk(model?: string): KeyWalker {
    return new PoolWalker(this, this.keys, this.startIndex(), model);
  }

  list(): KeyListing[] {
    const nowMs = this.clock.now();
    return this.keys.map((key) => {
      const status = this.status(key, nowMs);
      const listing: KeyListing = { position: key.position, hint: key.hint, state: status.state };
      if (status.reason) listing.reason = status.reason;
      if (status.until !== undefined) listing.until = new Date(status.until).toISOString();
      return listing;
    });
  }

  /** Back to valid on every replica; false if there is no key at that position. */
  async enable(position: number): Promise<boolean> {
    const key = Number.isInteger(position) ? this.keys[position] : undefined;
    if (!key) return false;
    await this.store.enable(key.fingerprint);
    return true;
  }

  counts(): Record<KeyState, number> {
    const nowMs = this.clock.now();
    const counts: Record<KeyState, number> = { valid: 0, cooling: 0, disabled: 0 };
    for (const key of this.keys) counts[this.status(key, nowMs).state] += 1;
    return counts;
  }

  /** @internal used by walkers */
  status(key: PoolKey, nowMs: number): KeyStatus {
    return this.store.read(key.fingerprint, nowMs);
  }

  /** @internal used by walkers: the key's entry for one model (`scope` from `modelScope`). */
  modelStatus(key: PoolKey, scope: string, nowMs: number): KeyStatus {
    return this.store.read(key.fingerprint + scope, nowMs);
  }

  /** @internal used by walkers; `scope`: mark the key's entry for one model only. */
  mark(key: PoolKey, next: KeyMark, scope = ''): void {
    const { changed } = this.store.mark(key.fingerprint + scope, next, this.clock.now());
    if (changed) this.observer?.transition(this.provider, next.reason);
  }

  /** @internal used by walkers */
  exhausted(outcome: Exhaustion['outcome']): void {
    this.observer?.exhaustion(this.provider, outcome);
  }

  private startIndex(): number {
    if (this.options.strategy !== 'round-robin' || this.keys.length === 0) return 0;
    const start = this.nextStart;
    this.nextStart = (this.nextStart + 1) % this.keys.length;
    return start;
  }
}
