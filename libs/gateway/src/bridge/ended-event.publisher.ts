import type { Logger } from '@tollgate/platform';
import { InvalidInterceptionEventError, type InterceptionEnded, type InterceptionEventSink } from '@tollgate/recording';
import type { GatewayMetrics } from '../metrics/gateway.metrics';

/** The timers the publisher waits on; injected so that tests move time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface EndedEventPublisherOptions {
  /** A try that the sink has not accepted within this long counts as failed (`recording.endedTimeout`). */
  timeoutMs: number;
  /** Delay before the first retry; it doubles after each failed try, up to `maxRetryDelayMs`. */
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  timers?: Timers;
}

type RecordingMetrics = Pick<GatewayMetrics, 'recordingPublished' | 'recordingPublishFailed'>;

interface Delivery {
  readonly event: InterceptionEnded;
  /** Failed tries since the backoff last started over. */
  failures: number;
  /** Ends the current backoff wait early. */
  wake?: () => void;
  settled?: Promise<boolean>;
}

/**
 * Sends `interception.ended` detached from the client's response. Each try has a timeout; a failed try is retried
 * with capped exponential backoff for as long as the process runs (the sink's job ids are deterministic, so a retry
 * cannot duplicate), because an event given up on would leave its interception open forever. At shutdown `drain()`
 * gives the pending events a last, bounded chance and names every interception it could not record.
 */
export class EndedEventPublisher {
  private readonly pending = new Set<Delivery>();
  private readonly timeoutMs: number;
  private readonly initialRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly timers: Timers;
  private abandoned = false;

  constructor(
    private readonly sink: InterceptionEventSink,
    options: EndedEventPublisherOptions,
    private readonly metrics: RecordingMetrics,
    private readonly logger: Logger,
  ) {
    this.timeoutMs = options.timeoutMs;
    this.initialRetryDelayMs = options.initialRetryDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.timers = options.timers ?? systemTimers;
  }

  /** Starts the delivery and returns at once; the promise says whether the event was handed over in the end. */
  publish(event: InterceptionEnded): Promise<boolean> {
    const delivery: Delivery = { event, failures: 0 };
    this.pending.add(delivery);
    delivery.settled = this.deliver(delivery).finally(() => this.pending.delete(delivery));
    return delivery.settled;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * At shutdown: every pending event is tried again at once and keeps being retried (backoff started over) for at
   * most `budgetMs`. Then each event still undelivered is logged as an error with its interception id, and dropped.
   */
  async drain(budgetMs: number): Promise<void> {
    if (this.pending.size === 0) return;
    for (const delivery of this.pending) {
      delivery.failures = 0;
      delivery.wake?.();
    }
    let deadline: unknown;
    const outOfTime = new Promise<'out of time'>((resolve) => {
      deadline = this.timers.setTimeout(() => resolve('out of time'), budgetMs);
    });
    const outcome = await Promise.race([this.allSettled(), outOfTime]);
    this.timers.clearTimeout(deadline);
    if (outcome !== 'out of time') return;

    this.abandoned = true;
    for (const delivery of this.pending) {
      this.logger.error(
        { interceptionId: delivery.event.interceptionId, drainBudgetMs: budgetMs },
        'interception.ended not recorded before shutdown; the interception stays open',
      );
      delivery.wake?.();
    }
  }

  private async allSettled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending].map((delivery) => delivery.settled));
  }

  private async deliver(delivery: Delivery): Promise<boolean> {
    const { event } = delivery;
    for (let attempt = 1; !this.abandoned; attempt++) {
      try {
        await this.withTimeout(this.sink.publish(event));
        this.metrics.recordingPublished(event.name);
        if (attempt > 1) this.logger.info({ interceptionId: event.interceptionId, attempts: attempt }, 'recorded interception.ended after retrying');
        return true;
      } catch (error) {
        this.metrics.recordingPublishFailed(event.name);
        if (error instanceof InvalidInterceptionEventError) {
          this.logger.error({ err: error, interceptionId: event.interceptionId }, 'interception.ended is invalid; not retrying');
          return false;
        }
        if (this.abandoned) break;
        const retryInMs = Math.min(this.initialRetryDelayMs * 2 ** delivery.failures, this.maxRetryDelayMs);
        delivery.failures++;
        this.logger.warn({ err: error, interceptionId: event.interceptionId, attempt, retryInMs }, 'recording interception.ended failed; retrying');
        await this.backoff(delivery, retryInMs);
      }
    }
    return false;
  }

  private backoff(delivery: Delivery, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => delivery.wake?.(), ms);
      delivery.wake = () => {
        delivery.wake = undefined;
        this.timers.clearTimeout(timer);
        resolve();
      };
    });
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.timers.setTimeout(() => reject(new Error(`not accepted within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    work.catch(() => undefined); // a late failure after the timeout has already been counted
    return Promise.race([work, timeout]).finally(() => this.timers.clearTimeout(timer));
  }
}
