import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { AsyncMicroserviceOptions } from '@nestjs/microservices';
import { NestPinoLogger } from '@tollgate/platform';
import { BullmqJobTransport } from './bullmq-job.transport';
import type { EventGroupCommitter } from './event-group.committer';
import { RecorderModule } from './recorder.module';
import { recorderQueueNames } from './recording-queues';
import type { RecorderOptions } from './recorder.options';
import { EVENT_GROUP_COMMITTER } from './recorder.tokens';

/**
 * Starts the recorder: a Nest microservice whose transport is a BullMQ worker on the recording queue. Resolves once
 * it takes jobs; rejects (having closed what it opened) if it cannot, e.g. when a recording job has no handler.
 * `close()` stops taking jobs, finishes those in hand, then closes the queue and the database.
 */
export async function startRecorder(options: RecorderOptions): Promise<INestMicroservice> {
  const { config, logger } = options;
  const { redisUrl } = config;
  const { redisCluster } = config.recording;
  if (!redisUrl && redisCluster.length === 0) {
    throw new Error('the recorder needs redisUrl (REDIS_URL) or recording.redisCluster: without Redis the gateway records in process');
  }
  const transportOptions: AsyncMicroserviceOptions = {
    inject: [EVENT_GROUP_COMMITTER],
    useFactory: (committer: EventGroupCommitter) => ({
      strategy: new BullmqJobTransport({
        redisUrl,
        redisCluster,
        queueNames: recorderQueueNames(config),
        prefix: config.recording.queuePrefix,
        concurrency: config.recording.worker.concurrency,
        logger,
        lockDurationMs: options.lock?.durationMs,
        stalledIntervalMs: options.lock?.stalledIntervalMs,
        onStopTaking: () => committer.stopWaiting(),
      }),
    }),
  };
  const app = await NestFactory.createMicroservice(RecorderModule.register(options), {
    ...transportOptions,
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  try {
    await app.listen();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
