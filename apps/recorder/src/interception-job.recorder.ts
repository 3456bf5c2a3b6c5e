import { EventRejectedError, ParentMissingError } from '@tollgate/persistence';
import type { Logger } from '@tollgate/platform';
import {
  closingEvent,
  interceptionEndedBy,
  interceptionEventId,
  parseInterceptionEvent,
  readEventBatch,
  type InterceptionEnded,
  type InterceptionEvent,
  type InvalidBatchEntry,
} from '@tollgate/recording';
import { sleep, systemClock, type Clock } from '@tollgate/time';
import { UnrecoverableError, type Job } from 'bullmq';
import type { EventResult } from './event-group.committer';
import type { RecorderMetrics } from './recorder.metrics';
import { ConsumerSpans, type TransactionTrace } from './recorder.tracing';

/** What the recorder uses of a BullMQ job (unit tests build one). */
export type RecordingJobHandle = Pick<Job, 'id' | 'name' | 'data' | 'attemptsMade' | 'updateData'>;

/** About a second of waits for the `started` row of an `ended` event, before the job goes to BullMQ's backoff. */
export const PARENT_RETRY_DELAYS_MS: readonly number[] = [100, 300, 600];

export interface InterceptionJobRecorderOptions {
  /** Writes one job's events together with those of other jobs (group commit). */
  commit(events: readonly InterceptionEvent[], trace: TransactionTrace): Promise<EventResult[]>;
  metrics: RecorderMetrics;
  logger: Logger;
  /** Waits before each in-process retry of the events whose parent row is missing. */
  parentRetryDelaysMs?: readonly number[];
  /** Times the retry waits and dates closing events. Default: the system clock. */
  clock?: Clock;
}

/** Some events of a job were not recorded; the job's data now holds only them. */
export class EventsNotRecordedError extends Error {
  override readonly name = 'EventsNotRecordedError';
}

/** An entry of the job that will never be recorded: invalid, or refused by the database. */
interface NeverRecorded {
  entry: number;
  eventId?: string;
  reason: string;
}

/**
 * Records the events of one job: a batch (`interception.batch`), or the single event of a job from a gateway that
 * predates batching. Events that cannot be recorded now leave the job holding only them (`job.updateData`) and fail
 * it, so that BullMQ's retries redo only those and its failed set holds exactly what is not recorded. Entries that
 * are not valid events, and events whose data the database refuses, are never retried: once the others are recorded
 * the job fails as unrecoverable, holding only them. The interception of such an ended event is closed anyway, with
 * the reason as its error (`invalid_event`, `rejected_event`), so that it is not left open forever.
 */
export class InterceptionJobRecorder {
  private readonly parentRetryDelaysMs: readonly number[];
  private readonly clock: Clock;

  constructor(private readonly options: InterceptionJobRecorderOptions) {
    this.parentRetryDelaysMs = options.parentRetryDelaysMs ?? PARENT_RETRY_DELAYS_MS;
    this.clock = options.clock ?? systemClock;
  }

  async recordBatch(job: RecordingJobHandle): Promise<void> {
    let batch: ReturnType<typeof readEventBatch>;
    try {
      batch = readEventBatch(job.data);
    } catch (error) {
      this.refuse(job, 1, (error as Error).message);
    }
    const data = job.data as { events: unknown[] };
    await this.record(job, batch.events, batch.invalid, data.events.length, (kept) => ({ ...data, events: kept.map((index) => data.events[index]) }));
  }

  /** A one-event job (`interception.started` / `interception.ended`, job id `{interceptionId}_{event}`). */
  async recordOneEvent(job: RecordingJobHandle): Promise<void> {
    let event: InterceptionEvent;
    try {
      event = parseInterceptionEvent(job.data);
    } catch (error) {
      const reason = `${job.id}: ${(error as Error).message}`;
      const ends = interceptionEndedBy(job.data);
      if (ends !== undefined) await this.closeInterception(job, closingEvent(ends, { type: 'invalid_event', message: reason }, new Date(this.clock.now())));
      this.refuse(job, 1, reason);
    }
    await this.record(job, [event], [], 1, () => job.data);
  }

