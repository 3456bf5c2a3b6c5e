import { Controller, Module, UseFilters, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { createTestRedisPrefix, testRedisUrl, waitFor, type TestRedisPrefix } from '@tollgate/testing';
import { Queue } from 'bullmq';
import { recordingJobOptions, testLogger } from '../test/recorder-test.harness';
import { BullmqJobTransport, type BullmqJobContext } from './bullmq-job.transport';
import { RethrowJobErrorsFilter } from './rethrow-job-errors.filter';

const QUEUE = 'transport-test';
const handled: { name: string; id?: string; data: unknown }[] = [];

class DatabaseDownError extends Error {
  override readonly name = 'DatabaseDownError';
}

@Controller()
@UseFilters(new RethrowJobErrorsFilter())
class EveryJobController {
  @EventPattern('interception.batch')
  batch(@Ctx() context: BullmqJobContext): void {
    const job = context.getJob();
    if ((job.data as { fail?: boolean }).fail) throw new DatabaseDownError('connection terminated unexpectedly');
    handled.push({ name: job.name, id: job.id, data: job.data });
  }

  @EventPattern('interception.started')
  async started(@Ctx() context: BullmqJobContext): Promise<void> {
    handled.push({ name: context.getJob().name, id: context.getJob().id, data: context.getJob().data });
  }

  @EventPattern('interception.ended')
  async ended(@Ctx() context: BullmqJobContext): Promise<void> {
    handled.push({ name: context.getJob().name, id: context.getJob().id, data: context.getJob().data });
  }
}

@Controller()
class NoLegacyJobsController {
  @EventPattern('interception.batch')
  batch(@Ctx() context: BullmqJobContext): void {
    handled.push({ name: context.getJob().name, data: context.getJob().data });
  }
}

@Module({ controllers: [EveryJobController] })
class EveryJobModule {}

@Module({ controllers: [NoLegacyJobsController] })
class NoLegacyJobsModule {}

describe('BullmqJobTransport (a Nest microservice transport on BullMQ in Redis)', () => {
  let redis: TestRedisPrefix;
  let queue: Queue;
  let app: INestMicroservice | undefined;

  const microservice = (module: unknown) =>
    NestFactory.createMicroservice(module as typeof EveryJobModule, {
      strategy: new BullmqJobTransport({ redisUrl: testRedisUrl(), queueNames: [QUEUE], prefix: redis.prefix, concurrency: 2, logger: testLogger }),
      logger: false,
    });

  beforeEach(() => {
    handled.length = 0;
    redis = createTestRedisPrefix();
    queue = new Queue(QUEUE, { connection: { url: testRedisUrl() }, prefix: redis.prefix });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await queue.close();
    await redis.cleanup();
  });

  it('refuses to start when a recording job name has no handler', async () => {
    app = await microservice(NoLegacyJobsModule);
    await expect(app.listen()).rejects.toThrow(
      'no handler for the recording job(s) interception.started, interception.ended: refusing to start',
    );
  });

  it('dispatches each job to the handler of its name, with the job in its context', async () => {
    app = await microservice(EveryJobModule);
    await app.listen();
    await queue.add('interception.batch', { batchId: 'b1', events: [] }, { jobId: 'batch_b1' });
    await queue.add('interception.ended', { interceptionId: 'i1' }, { jobId: 'i1_interception.ended' });

    await waitFor(() => queue.getCompletedCount(), (count) => count === 2, 'both jobs completed');
    expect(handled.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'interception.batch', id: 'batch_b1', data: { batchId: 'b1', events: [] } },
      { name: 'interception.ended', id: 'i1_interception.ended', data: { interceptionId: 'i1' } },
    ]);
  });

  it("hands a handler's own error to BullMQ, which retries the job and keeps the error as its failedReason", async () => {
    app = await microservice(EveryJobModule);
    await app.listen();
    const job = await queue.add('interception.batch', { batchId: 'b2', events: [], fail: true }, { ...recordingJobOptions({ attempts: 3, backoffMs: 5 }), jobId: 'batch_b2' });

    await waitFor(() => queue.getFailedCount(), (count) => count === 1, 'the job in the failed set');
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toBe('connection terminated unexpectedly');
    expect(failed.stacktrace?.[0]).toMatch(/^DatabaseDownError: connection terminated unexpectedly/);
  });

  it('fails a job with an unknown name at once, without retries', async () => {
    app = await microservice(EveryJobModule);
    await app.listen();
    const job = await queue.add('interception.paused', {}, { ...recordingJobOptions({ attempts: 5 }), jobId: 'paused-1' });

    await waitFor(() => queue.getFailedCount(), (count) => count === 1, 'the job in the failed set');
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toBe('no handler for the job name "interception.paused"');
  });
});
