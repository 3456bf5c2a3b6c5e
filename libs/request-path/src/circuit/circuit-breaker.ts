import type { Clock } from '@tollgate/time';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker… */
  failureThreshold: number;
  /** …when they all fall within this window. */
  windowMs: number;
  /** How long it stays open before trial requests are let through. */
  openMs: number;
  /** Trial requests admitted at once while half-open. */
  halfOpenTrials: number;
}

export type Admission = { admitted: true; trial: boolean } | { admitted: false; retryAfterSeconds: number };

/**
 * One breaker for one (provider, route, model). Closed: everything passes; `failureThreshold` consecutive failures
 * within `windowMs` open it. Open: everything is rejected for `openMs`. Half-open: up to `halfOpenTrials` requests
 * pass at once; a successful trial closes the breaker, a failed one opens it again.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private firstFailureAt = 0;
  private openedAt = 0;
  private trialsInFlight = 0;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {}

  currentState(): BreakerState {
    if (this.state === 'open' && this.clock.now() - this.openedAt >= this.options.openMs) {
      this.state = 'half_open';
      this.trialsInFlight = 0;
    }
    return this.state;
  }

  admit(): Admission {
    const state = this.currentState();
    if (state === 'closed') return { admitted: true, trial: false };
    if (state === 'half_open' && this.trialsInFlight < this.options.halfOpenTrials) {
      this.trialsInFlight++;
      return { admitted: true, trial: true };
    }
    const remainingMs = state === 'open' ? this.options.openMs - (this.clock.now() - this.openedAt) : this.options.openMs;
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)) };
  }

  /** Reports the answer the client got. Returns true when this report opened the breaker (a trip). */
  report(failed: boolean, trial: boolean): boolean {
    if (trial) this.trialsInFlight = Math.max(0, this.trialsInFlight - 1);
    if (!failed) {
      if (this.state === 'half_open' || this.state === 'closed') {
        this.state = 'closed';
        this.consecutiveFailures = 0;
      }
      return false;
    }
    if (this.state === 'half_open') return this.open();
    if (this.state === 'open') return false;
    const now = this.clock.now();
    if (this.consecutiveFailures === 0 || now - this.firstFailureAt > this.options.windowMs) {
      this.consecutiveFailures = 0;
      this.firstFailureAt = now;
    }
    this.consecutiveFailures++;
    return this.consecutiveFailures >= this.options.failureThreshold ? this.open() : false;
  }

  /** Nothing worth keeping: closed with no failure counted. */
  get isIdle(): boolean {
    return this.currentState() === 'closed' && this.consecutiveFailures === 0;
  }

  private open(): boolean {
    this.state = 'open';
    this.openedAt = this.clock.now();
    this.consecutiveFailures = 0;
    this.trialsInFlight = 0;
    return true;
  }
}
