import { randomUUID } from 'node:crypto';
import { systemClock, withTimeout, type Clock, type TimerHandle } from '@tollgate/time';
import type { EventBatchSender } from './event-batch.sender';
import type { InterceptionEvent } from './interception-event.schema';
import type { InterceptionEventBatch } from './recording-jobs';

/**
 * What happens to one interception's events, decided before it starts:
 * - `recorded`: both events are kept until the transport accepts them;
 * - `dropped`: the backlog is full and `failurePolicy` is `open`: the request is served, its events are counted,
 *   logged and dropped;
 * - `refused`: the backlog is full and `failurePolicy` is `closed`: the request must be answered 503.
 */
export type RecordingAdmission = 'recorded' | 'dropped' | 'refused';

/** What the producer reports, for metrics. */
export interface EventBatchProducerObserver {
  batchAccepted(events: readonly InterceptionEvent[]): void;
  batchFailed(eventCount: number): void;
  eventDropped(event: InterceptionEvent): void;
  interceptionRefused(): void;
}

/** The slice of a (pino) logger the producer uses. */
export interface ProducerLogger {
  warn(payload: object, message: string): void;
  error(payload: object, message: string): void;
}

export interface EventBatchProducerOptions {
  sender: EventBatchSender;
  /** A batch is sent as soon as it holds this many events… */
  maxEvents: number;
  /** …or once its first event has waited this long (0: at once, and what arrives meanwhile forms the next batch). */
  maxDelayMs: number;
  /** Events held until the transport accepts them, counting two for each interception in flight. */
  maxPendingEvents: number;
  failurePolicy: 'closed' | 'open';
  /** A send not settled within this long counts as failed; its events are sent again. */
  sendTimeoutMs: number;
  /** Sends in flight at once when the sender does not need them in order. Default 4. */
  maxSendsInFlight?: number;
  /** After a failed send nothing is sent for this long, doubling after each further failure, up to `maxRetryDelayMs`. */
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  logger: ProducerLogger;
  observer?: EventBatchProducerObserver;
  /** The timers the producer waits on. Default: the system clock. */
  clock?: Clock;
}

interface AcceptanceWaiter {
  resolve(): void;
  reject(error: Error): void;
}

/** A batch whose send failed hands this to the requests waiting for it (startedAck: queued). */
export class RecordingUnavailableError extends Error {
  override readonly name = 'RecordingUnavailableError';
}

const NO_OBSERVER: EventBatchProducerObserver = {
  batchAccepted: () => undefined,
  batchFailed: () => undefined,
  eventDropped: () => undefined,
  interceptionRefused: () => undefined,
};

/**
 * The gateway's side of recording. Events are appended to an in-process batch, which is handed to the sender (one
 * queue job, or one database transaction) when it is full or has waited `maxDelayMs`; the request never waits for
 * it unless asked to (`addAndWaitAccepted`). A batch that fails goes back to the front of the line and its events
 * are sent again after a backoff, for as long as the process runs. Memory is bounded: an interception is admitted
 * only while its two events fit under `maxPendingEvents`; past that `failurePolicy` refuses it or drops its events.
 */
export class EventBatchProducer {
  private buffered: InterceptionEvent[] = [];
  private inFlightEvents = 0;
  private sendsInFlight = 0;
  /** Events that admitted interceptions have yet to add. */
  private reserved = 0;
  /** Consecutive failed sends; while above zero only the retry timer sends. */
  private failures = 0;
  private delayTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private draining = false;
  private onIdle: (() => void) | undefined;
  private readonly waiters = new Map<InterceptionEvent, AcceptanceWaiter>();
  private readonly maxSendsInFlight: number;
  private readonly initialRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly observer: EventBatchProducerObserver;
  private readonly clock: Clock;

  constructor(private readonly options: EventBatchProducerOptions) {
    if (options.maxPendingEvents < 2) throw new Error('maxPendingEvents must hold at least one interception (2 events)');
    this.maxSendsInFlight = options.sender.inOrder ? 1 : (options.maxSendsInFlight ?? 4);
    this.initialRetryDelayMs = options.initialRetryDelayMs ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    this.observer = options.observer ?? NO_OBSERVER;
    this.clock = options.clock ?? systemClock;
  }

