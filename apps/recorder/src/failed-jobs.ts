import { randomUUID } from 'node:crypto';
import { batchJobId, INTERCEPTION_BATCH_JOB, interceptionEventId, parseInterceptionEvent } from '@tollgate/recording';
import type { Job, Queue } from 'bullmq';

/** One event in the failed set. Never its payload: events hold prompts. */
export interface FailedEventSummary {
  /** `{interceptionId}_{event}`; absent for an entry that does not even name one. */
  eventId?: string;
  /** The event's name, as the entry gives it. */
  event?: string;
  /** The failed job holding it, and its queue (the shard). */
  jobId: string;
  queue: string;
  attemptsMade: number;
  failedAt?: string;
  reason: string;
}

export interface FailedEventList {
  /** Jobs in the failed sets of all queues. */
  failedJobs: number;
  /** Their events, most recently failed job first. */
  events: FailedEventSummary[];
  /** More failed events than were listed. */
  truncated: boolean;
}

const PAGE_SIZE = 100;

/**
 * The events of the failed sets of `queues` (every shard), up to `limit` (BullMQ keeps failed jobs:
 * `removeOnFail: false`).
 */
export async function listFailedEvents(queues: Queue[], limit = 50): Promise<FailedEventList> {
  const events: FailedEventSummary[] = [];
  const failedJobCount = async () => (await Promise.all(queues.map((queue) => queue.getFailedCount()))).reduce((sum, count) => sum + count, 0);
  for (const queue of queues) {
    for await (const job of failedJobs(queue)) {
      for (const entry of entriesOf(job)) {
        if (events.length === limit) return { failedJobs: await failedJobCount(), events, truncated: true };
        events.push(summarise(queue, job, entry));
      }
    }
  }
  return { failedJobs: await failedJobCount(), events, truncated: false };
}

/**
 * Retries one failed job, with fresh attempts, or if `id` is no failed job's, the failed event with that id: moved
 * out of its failed job (every one holding it, in any queue) into a new one-event batch job, on the queue that held
 * it, with fresh attempts; a failed job left empty is removed. Returns what was retried; throws if nothing failed has
 * that id.
 */
export async function retryFailed(queues: Queue[], id: string): Promise<string> {
  let notFailed: string | undefined;
  for (const queue of queues) {
    const job = await queue.getJob(id);
    if (!job) continue;
    const state = await job.getState();
    if (state === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return `job ${id}`;
    }
    notFailed = `job ${id} is ${state}, not failed`;
  }
  const newJobIds: string[] = [];
  for (const queue of queues) {
    const newJobId = await retryFailedEvent(queue, id);
    if (newJobId) newJobIds.push(newJobId);
  }
  if (newJobIds.length > 0) return `event ${id} (now in job ${newJobIds.join(', ')})`;
  throw new Error(notFailed ?? `no failed job or event with id ${id}`);
}

/** Retries every job that is in a failed set now (jobs failing again meanwhile are not retried twice). */
export async function retryAllFailedJobs(queues: Queue[]): Promise<number> {
  let retried = 0;
  for (const queue of queues) retried += await retryAllFailedJobsOf(queue);
  return retried;
}

async function retryAllFailedJobsOf(queue: Queue): Promise<number> {
  const ids: string[] = [];
  for await (const job of failedJobs(queue)) ids.push(String(job.id));
  let retried = 0;
  for (const id of ids) {
    const job = await queue.getJob(id);
    if (!job || (await job.getState()) !== 'failed') continue;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    retried += 1;
  }
  return retried;
}

/** The new job's id, or undefined when no failed job holds the event. */
async function retryFailedEvent(queue: Queue, eventId: string): Promise<string | undefined> {
  const holders: { job: Job; kept: unknown[] }[] = [];
  let entry: unknown;
  for await (const job of failedJobs(queue)) {
    const entries = entriesOf(job);
    const kept = entries.filter((candidate) => claimedEventId(candidate) !== eventId);
    if (kept.length === entries.length) continue;
    entry ??= entries.find((candidate) => claimedEventId(candidate) === eventId);
    holders.push({ job, kept });
  }
  if (holders.length === 0) return undefined;

  // The new job first: if this stops halfway the event is in two jobs, which records it once, rather than in none.
  const { opts } = holders[0].job;
  const batchId = randomUUID();
  await queue.add(
    INTERCEPTION_BATCH_JOB,
    { batchId, events: [entry] },
    { jobId: batchJobId(batchId), attempts: opts.attempts, backoff: opts.backoff, removeOnComplete: opts.removeOnComplete, removeOnFail: false },
  );
  for (const { job, kept } of holders) {
    if (kept.length === 0 || job.name !== INTERCEPTION_BATCH_JOB) await job.remove();
    else await job.updateData({ ...(job.data as object), events: kept });
  }
  return batchJobId(batchId);
}

async function* failedJobs(queue: Queue): AsyncGenerator<Job> {
  for (let start = 0; ; start += PAGE_SIZE) {
    const page = await queue.getFailed(start, start + PAGE_SIZE - 1);
    for (const job of page) if (job) yield job;
    if (page.length < PAGE_SIZE) return;
  }
}

/** The entries of a job: a batch's events, or the one event of a job from before batching. */
function entriesOf(job: Job): unknown[] {
  if (job.name !== INTERCEPTION_BATCH_JOB) return [job.data];
  const events = (job.data as { events?: unknown } | undefined)?.events;
  return Array.isArray(events) ? events : [];
}

function summarise(queue: Queue, job: Job, entry: unknown): FailedEventSummary {
  const { name } = (entry ?? {}) as { name?: unknown };
  // An entry that is not a valid event has its own reason (the job's may be about other events of the batch).
  const invalid = invalidReason(entry);
  return {
    eventId: claimedEventId(entry),
    event: typeof name === 'string' ? name : undefined,
    jobId: String(job.id),
    queue: queue.name,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined,
    reason: invalid ? `invalid, never retried: ${invalid}` : firstLine(job.failedReason),
  };
}

function invalidReason(entry: unknown): string | undefined {
  try {
    parseInterceptionEvent(entry);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function claimedEventId(entry: unknown): string | undefined {
  const { interceptionId, name } = (entry ?? {}) as { interceptionId?: unknown; name?: unknown };
  return typeof interceptionId === 'string' && typeof name === 'string' ? interceptionEventId({ interceptionId, name }) : undefined;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0];
}
