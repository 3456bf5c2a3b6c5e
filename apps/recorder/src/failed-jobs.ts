import type { Job, Queue } from 'bullmq';

export interface FailedJobSummary {
  id: string;
  name: string;
  interceptionId?: string;
  attemptsMade: number;
  failedReason: string;
  failedAt?: string;
}

/** The failed set, most recent first (BullMQ keeps failed jobs: `removeOnFail: false`). */
export async function listFailedJobs(queue: Queue, limit = 50): Promise<{ total: number; jobs: FailedJobSummary[] }> {
  const [total, jobs] = await Promise.all([queue.getFailedCount(), queue.getFailed(0, Math.max(0, limit - 1))]);
  return { total, jobs: jobs.filter(Boolean).map(summarise) };
}

/** Moves one failed job back to the queue with a fresh set of attempts. Throws if it is not in the failed set. */
export async function retryFailedJob(queue: Queue, id: string): Promise<void> {
  const job = await queue.getJob(id);
  if (!job) throw new Error(`no job with id ${id}`);
  const state = await job.getState();
  if (state !== 'failed') throw new Error(`job ${id} is ${state}, not failed`);
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
}

/** Retries every job that is in the failed set now (jobs failing again meanwhile are not retried twice). */
export async function retryAllFailedJobs(queue: Queue): Promise<number> {
  const ids: string[] = [];
  const pageSize = 500;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getFailed(start, start + pageSize - 1);
    ids.push(...page.filter(Boolean).map((job) => String(job.id)));
    if (page.length < pageSize) break;
  }
  let retried = 0;
  for (const id of ids) {
    const job = await queue.getJob(id);
    if (!job || (await job.getState()) !== 'failed') continue;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    retried += 1;
  }
  return retried;
}

function summarise(job: Job): FailedJobSummary {
  const data = job.data as { interceptionId?: unknown } | undefined;
  return {
    id: String(job.id),
    name: job.name,
    interceptionId: typeof data?.interceptionId === 'string' ? data.interceptionId : undefined,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined,
  };
}
