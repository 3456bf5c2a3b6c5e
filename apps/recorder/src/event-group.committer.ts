import type { BatchItemResult, SettledOutcome } from '@tollgate/persistence';
import type { InterceptionEvent } from '@tollgate/recording';
import { systemClock, type Clock, type TimerHandle } from '@tollgate/time';
import { inTransactionSpan, type TransactionTrace } from './recorder.tracing';

/** What writing one event gave: its outcome, or the error of that event alone (its parent is missing, bad data). */
export type EventResult = BatchItemResult<SettledOutcome>;

export interface EventGroupCommitterOptions {
  /** Writes events in one transaction (one by one where the database rejects one); one result per event, in order. */
  write(events: InterceptionEvent[]): Promise<EventResult[]>;
  /** Most events per transaction. A job's events are never split by this limit, so one large job may exceed it alone. */
  maxEvents: number;
  /** Longest a job waits for others to share its transaction. */
  maxWaitMs: number;
  /** Jobs the worker holds at once: once that many wait, no other job can arrive and waiting is pointless. */
  maxJobs: number;
  /**
   * Longest an `interception.started` event waits for its `interception.ended` event to share its transaction: the
   * two then make one finished row instead of an insert and, later, an update of the same row. 0: never waits.
   */
  pairWaitMs: number;
  /** Each transaction's size. */
  observeTransaction(eventCount: number): void;
  /** The waits' timers and time. Default: the system clock. */
  clock?: Clock;
}

interface PendingJob {
  readonly events: readonly InterceptionEvent[];
  readonly arrivedAt: number;
  readonly trace: TransactionTrace;
  readonly results: EventResult[];
  unwritten: number;
  failed: boolean;
  resolve(results: EventResult[]): void;
  reject(error: unknown): void;
}

interface PendingEvent {
  readonly job: PendingJob;
  readonly index: number;
  readonly event: InterceptionEvent;
}

/** A started event set aside to wait for its ended event, until `until`. */
interface HeldEvent extends PendingEvent {
  readonly until: number;
}

/**
 * Group commit: the events of the jobs that arrive together are written in one transaction. Jobs wait until
 * `maxEvents` events or `maxJobs` jobs wait, or at most `maxWaitMs`; jobs arriving while a transaction is written go
 * into the next one, written as soon as it commits. One transaction at a time, in arrival order.
 *
 * A started event whose ended event is not in the transaction may be held back for up to `pairWaitMs`, so that the
 * two are written together as one finished row: for a short request that is half the database's work. Its job
 * completes once every one of its events is written (jobs hold their BullMQ lock meanwhile); nothing is held once
 * `maxJobs` jobs wait (no other job could arrive to bring an ended event) or at shutdown.
 */
export class EventGroupCommitter {
  private readonly waiting: PendingJob[] = [];
  private waitingEvents = 0;
  private readonly held = new Map<string, HeldEvent>();
  /** Jobs with events not yet written: those waiting, and those with a held event. */
  private openJobs = 0;
  private timer: TimerHandle | undefined;
  /** When the armed timer fires (by the clock). */
  private timerDue = Infinity;
  private writing: Promise<void> | undefined;
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly options: EventGroupCommitterOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Writes `events` (one job's) with those of other jobs; resolves once all are committed, or rejects with a transaction's error. */
  commit(events: readonly InterceptionEvent[], trace: TransactionTrace): Promise<EventResult[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise<EventResult[]>((resolve, reject) => {
      const job = { events, arrivedAt: this.clock.now(), trace, results: new Array<EventResult>(events.length), unwritten: events.length, failed: false, resolve, reject };
      this.waiting.push(job);
      this.waitingEvents += events.length;
      this.openJobs += 1;
      this.schedule();
    });
  }

  /** Shutdown: nothing more will arrive, so what waits (held events too) is written now, and so is anything committed later. */
  async stopWaiting(): Promise<void> {
    this.stopped = true;
    this.startWriting();
    await this.writing;
  }

  private schedule(): void {
    if (this.writing) return; // taken as soon as the transaction being written commits
    if (this.isFull()) this.startWriting();
    else this.armTimer();
  }

  /** Wakes up when the first waiting job has waited `maxWaitMs`, or when the first held event's wait is over. */
  private armTimer(): void {
    const firstWaiting = this.waiting.find((job) => !job.failed);
    const due = Math.min(firstWaiting ? firstWaiting.arrivedAt + this.options.maxWaitMs : Infinity, this.firstHeldDue());
    if (due === this.timerDue) return;
    this.clock.clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = due === Infinity ? undefined : this.clock.setTimeout(() => this.startWriting(), Math.max(0, due - this.clock.now()));
  }

  /** Nothing more can come, or nothing more should wait. */
  private isFull(): boolean {
    return this.stopped || this.waitingEvents >= this.options.maxEvents || this.openJobs >= this.options.maxJobs;
  }

  private firstHeldDue(): number {
    let first = Infinity;
    for (const held of this.held.values()) first = Math.min(first, held.until);
    return first;
  }

  private startWriting(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.writing) return;
    const group = this.takeGroup();
    if (group.length === 0) {
      this.armTimer(); // everything left is held: wake up when the first wait is over
      return;
    }
    this.writing = this.writeFrom(group);
  }

