import { BoundHistogram } from '@tollgate/platform';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { KeyPool, KeyPoolObserver } from './key-pool';
import type { KeyState } from './key-state';

const KEY_STATES: KeyState[] = ['valid', 'cooling', 'disabled'];

export interface KeyPoolMetrics {
  observer: KeyPoolObserver;
  /** Once per centralized interception or passthrough request (never BYOK): keys handed out. */
  observeFailoverAttempts(provider: string, handedOut: number): void;
}

/** Registers the four `tollgate_key_pool_*` metrics; the per-state key gauge is read from `pools()` at scrape time. */
export function registerKeyPoolMetrics(registry: Registry, pools: () => KeyPool[]): KeyPoolMetrics {
  new Gauge({
    name: 'tollgate_key_pool_keys',
    help: 'Configured provider keys by state',
    labelNames: ['provider', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const pool of pools()) {
        const counts = pool.counts();
        for (const state of KEY_STATES) this.set({ provider: pool.provider, state }, counts[state]);
      }
    },
  });
  const transitions = new Counter({
    name: 'tollgate_key_pool_state_transitions_total',
    help: 'Provider keys that changed state (cooling or disabled), by reason',
    labelNames: ['provider', 'reason'],
    registers: [registry],
  });
  const exhaustions = new Counter({
    name: 'tollgate_key_pool_exhaustions_total',
    help: 'Upstream calls that found no valid key left, by outcome',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  // Observed on every centralized request: bound children, no allocation per observation.
  const failoverAttempts = new BoundHistogram(
    registry,
    { name: 'tollgate_key_pool_failover_attempts', help: 'Keys handed out per centralized interception or passthrough request', labelNames: ['provider'] },
    [1, 2, 3, 4, 5, 10, 25],
  );
  return {
    observer: {
      transition: (provider, reason) => transitions.inc({ provider, reason }),
      exhaustion: (provider, outcome) => exhaustions.inc({ provider, outcome }),
    },
    observeFailoverAttempts: (provider, handedOut) => failoverAttempts.labels(provider).observe(handedOut),
  };
}
