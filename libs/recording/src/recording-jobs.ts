import { parseInterceptionEvent } from './interception-event.parser';
import { interceptionEndedBy } from './closing-event';
import { INTERCEPTION_EVENT_NAMES, type InterceptionEnded, type InterceptionEvent, type InterceptionStarted } from './interception-event.schema';

/** A batch of interception events: the payload of one `interception.batch` job. */
export interface InterceptionEventBatch {
  /** Random per batch. A batch sent again keeps it, so the queue knows it as the same job while it holds that job. */
  batchId: string;
  events: InterceptionEvent[];
}

/**
 * The jobs of the recording queue, by name. Gateways send `interception.batch`; gateways from before batching sent
 * one job per event, named after the event, which a recorder still accepts so that it can be upgraded first.
 */
export interface RecordingJobs {
  'interception.batch': InterceptionEventBatch;
  'interception.started': InterceptionStarted;
  'interception.ended': InterceptionEnded;
}

export type RecordingJobName = keyof RecordingJobs;

export const INTERCEPTION_BATCH_JOB = 'interception.batch' satisfies RecordingJobName;

/** Every job name a recorder must handle; it refuses to start without a handler for each. */
export const RECORDING_JOB_NAMES: readonly RecordingJobName[] = [INTERCEPTION_BATCH_JOB, ...INTERCEPTION_EVENT_NAMES];

/** The job names in `RECORDING_JOB_NAMES` that `handled` lacks. */
export function missingJobHandlers(handled: Iterable<string>): RecordingJobName[] {
  const names = new Set(handled);
  return RECORDING_JOB_NAMES.filter((name) => !names.has(name));
}

/**
 * The BullMQ job id of a batch. BullMQ rejects custom ids containing ':' (its Redis key separator) and ids that
 * parse as integers, so the id is `batch_` and the batch's UUID.
 */
export function batchJobId(batchId: string): string {
  return `batch_${batchId}`;
}

/**
 * The id of one event, `{interceptionId}_{event}` (e.g. `3f1c…-9a2e_interception.ended`): the same event always has
 * the same id. It names events in the failed set and in logs, and was the job id of the one-event jobs.
 */
export function interceptionEventId(event: { interceptionId: string; name: string }): string {
  return `${event.interceptionId}_${event.name}`;
}

/** An entry of a batch that is not a valid event: it can never be recorded, so retrying cannot help. */
export interface InvalidBatchEntry {
  /** Its position in the batch. */
  index: number;
  /** Its event id when the entry at least names an interception and an event. */
  eventId?: string;
  /** What is wrong (field names, never values). */
  reason: string;
  /** Set when the entry is an `interception.ended` naming a valid interception id: the interception to close anyway. */
  ends?: string;
}

export interface ReadEventBatch {
  batchId: string;
  events: InterceptionEvent[];
  invalid: InvalidBatchEntry[];
}

/**
 * Validates a batch job's payload at the recorder's door, event by event: one invalid event does not keep the
 * others from being recorded. Throws when the payload is not a batch at all.
 */
export function readEventBatch(raw: unknown): ReadEventBatch {
  const { batchId, events } = (raw ?? {}) as { batchId?: unknown; events?: unknown };
  if (typeof batchId !== 'string' || !Array.isArray(events)) {
    throw new TypeError('an interception.batch job needs a string batchId and an events array');
  }
  const valid: InterceptionEvent[] = [];
  const invalid: InvalidBatchEntry[] = [];
  events.forEach((entry: unknown, index) => {
    try {
      valid.push(parseInterceptionEvent(entry));
    } catch (error) {
      invalid.push({ index, eventId: claimedEventId(entry), reason: (error as Error).message, ends: interceptionEndedBy(entry) });
    }
  });
  return { batchId, events: valid, invalid };
}

function claimedEventId(entry: unknown): string | undefined {
  const { interceptionId, name } = (entry ?? {}) as { interceptionId?: unknown; name?: unknown };
  return typeof interceptionId === 'string' && typeof name === 'string' ? interceptionEventId({ interceptionId, name }) : undefined;
}