  /**
   * `entryCount`: entries in the job's data (valid or not); `dataHolding(indices)`: the job's data holding only the
   * entries at those indices.
   */
  private async record(
    job: RecordingJobHandle,
    valid: InterceptionEvent[],
    invalid: InvalidBatchEntry[],
    entryCount: number,
    dataHolding: (indices: number[]) => unknown,
  ): Promise<void> {
    const { metrics } = this.options;
    // The job's entry of each event written: the valid events, then the closing events of invalid ended events.
    const closings = invalid.filter((entry) => entry.ends !== undefined);
    const events = [...valid, ...closings.map((entry) => closingEvent(entry.ends!, { type: 'invalid_event', message: entry.reason }, new Date(this.clock.now())))];
    const entryOfValid = validEntryIndices(entryCount, invalid);
    const entryOf = [...valid.map((_, index) => entryOfValid(index)), ...closings.map((entry) => entry.index)];
    const spans = ConsumerSpans.start(events, job);
    const results = events.length > 0 ? await this.commitWaitingForParents(events, spans) : [];

    const committedAt = this.clock.now();
    const unrecorded: number[] = [];
    const rejected: number[] = [];
    results.forEach((result, index) => {
      const event = events[index];
      if (result.ok) {
        metrics.processed.labels(event.name).inc();
        if (result.value === 'recorded') metrics.lagSeconds.labels().observe(Math.max(0, committedAt - Date.parse(event.occurredAt)) / 1000);
        spans.end(index);
      } else {
        (result.error instanceof EventRejectedError ? rejected : unrecorded).push(index);
        metrics.failed.labels(event.name).inc();
        spans.end(index, result.error);
      }
    });
    if (rejected.length > 0) await this.closeRejected(job, rejected.map((index) => ({ event: events[index], error: (results[index] as { error: Error }).error })));
    const neverRecorded: NeverRecorded[] = [
      ...invalid.map((entry) => ({ entry: entry.index, eventId: entry.eventId, reason: entry.reason })),
      ...rejected.map((index) => ({ entry: entryOf[index], eventId: interceptionEventId(events[index]), reason: (results[index] as { error: Error }).error.message })),
    ];
    if (unrecorded.length === 0 && neverRecorded.length === 0) {
      metrics.jobsProcessed.labels(job.name).inc();
      return;
    }

    const keptEntries = [...new Set([...neverRecorded.map((item) => item.entry), ...unrecorded.map((index) => entryOf[index])])].sort((a, b) => a - b);
    if (keptEntries.length < entryCount) {
      try {
        await job.updateData(dataHolding(keptEntries));
      } catch (error) {
        // The job keeps all its events: a retry records the others again, which changes nothing.
        this.options.logger.warn({ jobId: job.id, err: error }, 'could not narrow the failed job to its unrecorded events');
      }
    }
    if (unrecorded.length > 0) throw this.failure(job, events, results, unrecorded, neverRecordedCounts(invalid.length, neverRecorded.length - invalid.length));
    this.refuse(job, invalid.length, neverRecordedReason(invalid.length, neverRecorded));
  }

  /**
   * Events the database refused: logged with their ids, and the interceptions of refused ended events closed with
   * the reason (a closing event carries no strings from the client, so the database takes it).
   */
  private async closeRejected(job: RecordingJobHandle, refused: { event: InterceptionEvent; error: Error }[]): Promise<void> {
    const { logger } = this.options;
    for (const { event, error } of refused) {
      logger.error({ jobId: job.id, eventId: interceptionEventId(event), err: error }, 'the database refused a recording event: left in the failed set without retries');
    }
    const at = new Date(this.clock.now());
    const closings = refused
      .filter(({ event }) => event.name === 'interception.ended')
      .map(({ event, error }) => closingEvent(event.interceptionId, { type: 'rejected_event', message: error.message }, at));
    for (const closing of closings) await this.closeInterception(job, closing);
  }

  /** Writes a closing event once; a failure is logged (the job fails for good anyway, with the event that was not recorded). */
  private async closeInterception(job: RecordingJobHandle, closing: InterceptionEnded): Promise<void> {
    const [result] = await this.commitOrFail([closing], ConsumerSpans.start([closing], job).traceOf([0]));
    if (!result.ok) this.options.logger.error({ jobId: job.id, interceptionId: closing.interceptionId, err: result.error }, 'could not close the interception of an ended event that cannot be recorded');
  }

