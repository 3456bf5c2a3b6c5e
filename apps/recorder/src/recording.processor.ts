import type { SettledOutcome } from '@tollgate/persistence';
import { ParentMissingError } from '@tollgate/persistence';
import type { Logger } from '@tollgate/platform';
import { INTERCEPTION_EVENT_NAMES, parseInterceptionEvent, type InterceptionEvent } from '@tollgate/recording';
import { UnrecoverableError, type Job } from 'bullmq';
import type { RecorderMetrics } from './recorder.metrics';
import { inConsumerSpan } from './recorder.tracing';

export interface RecordingProcessorDependencies {
  /** Applies one event as part of a batch; resolves once its rows are committed. */
  submit(event: InterceptionEvent): Promise<SettledOutcome>;
  metrics: RecorderMetrics;
  logger: Logger;
  now?: () => number;
}

export type RecordingProcessor = (job: Job) => Promise<SettledOutcome>;

/**
 * The BullMQ processor for one job. An invalid payload fails at once, without retries (it can never succeed),
 * and stays in the failed set for an operator. Any other error is rethrown so that BullMQ retries the job with
 * its backoff: a missing parent row, an unreachable database.
 */
export function createRecordingProcessor(dependencies: RecordingProcessorDependencies): RecordingProcessor {
  const { metrics, logger } = dependencies;
  const now = dependencies.now ?? Date.now;

  return async (job) => {
    let event: InterceptionEvent;
    try {
      event = parseInterceptionEvent(job.data);
    } catch (error) {
      metrics.failed.inc({ event: eventLabel(job.name) });
      logger.error({ jobId: job.id, jobName: job.name, err: error }, 'invalid interception event: moved to the failed set without retries');
      throw new UnrecoverableError((error as Error).message);
    }

    try {
      const outcome = await inConsumerSpan(event, job, () => dependencies.submit(event));
      metrics.processed.inc({ event: event.name });
      if (outcome === 'recorded') metrics.lagSeconds.observe(Math.max(0, now() - Date.parse(event.occurredAt)) / 1000);
      return outcome;
    } catch (error) {
      metrics.failed.inc({ event: event.name });
      const context = { jobId: job.id, interceptionId: event.interceptionId, event: event.name, attempt: job.attemptsMade + 1, err: error };
      if (error instanceof ParentMissingError) logger.debug(context, 'interception not started yet: the ended event will be retried');
      else logger.warn(context, 'recording job failed: BullMQ will retry it');
      throw error;
    }
  };
}

function eventLabel(jobName: string): string {
  return (INTERCEPTION_EVENT_NAMES as readonly string[]).includes(jobName) ? jobName : 'invalid';
}
