import { describeProvider, type ProviderRef } from '@tollgate/providers';
import type { Clock } from '@tollgate/time';
import { CircuitBreaker, type Admission, type BreakerOptions, type BreakerState } from './circuit-breaker';

export interface BreakerKey {
  provider: string;
  route: string;
  model: string;
}

export interface CircuitBreakerObserver {
  tripped(key: BreakerKey): void;
  rejected(key: BreakerKey): void;
}

/** Whether an answer the client saw counts against a breaker: the provider's `breakerStatuses` (Anthropic adds 529). */
export function isBreakerFailure(provider: ProviderRef, status: number): boolean {
  return describeProvider(provider).breakerStatuses.includes(status);
}

/** Breakers kept at most; past it the least recently reported one is forgotten (it starts closed if it comes back). */
export const MAX_CIRCUIT_BREAKERS = 1000;

/**
 * The breakers of one gateway process, one per (provider, route, model), created on the first failure and dropped
 * once they are closed and clean again. Model names are chosen by clients, so the map is also capped: least
 * recently reported first out (a Map keeps insertion order; a report moves its breaker to the end).
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, { key: BreakerKey; breaker: CircuitBreaker }>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
    private readonly observer: CircuitBreakerObserver,
    private readonly maxBreakers = MAX_CIRCUIT_BREAKERS,
  ) {}

  admit(key: BreakerKey): Admission {
    const entry = this.breakers.get(id(key));
    if (!entry) return { admitted: true, trial: false };
    const admission = entry.breaker.admit();
    if (!admission.admitted) this.observer.rejected(key);
    return admission;
  }

  report(key: BreakerKey, failed: boolean, trial: boolean): void {
    const name = id(key);
    let entry = this.breakers.get(name);
    if (!entry) {
      if (!failed) return;
      entry = { key, breaker: new CircuitBreaker(this.options, this.clock) };
      this.forgetLeastRecentWhileFull();
    }
    this.breakers.delete(name);
    if (entry.breaker.report(failed, trial)) this.observer.tripped(key);
    if (!entry.breaker.isIdle) this.breakers.set(name, entry);
  }

  get size(): number {
    return this.breakers.size;
  }

  /** Breakers that are not closed, for the state gauge. */
  states(): Array<BreakerKey & { state: BreakerState }> {
    return [...this.breakers.values()].map(({ key, breaker }) => ({ ...key, state: breaker.currentState() }));
  }

  private forgetLeastRecentWhileFull(): void {
    for (const name of this.breakers.keys()) {
      if (this.breakers.size < this.maxBreakers) return;
      this.breakers.delete(name);
    }
  }
}

function id(key: BreakerKey): string {
  return `${key.provider}\u0000${key.route}\u0000${key.model}`;
}