  /** Events held now: waiting for a batch, in a batch being sent, or still to come from admitted interceptions. */
  get pendingEvents(): number {
    return this.buffered.length + this.inFlightEvents + this.reserved;
  }

  /** Whether a new interception would not fit: `admit` refuses or drops it. */
  get isFull(): boolean {
    return this.draining || this.pendingEvents + 2 > this.options.maxPendingEvents;
  }

  /** Decides, before an interception starts, what happens to its two events (see RecordingAdmission). */
  admit(): RecordingAdmission {
    if (!this.isFull) {
      this.reserved += 2;
      return 'recorded';
    }
    if (this.options.failurePolicy === 'open') return 'dropped';
    this.observer.interceptionRefused();
    return 'refused';
  }

  /** Appends one of the two events of an interception admitted as `admission`. */
  add(event: InterceptionEvent, admission: Exclude<RecordingAdmission, 'refused'>): void {
    if (admission === 'dropped') {
      this.drop(event);
      return;
    }
    this.take(event);
    this.schedule();
  }

  /**
   * Like `add`, and resolves once the batch holding the event is accepted (startedAck: queued). The event is sent
   * without waiting for the batch delay, together with whatever else is ready (group commit); while the transport is
   * failing it is sent at once as the probe, unless a send is already in flight. Rejects with
   * RecordingUnavailableError when the send it waits for fails; the event itself stays and is sent again later.
   */
  addAndWaitAccepted(event: InterceptionEvent, admission: Exclude<RecordingAdmission, 'refused'>): Promise<void> {
    if (admission === 'dropped') {
      this.drop(event);
      return Promise.resolve();
    }
    this.take(event);
    const accepted = new Promise<void>((resolve, reject) => this.waiters.set(event, { resolve, reject }));
    if (this.failures > 0 && this.sendsInFlight === 0) {
      // Somebody waits: probe now rather than at the end of the backoff.
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.schedule();
    return accepted;
  }

  /**
   * At shutdown: sends everything held at once (a failed send is retried after the initial retry delay, doubling) for
   * at most `budgetMs`, then logs each event still undelivered as an error with its interception id, and drops it.
   */
  async drain(budgetMs: number): Promise<void> {
    this.draining = true;
    this.failures = Math.min(this.failures, 1);
    if (this.retryTimer !== undefined) this.retryAfterFailure();
    this.schedule();
    if (this.buffered.length > 0 || this.sendsInFlight > 0) {
      const idle = new Promise<void>((resolve) => {
        this.onIdle = resolve;
      });
      await withTimeout(idle, budgetMs, () => undefined, this.clock);
    }
    this.cancelTimers();
    const undelivered = this.buffered;
    this.buffered = [];
    for (const event of undelivered) {
      this.options.logger.error(
        { interceptionId: event.interceptionId, event: event.name, drainBudgetMs: budgetMs },
        'recording event not delivered before shutdown; it is lost',
      );
    }
  }

  /** Drains (see `drain`), then closes the sender. */
  async close(budgetMs: number): Promise<void> {
    await this.drain(budgetMs);
    await this.options.sender.close();
  }

  private take(event: InterceptionEvent): void {
    if (this.reserved > 0) this.reserved--;
    this.buffered.push(event);
  }

  private drop(event: InterceptionEvent): void {
    this.observer.eventDropped(event);
    this.options.logger.warn(
      { interceptionId: event.interceptionId, event: event.name, maxPendingEvents: this.options.maxPendingEvents },
      'recording backlog full: event dropped (failurePolicy: open)',
    );
  }

  /** Sends what is due now and arms the batch timer for the rest. */
  private schedule(): void {
    if (this.buffered.length === 0) return;
    if (this.failures > 0) {
      // Backing off: the retry timer sends the next batch. With none armed and nothing in flight, this one probes.
      if (this.retryTimer === undefined && this.sendsInFlight === 0) this.sendBatch();
      return;
    }
    const { maxEvents, maxDelayMs } = this.options;
    while (this.buffered.length >= maxEvents && this.sendsInFlight < this.maxSendsInFlight) this.sendBatch();
    if (this.buffered.length === 0) return;
    const sendNow = this.draining || maxDelayMs === 0 || this.waiters.size > 0;
    if (sendNow) {
      // Group commit: what arrives while this batch is sent forms the next one.
      if (this.sendsInFlight === 0) this.sendBatch();
      return;
    }
    if (this.delayTimer === undefined) this.delayTimer = this.clock.setTimeout(this.onBatchDelayElapsed, maxDelayMs);
  }

  private readonly onBatchDelayElapsed = (): void => {
    this.delayTimer = undefined;
    if (this.failures === 0 && this.buffered.length > 0 && this.sendsInFlight < this.maxSendsInFlight) this.sendBatch();
    else this.schedule();
  };

  private sendBatch(): void {
    if (this.delayTimer !== undefined) {
      this.clock.clearTimeout(this.delayTimer);
      this.delayTimer = undefined;
    }
    const { maxEvents } = this.options;
    let events: InterceptionEvent[];
    if (this.buffered.length <= maxEvents) {
      events = this.buffered;
      this.buffered = [];
    } else {
      events = this.buffered.splice(0, maxEvents);
    }
    const waiters = this.waiters.size > 0 ? this.takeWaiters(events) : undefined;
    this.sendsInFlight++;
    this.inFlightEvents += events.length;
    this.sendWithTimeout({ batchId: randomUUID(), events }).then(
      () => this.onAccepted(events, waiters),
      (error: unknown) => this.onFailed(events, waiters, error),
    );
  }

  private takeWaiters(events: InterceptionEvent[]): AcceptanceWaiter[] | undefined {
    let found: AcceptanceWaiter[] | undefined;
    for (const event of events) {
      const waiter = this.waiters.get(event);
      if (waiter === undefined) continue;
      this.waiters.delete(event);
      (found ??= []).push(waiter);
    }
    return found;
  }

  private sendWithTimeout(batch: InterceptionEventBatch): Promise<void> {
    const { sendTimeoutMs } = this.options;
    return withTimeout(this.options.sender.deliver(batch), sendTimeoutMs, () => {
      throw new RecordingUnavailableError(`the recording transport did not accept a batch within ${sendTimeoutMs} ms`);
    }, this.clock);
  }

  private onAccepted(events: InterceptionEvent[], waiters: AcceptanceWaiter[] | undefined): void {
    this.settleSend(events);
    this.failures = 0;
    this.observer.batchAccepted(events);
    if (waiters) for (const waiter of waiters) waiter.resolve();
    this.schedule();
    this.notifyIfIdle();
  }

  private onFailed(events: InterceptionEvent[], waiters: AcceptanceWaiter[] | undefined, error: unknown): void {
    this.settleSend(events);
    // Sent again in a later batch: every event is applied once, however often it is delivered.
    this.buffered = events.concat(this.buffered);
    this.failures++;
    this.observer.batchFailed(events.length);
    const unavailable = new RecordingUnavailableError(`recording unavailable: ${(error as Error).message}`);
    if (waiters) for (const waiter of waiters) waiter.reject(unavailable);
    // The transport is failing: nobody should wait for it now.
    for (const waiter of this.waiters.values()) waiter.reject(unavailable);
    this.waiters.clear();
    const retryInMs = Math.min(this.initialRetryDelayMs * 2 ** (this.failures - 1), this.maxRetryDelayMs);
    this.options.logger.warn(
      { err: error, events: events.length, pendingEvents: this.pendingEvents, retryInMs },
      'the recording transport did not accept a batch; its events will be sent again',
    );
    if (this.retryTimer === undefined) this.retryTimer = this.clock.setTimeout(this.retryAfterFailure, retryInMs);
  }

  /** After the backoff: one batch tries the transport; if it is accepted, everything else follows at once. */
  private readonly retryAfterFailure = (): void => {
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.schedule();
  };

  private settleSend(events: InterceptionEvent[]): void {
    this.sendsInFlight--;
    this.inFlightEvents -= events.length;
  }

  private notifyIfIdle(): void {
    if (this.onIdle && this.buffered.length === 0 && this.sendsInFlight === 0) {
      this.onIdle();
      this.onIdle = undefined;
    }
  }

  private cancelTimers(): void {
    this.clock.clearTimeout(this.delayTimer);
    this.clock.clearTimeout(this.retryTimer);
    this.delayTimer = undefined;
    this.retryTimer = undefined;
  }
}
