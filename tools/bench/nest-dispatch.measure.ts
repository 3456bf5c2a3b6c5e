// What the Nest microservice layer costs per batch of events, at both ends. The recorder: the BullMQ job transport's
// dispatch through Nest (the handler lookup, the RPC context, @Ctx() extraction, the exception filter, rxjs) versus
// calling the handler directly, as a plain BullMQ processor would. The gateway: a batch sent through the BullMQ
// client's `emit` (ClientProxy: rxjs defer/connectable, the packet) versus calling the enqueue directly. No Redis and
// no database: the handler and the enqueue do nothing, so the differences are the layer alone. Per job, that is per
// batch of events (never per event).
//   node tools/build.mjs nest-dispatch && node dist/nest-dispatch/main.js [--jobs 20000] [--rounds 7]
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@tollgate/platform';
import { BullmqBatchClient } from '@tollgate/gateway';
import type { InterceptionEventBatch } from '@tollgate/recording';
import type { Job } from 'bullmq';
import { BullmqJobTransport } from '../../apps/recorder/src/bullmq-job.transport';
import type { InterceptionJobRecorder } from '../../apps/recorder/src/interception-job.recorder';
import { INTERCEPTION_JOB_RECORDER } from '../../apps/recorder/src/recorder.tokens';
import { RecordingController } from '../../apps/recorder/src/recording.controller';

const noopRecorder = {
  recordBatch: async () => undefined,
  recordOneEvent: async () => undefined,
} as unknown as InterceptionJobRecorder;

const failingRecorder = {
  recordBatch: async () => {
    throw new Error('connection terminated unexpectedly');
  },
  recordOneEvent: async () => undefined,
} as unknown as InterceptionJobRecorder;

function option(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(name);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
}

async function transportFor(recorder: InterceptionJobRecorder): Promise<{ transport: BullmqJobTransport; close(): Promise<void> }> {
  @Module({ controllers: [RecordingController], providers: [{ provide: INTERCEPTION_JOB_RECORDER, useValue: recorder }] })
  class MeasuredModule {}
  const logger = createLogger({ level: 'silent', name: 'nest-dispatch' });
  // Never listens: the handlers are registered by init(), and jobs are dispatched straight to the transport.
  const transport = new BullmqJobTransport({ redisUrl: 'redis://unused', queueNames: ['unused'], prefix: 'unused', concurrency: 1, logger });
  const app = await NestFactory.createMicroservice(MeasuredModule, { strategy: transport, logger: false });
  await app.init();
  return { transport, close: () => app.close() };
}

/** µs per job of `dispatch`, run `jobs` times one after the other. */
async function timePerJob(jobs: number, dispatch: (job: Job) => Promise<unknown>): Promise<number> {
  const job = { id: 'batch_1', name: 'interception.batch', data: { batchId: '1', events: [] }, attemptsMade: 0 } as unknown as Job;
  const start = process.hrtime.bigint();
  for (let i = 0; i < jobs; i += 1) await dispatch(job).catch(() => undefined);
  return Number(process.hrtime.bigint() - start) / 1_000 / jobs;
}

/** The gateway's batch client with an enqueue that does nothing: what is left is Nest's client layer. */
class EnqueueFreeClient extends BullmqBatchClient {
  override async connect(): Promise<never> {
    return undefined as never;
  }

  protected override async dispatchEvent<T = undefined>(): Promise<T> {
    return undefined as T;
  }
}

const enqueueNothing = async (_batch: InterceptionEventBatch): Promise<void> => undefined;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(argv: string[]): Promise<void> {
  const jobs = option(argv, '--jobs', 20_000);
  const rounds = option(argv, '--rounds', 7);
  const succeeding = await transportFor(noopRecorder);
  const failing = await transportFor(failingRecorder);
  const client = new EnqueueFreeClient({ redisUrl: 'redis://unused', queueName: 'unused', prefix: 'unused', attempts: 1, backoffMs: 1 });
  const batch: InterceptionEventBatch = { batchId: '1', events: [] };
  const paths: Record<string, (job: Job) => Promise<unknown>> = {
    'direct call': (job) => noopRecorder.recordBatch(job),
    'through Nest': (job) => succeeding.transport.dispatch(job),
    'direct call, handler throws': (job) => failingRecorder.recordBatch(job),
    'through Nest, handler throws': (job) => failing.transport.dispatch(job),
    'gateway: direct enqueue': () => enqueueNothing(batch),
    'gateway: ClientProxy emit': () => client.deliver(batch),
  };
  for (const dispatch of Object.values(paths)) await timePerJob(jobs, dispatch); // warm-up
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, dispatch] of Object.entries(paths)) samples[name].push(await timePerJob(jobs, dispatch));
  }
  await succeeding.close();
  await failing.close();

  const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  console.log(`node ${process.version}, ${jobs} jobs × ${rounds} rounds, median µs per job:`);
  for (const [name, value] of Object.entries(medians)) console.log(`  ${name.padEnd(30)} ${value.toFixed(2)}`);
  console.log(`  Nest adds per job:              ${(medians['through Nest'] - medians['direct call']).toFixed(2)} µs`);
  console.log(`  Nest adds per failing job:      ${(medians['through Nest, handler throws'] - medians['direct call, handler throws']).toFixed(2)} µs`);
  console.log(`  Nest adds per batch sent:       ${(medians['gateway: ClientProxy emit'] - medians['gateway: direct enqueue']).toFixed(2)} µs`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