  /** Writes `first`, then every group due meanwhile, one transaction at a time. */
  private async writeFrom(first: PendingEvent[]): Promise<void> {
    try {
      for (let group = first; group.length > 0; group = this.takeGroup()) await this.writeGroup(group);
    } finally {
      this.writing = undefined;
      if (this.waiting.length > 0 || this.held.size > 0) this.armTimer();
    }
  }

  /**
   * The next transaction: the waiting jobs up to `maxEvents` (never splitting one), minus the started events that may
   * wait for their ended event, plus the held started events whose ended event is now here or whose wait is over.
   */
  private takeGroup(): PendingEvent[] {
    const jobs: PendingJob[] = [];
    let events = 0;
    while (this.waiting.length > 0 && (jobs.length === 0 || events + this.waiting[0].events.length <= this.options.maxEvents)) {
      const job = this.waiting.shift()!;
      this.waitingEvents -= job.events.length;
      if (job.failed) continue;
      jobs.push(job);
      events += job.events.length;
    }

    const now = this.clock.now();
    const holding = this.options.pairWaitMs > 0 && !this.isFull();
    const endedHere = new Set<string>();
    for (const job of jobs) for (const event of job.events) if (event.name === 'interception.ended') endedHere.add(event.interceptionId);

    const group: PendingEvent[] = [];
    for (const job of jobs) {
      job.events.forEach((event, index) => {
        const pending = { job, index, event };
        if (holding && event.name === 'interception.started' && !endedHere.has(event.interceptionId)) {
          this.held.set(event.interceptionId, { ...pending, until: now + this.options.pairWaitMs });
        } else {
          group.push(pending);
        }
      });
    }
    for (const [id, held] of this.held) {
      if (!holding || endedHere.has(id) || held.until <= now || held.job.failed) {
        this.held.delete(id);
        if (!held.job.failed) group.push(held);
      }
    }
    return group;
  }

  private async writeGroup(group: PendingEvent[]): Promise<void> {
    const jobs = [...new Set(group.map((pending) => pending.job))];
    let results: EventResult[];
    try {
      results = await inTransactionSpan(
        jobs.map((job) => job.trace),
        group.length,
        () => this.options.write(group.map((pending) => pending.event)),
      );
    } catch (error) {
      for (const job of jobs) this.fail(job, error);
      return;
    }
    this.options.observeTransaction(group.length);
    group.forEach(({ job, index }, position) => {
      job.results[index] = results[position];
      job.unwritten -= 1;
      if (job.unwritten === 0 && !job.failed) {
        this.openJobs -= 1;
        job.resolve(job.results);
      }
    });
  }

  /** A job whose transaction failed fails as a whole (BullMQ retries it; its events already written are replays then). */
  private fail(job: PendingJob, error: unknown): void {
    if (job.failed) return;
    job.failed = true;
    this.openJobs -= 1;
    job.reject(error);
  }
}
