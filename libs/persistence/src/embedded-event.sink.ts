import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@tollgate/platform';
import { InvalidInterceptionEventError, parseInterceptionEvent, type InterceptionEvent, type InterceptionEventSink } from '@tollgate/recording';
import { EventBatcher } from './event-batcher';
import { flushInterceptionEvents, type SettledOutcome } from './interception-batch.flush';
import type { InterceptionEventWriter } from './interception-event.writer';

export interface EmbeddedEventSinkOptions {
  writer: InterceptionEventWriter;
  logger: Logger;
  /** Tries per event, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled for each further one. */
  backoffMs: number;
  maxBackoffMs?: number;
  batchSize?: number;
  /**
   * Longest wait to fill a batch. Default 0 (group commit): the sink sits on the request path (`started` is awaited
   * before the upstream call), so an idle gateway must not pay a batch timer on every request.
   */
  batchMaxWaitMs?: number;
  /** Waits `ms`, or less if `signal` aborts. Tests inject an instant one. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Embedded mode (no Redis): events go straight to the database writer in this process, batched like the recorder
 * worker does. `publish` resolves once the event is committed (or was already), and retries with exponential
 * backoff when the database fails or an `ended` event's parent is not there yet. An event that still fails is
 * rejected to the caller and logged as an error with its interception id: never dropped silently.
 * `close` stops accepting events and waits for those in flight, giving each waiting retry one last immediate try.
 */
export class EmbeddedEventSink implements InterceptionEventSink {
  private readonly batcher: EventBatcher<InterceptionEvent, SettledOutcome>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: EmbeddedEventSinkOptions) {
    if (options.attempts < 1) throw new Error('attempts must be at least 1');
    this.batcher = new EventBatcher({
      maxBatchSize: options.batchSize ?? 100,
      maxWaitMs: options.batchMaxWaitMs ?? 0,
      flush: (events) => flushInterceptionEvents(options.writer, events),
    });
    this.sleep = options.sleep ?? sleepUnlessAborted;
  }

  publish(event: InterceptionEvent): Promise<void> {
    if (this.closing.signal.aborted) return Promise.reject(new Error('the recording sink is closed'));
    let valid: InterceptionEvent;
    try {
      valid = parseInterceptionEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const delivery = this.deliver(valid);
    const tracked = delivery.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return delivery;
  }

  async close(): Promise<void> {
    this.closing.abort();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    await this.batcher.drain();
  }

  private async deliver(event: InterceptionEvent): Promise<void> {
    const { attempts, backoffMs } = this.options;
    const maxBackoffMs = this.options.maxBackoffMs ?? 60_000;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.batcher.submit(event);
        return;
      } catch (error) {
        const lastAttempt = attempt >= attempts || this.closing.signal.aborted || error instanceof InvalidInterceptionEventError;
        const context = { interceptionId: event.interceptionId, event: event.name, attempt, err: error };
        if (lastAttempt) {
          this.options.logger.error(context, 'recording event not recorded: giving up after its last attempt');
          throw error;
        }
        this.options.logger.warn(context, 'recording event not recorded yet; retrying');
        await this.sleep(Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs), this.closing.signal);
      }
    }
  }
}

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the sink is closing, retry at once.
  }
}
