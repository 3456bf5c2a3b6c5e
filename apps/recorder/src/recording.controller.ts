import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { INTERCEPTION_BATCH_JOB, type RecordingJobName } from '@tollgate/recording';
import type { BullmqJobContext } from './bullmq-job.transport';
import type { InterceptionJobRecorder } from './interception-job.recorder';
import { RethrowJobErrorsFilter } from './rethrow-job-errors.filter';
import { InjectInterceptionJobRecorder } from './recorder.tokens';

const STARTED_JOB = 'interception.started' satisfies RecordingJobName;
const ENDED_JOB = 'interception.ended' satisfies RecordingJobName;

/** The handler of each recording job name (the BullMQ transport refuses to start without one for every name). */
@Controller()
@UseFilters(new RethrowJobErrorsFilter())
export class RecordingController {
  constructor(@InjectInterceptionJobRecorder() private readonly recorder: InterceptionJobRecorder) {}

  @EventPattern(INTERCEPTION_BATCH_JOB)
  recordBatch(@Ctx() context: BullmqJobContext): Promise<void> {
    return this.recorder.recordBatch(context.getJob());
  }

  /** One-event jobs of gateways from before batching, so that recorders can be upgraded before gateways. */
  @EventPattern(STARTED_JOB)
  recordStarted(@Ctx() context: BullmqJobContext): Promise<void> {
    return this.recorder.recordOneEvent(context.getJob());
  }

  @EventPattern(ENDED_JOB)
  recordEnded(@Ctx() context: BullmqJobContext): Promise<void> {
    return this.recorder.recordOneEvent(context.getJob());
  }
}