  /** Commits the events, then retries those whose parent row is missing after short waits, while the job is held. */
  private async commitWaitingForParents(events: InterceptionEvent[], spans: ConsumerSpans): Promise<EventResult[]> {
    const all = events.map((_, index) => index);
    const results = await this.commitOrFail(events, spans.traceOf(all));
    for (const wait of this.parentRetryDelaysMs) {
      const orphans = all.filter((index) => isParentMissing(results[index]));
      if (orphans.length === 0) break;
      await sleep(wait, this.clock);
      const retried = await this.commitOrFail(
        orphans.map((index) => events[index]),
        spans.traceOf(orphans),
      );
      orphans.forEach((index, position) => (results[index] = retried[position]));
    }
    return results;
  }

  /** A transaction that fails as a whole (database unreachable) fails each of its events with that error. */
  private async commitOrFail(events: InterceptionEvent[], trace: TransactionTrace): Promise<EventResult[]> {
    try {
      return await this.options.commit(events, trace);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      return events.map(() => ({ ok: false, error: failure }));
    }
  }

  /** The error the job fails with: the events' own error when they share one (e.g. the database's), else a summary. */
  private failure(job: RecordingJobHandle, events: InterceptionEvent[], results: EventResult[], unrecorded: number[], neverRecorded: string): Error {
    const errors = unrecorded.map((index) => (results[index] as { error: Error }).error);
    const context = { jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1, unrecorded: unrecorded.length, of: events.length };
    if (errors.every((error) => error instanceof ParentMissingError)) {
      this.options.logger.debug(context, 'interceptions not started yet: their ended events will be retried');
    } else {
      this.options.logger.warn({ ...context, err: errors[0] }, 'recording job failed: BullMQ will retry its unrecorded events');
    }
    if (neverRecorded === '' && errors.every((error) => error === errors[0])) return errors[0];
    const reasons = unrecorded.map((index, position) => `${interceptionEventId(events[index])}: ${errors[position].message}`);
    const suffix = neverRecorded === '' ? '' : ` (and ${neverRecorded}, never retried)`;
    return new EventsNotRecordedError(`${unrecorded.length} of ${events.length} events not recorded${suffix}: ${reasons.join('; ')}`);
  }

  /** Fails the job for good: what it still holds is invalid (`invalidCount` entries) or refused, so retrying cannot help. */
  private refuse(job: RecordingJobHandle, invalidCount: number, reason: string): never {
    if (invalidCount > 0) this.options.metrics.failed.labels('invalid').inc(invalidCount);
    this.options.logger.error({ jobId: job.id, jobName: job.name, reason }, 'recording job entries that can never be recorded (invalid or refused): left in the failed set without retries');
    throw new UnrecoverableError(reason);
  }
}

/** Why a job fails for good: its invalid entries and the events the database refused, each by id. */
function neverRecordedReason(invalidCount: number, items: NeverRecorded[]): string {
  const reasons = items.map((item) => `${item.eventId ?? `entry ${item.entry}`}: ${item.reason}`);
  return `${neverRecordedCounts(invalidCount, items.length - invalidCount)}, never retried: ${reasons.join('; ')}`;
}

/** `2 invalid entries and 1 event refused by the database`; empty when there are none. */
function neverRecordedCounts(invalidCount: number, refusedCount: number): string {
  return [
    invalidCount > 0 ? `${invalidCount} invalid entr${invalidCount === 1 ? 'y' : 'ies'}` : '',
    refusedCount > 0 ? `${refusedCount} event${refusedCount === 1 ? '' : 's'} refused by the database` : '',
  ]
    .filter((part) => part !== '')
    .join(' and ');
}

function isParentMissing(result: EventResult): boolean {
  return !result.ok && result.error instanceof ParentMissingError;
}

/** Maps the index of a valid event (as returned by readEventBatch) to its index among the job's entries. */
function validEntryIndices(entryCount: number, invalid: InvalidBatchEntry[]): (validIndex: number) => number {
  if (invalid.length === 0) return (validIndex) => validIndex;
  const invalidIndices = new Set(invalid.map((entry) => entry.index));
  const entries = Array.from({ length: entryCount }, (_, index) => index).filter((index) => !invalidIndices.has(index));
  return (validIndex) => entries[validIndex];
}
