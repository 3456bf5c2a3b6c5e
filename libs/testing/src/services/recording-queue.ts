import { INTERCEPTION_BATCH_JOB, type InterceptionEvent, type InterceptionEventBatch } from '@tollgate/recording';
import type { JobType, Queue } from 'bullmq';

export interface QueuedEvent {
  event: InterceptionEvent;
  jobId: string;
  jobState: JobType;
}

const STATES: JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'];

/** Every interception event held by a recording queue's jobs (batches and one-event jobs), with its job's state. */
export async function queuedInterceptionEvents(queue: Queue): Promise<QueuedEvent[]> {
  const found: QueuedEvent[] = [];
  for (const jobState of STATES) {
    for (const job of await queue.getJobs(jobState)) {
      if (!job) continue;
      const events = job.name === INTERCEPTION_BATCH_JOB ? (job.data as InterceptionEventBatch).events : [job.data as InterceptionEvent];
      for (const event of events) found.push({ event, jobId: String(job.id), jobState });
    }
  }
  return found;
}
