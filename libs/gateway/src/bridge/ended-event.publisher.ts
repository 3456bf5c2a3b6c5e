import type { Logger } from '@tollgate/platform';
import type { InterceptionEnded, InterceptionEventSink } from '@tollgate/recording';
import type { GatewayMetrics } from '../metrics/gateway.metrics';

const RETRY_DELAYS_MS = [200, 1_000, 5_000];

/**
 * Sends `interception.ended` detached from the client's response: each try has a timeout, failures are retried in
 * the background (the sink's job ids are deterministic, so a retry cannot duplicate), and `drain()` waits for every
 * pending event at shutdown.
 */
export class EndedEventPublisher {
  private readonly pending = new Set<Promise<boolean>>();

  constructor(
    private readonly sink: InterceptionEventSink,
    private readonly timeoutMs: number,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** Starts the delivery and returns at once; the promise says whether the event was handed over in the end. */
  publish(event: InterceptionEnded): Promise<boolean> {
    const delivery = this.deliver(event).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return delivery;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(event: InterceptionEnded): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await withTimeout(this.sink.publish(event), this.timeoutMs);
        this.metrics.recordingPublished(event.name);
        return true;
      } catch (error) {
        this.metrics.recordingPublishFailed(event.name);
        if (attempt >= RETRY_DELAYS_MS.length) {
          this.logger.error({ err: error, interceptionId: event.interceptionId }, 'could not record interception.ended; giving up');
          return false;
        }
        this.logger.warn({ err: error, interceptionId: event.interceptionId, attempt: attempt + 1 }, 'recording interception.ended failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
