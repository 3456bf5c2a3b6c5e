import type { Queue } from 'bullmq';
import { listFailedJobs, retryAllFailedJobs, retryFailedJob } from './failed-jobs';

export const FAILED_JOBS_USAGE = `usage:
  recorder failed list [--limit N] [--json]   show the jobs in the failed set (most recent first)
  recorder failed retry <job id>              move one failed job back to the queue, with fresh attempts
  recorder failed retry --all                 retry every failed job`;

export interface CommandOutput {
  write(text: string): unknown;
}

/** `recorder failed …`: returns the process exit code. Never prints event payloads (prompts), only ids and reasons. */
export async function runFailedJobsCommand(queue: Queue, args: string[], out: CommandOutput, err: CommandOutput): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'list') {
    const limitIndex = rest.indexOf('--limit');
    const limit = limitIndex >= 0 ? Number(rest[limitIndex + 1]) : 50;
    if (!Number.isInteger(limit) || limit < 1) {
      err.write(`--limit must be a positive integer\n${FAILED_JOBS_USAGE}\n`);
      return 2;
    }
    const { total, jobs } = await listFailedJobs(queue, limit);
    if (rest.includes('--json')) {
      out.write(`${JSON.stringify({ total, jobs }, null, 2)}\n`);
      return 0;
    }
    out.write(`${total} failed job(s)${total > jobs.length ? `, showing ${jobs.length}` : ''}\n`);
    for (const job of jobs) {
      out.write(`${job.id}\t${job.name}\tattempts=${job.attemptsMade}\t${job.failedAt ?? '-'}\t${firstLine(job.failedReason)}\n`);
    }
    return 0;
  }
  if (action === 'retry' && rest[0] === '--all') {
    out.write(`retried ${await retryAllFailedJobs(queue)} job(s)\n`);
    return 0;
  }
  if (action === 'retry' && rest.length === 1 && !rest[0].startsWith('--')) {
    try {
      await retryFailedJob(queue, rest[0]);
    } catch (error) {
      err.write(`${(error as Error).message}\n`);
      return 1;
    }
    out.write(`retried ${rest[0]}\n`);
    return 0;
  }
  err.write(`${FAILED_JOBS_USAGE}\n`);
  return 2;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0];
}
