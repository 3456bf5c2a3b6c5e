import type { Queue } from 'bullmq';
import { listFailedEvents, retryAllFailedJobs, retryFailed, type FailedEventSummary } from './failed-jobs';

export const FAILED_JOBS_USAGE = `usage:
  recorder failed list [--limit N] [--json]   one row per failed event: event id, event, job, attempts, when, reason
  recorder failed retry <event id>            move one event out of its failed job into a new job, with fresh attempts
  recorder failed retry <job id>              move one failed job back to the queue, with fresh attempts
  recorder failed retry --all                 retry every failed job`;

export interface CommandOutput {
  write(text: string): unknown;
}

/**
 * `recorder failed …` over the failed sets of `queues` (every shard the recorder consumes): returns the process exit
 * code. Never prints event payloads (prompts), only ids and reasons.
 */
export async function runFailedJobsCommand(queues: Queue[], args: string[], out: CommandOutput, err: CommandOutput): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'list') {
    const limitIndex = rest.indexOf('--limit');
    const limit = limitIndex >= 0 ? Number(rest[limitIndex + 1]) : 50;
    if (!Number.isInteger(limit) || limit < 1) {
      err.write(`--limit must be a positive integer\n${FAILED_JOBS_USAGE}\n`);
      return 2;
    }
    const list = await listFailedEvents(queues, limit);
    if (rest.includes('--json')) {
      out.write(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    const shown = list.truncated ? `the first ${list.events.length} failed event(s)` : `${list.events.length} failed event(s)`;
    out.write(`${shown} in ${list.failedJobs} failed job(s)\n`);
    // With several queues (shards) each row names its queue too.
    const queueColumn = (event: FailedEventSummary) => (queues.length > 1 ? `\tqueue=${event.queue}` : '');
    for (const event of list.events) {
      out.write(
        `${event.eventId ?? '-'}\t${event.event ?? '-'}\tjob=${event.jobId}\tattempts=${event.attemptsMade}\t${event.failedAt ?? '-'}\t${event.reason}${queueColumn(event)}\n`,
      );
    }
    return 0;
  }
  if (action === 'retry' && rest[0] === '--all') {
    out.write(`retried ${await retryAllFailedJobs(queues)} job(s)\n`);
    return 0;
  }
  if (action === 'retry' && rest.length === 1 && !rest[0].startsWith('--')) {
    try {
      out.write(`retried ${await retryFailed(queues, rest[0])}\n`);
    } catch (error) {
      err.write(`${(error as Error).message}\n`);
      return 1;
    }
    return 0;
  }
  err.write(`${FAILED_JOBS_USAGE}\n`);
  return 2;
}
