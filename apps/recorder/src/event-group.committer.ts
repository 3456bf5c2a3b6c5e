import type { BatchItemResult, BatchTimers, SettledOutcome } from '@tollgate/persistence';
import type { InterceptionEvent } from '@tollgate/recording';
import { inTransactionSpan, type TransactionTrace } from './recorder.tracing';

/** What writing one event gave: its outcome, or the error of that event alone (its parent is missing, bad data). */
export type EventResult = BatchItemResult<SettledOutcome>;

export interface EventGroupCommitterOptions {
  /** Writes events in one transaction (one by one where the database rejects one); one result per event, in order. */
  write(events: InterceptionEvent[]): Promise<EventResult[]>;
  /** Most events per transaction. A job's events are never split, so one large job may exceed it alone. */
  maxEvents: number;
  /** Longest a job waits for others to share its transaction. */
  maxWaitMs: number;
  /** Jobs the worker holds at once: once that many wait, no other job can arrive and waiting is pointless. */
  maxJobs: number;
  /** Each transaction's size. */
  observeTransaction(eventCount: number): void;
  /** Tests inject fake timers; default: setTimeout. */
  timers?: BatchTimers;
}

interface WaitingJob {
  events: readonly InterceptionEvent[];
  trace: TransactionTrace;
  resolve(results: EventResult[]): void;
  reject(error: unknown): void;
}

const realTimers: BatchTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Group commit: the events of the jobs that arrive together are written in one transaction. A job waits until
 * `maxEvents` events or `maxJobs` jobs wait, or at most `maxWaitMs`; jobs arriving while a transaction is written go
 * into the next one, written as soon as it commits. One transaction at a time, in arrival order. Each job gets one
 * promise with the results of its own events.
 */
export class EventGroupCommitter {
  private readonly waiting: WaitingJob[] = [];
  private waitingEvents = 0;
  private timer: unknown = undefined;
  private writing: Promise<void> | undefined;
  private stopped = false;
  private readonly timers: BatchTimers;

  constructor(private readonly options: EventGroupCommitterOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** Writes `events` (one job's) with those of other jobs; resolves once committed, or rejects with the transaction's error. */
  commit(events: readonly InterceptionEvent[], trace: TransactionTrace): Promise<EventResult[]> {
    return new Promise<EventResult[]>((resolve, reject) => {
      this.waiting.push({ events, trace, resolve, reject });
      this.waitingEvents += events.length;
      if (this.writing) return; // taken as soon as the transaction being written commits
      if (this.isFull()) this.startWriting();
      else this.timer ??= this.timers.set(() => this.startWriting(), this.options.maxWaitMs);
    });
  }

  /** Shutdown: nothing more will arrive, so what waits is written now, and so is anything committed later. */
  async stopWaiting(): Promise<void> {
    this.stopped = true;
    if (this.waiting.length > 0) this.startWriting();
    await this.writing;
  }

  private isFull(): boolean {
    return this.stopped || this.waitingEvents >= this.options.maxEvents || this.waiting.length >= this.options.maxJobs;
  }

  private startWriting(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (this.writing || this.waiting.length === 0) return;
    this.writing = this.writeWhileWaiting();
  }

  private async writeWhileWaiting(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.writeGroup(this.takeGroup());
    } finally {
      // Cleared in the same tick the loop saw nothing waiting: a job committed after this starts a new loop.
      this.writing = undefined;
    }
  }

  private takeGroup(): WaitingJob[] {
    const group: WaitingJob[] = [];
    let events = 0;
    while (this.waiting.length > 0 && (group.length === 0 || events + this.waiting[0].events.length <= this.options.maxEvents)) {
      const job = this.waiting.shift()!;
      group.push(job);
      events += job.events.length;
    }
    this.waitingEvents -= events;
    return group;
  }

  private async writeGroup(group: WaitingJob[]): Promise<void> {
    const events = group.length === 1 ? [...group[0].events] : group.flatMap((job) => job.events);
    let results: EventResult[];
    try {
      results = await inTransactionSpan(
        group.map((job) => job.trace),
        events.length,
        () => this.options.write(events),
      );
    } catch (error) {
      for (const job of group) job.reject(error);
      return;
    }
    this.options.observeTransaction(events.length);
    let offset = 0;
    for (const job of group) {
      job.resolve(results.slice(offset, offset + job.events.length));
      offset += job.events.length;
    }
  }
}
