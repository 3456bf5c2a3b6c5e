import { Writable } from 'node:stream';
import { BullmqBatchClient } from '@tollgate/gateway';
import { createLogger } from '@tollgate/platform';
import { interceptionEventId, interceptionShard, recordingQueueNames, type InterceptionEvent } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, queuedInterceptionEvents, testRedisUrl, waitFor } from '@tollgate/testing';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { exactlyOnce, QUEUE_NAME, RecorderTestHarness } from '../test/recorder-test.harness';
import { runFailedJobsCommand } from './failed-jobs.command';

const SHARDS = 3;
const SHARD_NAMES = recordingQueueNames({ queueName: QUEUE_NAME, shards: SHARDS, onCluster: false });

/** The recording queue in shards on one Redis: the gateway's client splits batches, the recorder consumes every shard. */
describe('recording queue shards (on Redis)', () => {
  const harness = new RecorderTestHarness();
  let shardQueues: Queue[];

  beforeAll(() => harness.setUpDatabase(), 30_000);
  afterAll(() => harness.tearDownDatabase());
  beforeEach(() => {
    harness.setUpQueue();
    shardQueues = SHARD_NAMES.map((name) => new Queue(name, { connection: { url: testRedisUrl() }, prefix: harness.redis.prefix }));
    harness.onTearDown(() => Promise.all(shardQueues.map((queue) => queue.close())));
  });
  afterEach(() => harness.tearDownQueue());

  function sender(shards: number, attempts = 5): BullmqBatchClient {
    const client = new BullmqBatchClient({ redisUrl: testRedisUrl(), queueName: QUEUE_NAME, shards, prefix: harness.redis.prefix, attempts, backoffMs: 50 });
    harness.onTearDown(() => client.close());
    return client;
  }

  const interceptions = (count: number) => Array.from({ length: count }, () => buildStartedEvent());
  const withEnds = (started: ReturnType<typeof buildStartedEvent>[]): InterceptionEvent[] => [...started, ...started.map((event) => buildEndedEvent(event))];

  it('keeps one shard on the queue of before, one job per batch under the batch id', async () => {
    const started = interceptions(4);
    await sender(1).deliver({ batchId: '6f1d2a3b-0000-4000-8000-000000000001', events: withEnds(started) });

    const queued = await queuedInterceptionEvents(harness.queue);
    expect(queued).toHaveLength(8);
    expect(new Set(queued.map((entry) => entry.jobId))).toEqual(new Set(['batch_6f1d2a3b-0000-4000-8000-000000000001']));
    for (const queue of shardQueues) expect(await queuedInterceptionEvents(queue)).toEqual([]);
  });

  it('splits a batch over the shards by interception id: both events of an interception in the same queue', async () => {
    const started = interceptions(30);
    await sender(SHARDS).deliver({ batchId: 'c0ffee00-0000-4000-8000-000000000002', events: withEnds(started) });

    expect(await queuedInterceptionEvents(harness.queue)).toEqual([]);
    let total = 0;
    for (const [shard, queue] of shardQueues.entries()) {
      const queued = await queuedInterceptionEvents(queue);
      const expected = started.filter((event) => interceptionShard(event.interceptionId, SHARDS) === shard);
      expect(queued.length).toBe(expected.length * 2);
      expect(new Set(queued.map((entry) => entry.event.interceptionId))).toEqual(new Set(expected.map((event) => event.interceptionId)));
      if (queued.length > 0) expect(new Set(queued.map((entry) => entry.jobId))).toEqual(new Set([`batch_c0ffee00-0000-4000-8000-000000000002-${shard}`]));
      total += queued.length;
    }
    expect(total).toBe(60);
  });

  it('records every shard and the queue being drained exactly once, and reports the depth of each', async () => {
    // Before the change: one queue, events still in it; an interception started there ends after the change.
    const before = interceptions(10);
    const straddling = buildStartedEvent();
    await sender(1).deliver({ batchId: 'a0000000-0000-4000-8000-000000000003', events: [...withEnds(before), straddling] });
    const after = interceptions(30);
    const sharded = sender(SHARDS);
    await sharded.deliver({ batchId: 'a0000000-0000-4000-8000-000000000004', events: [...withEnds(after), buildEndedEvent(straddling)] });

    const registry = new Registry();
    await harness.startWorker({ registry, queueShards: SHARDS, drainQueueShards: 1, parentRetry: { delaysMs: [50, 100, 200, 400] } });
    const everything = [...before, straddling, ...after];
    expect(await harness.waitUntilRecorded(everything)).toEqual(exactlyOnce(everything.length));

    const depths = (await registry.getSingleMetric('tollgate_recording_queue_depth_by_queue')?.get())?.values ?? [];
    expect(Object.fromEntries(depths.map((sample) => [sample.labels.queue, sample.value]))).toEqual(
      Object.fromEntries([...SHARD_NAMES, QUEUE_NAME].map((name) => [name, 0])),
    );
    expect((await registry.getSingleMetric('tollgate_recording_queue_depth')?.get())?.values[0]?.value).toBe(0);
  });

  it('lists the failed sets of every shard per event id and retries each event by its id', async () => {
    const started = interceptions(6);
    // Ended events without their started rows fail at once (no in-process waits, one attempt).
    await sender(SHARDS, 1).deliver({ batchId: 'f0000000-0000-4000-8000-000000000005', events: started.map((event) => buildEndedEvent(event)) });
    await harness.startWorker({ queueShards: SHARDS });
    const failedJobs = async () => (await Promise.all(shardQueues.map((queue) => queue.getFailedCount()))).reduce((sum, count) => sum + count, 0);
    const shardsUsed = new Set(started.map((event) => interceptionShard(event.interceptionId, SHARDS))).size;
    await waitFor(failedJobs, (count) => count === shardsUsed, 'a failed job per shard used');

    const out: string[] = [];
    const write = (text: string) => out.push(text);
    expect(await runFailedJobsCommand(shardQueues, ['list'], { write }, { write })).toBe(0);
    const [header, ...rows] = out.join('').trimEnd().split('\n');
    expect(header).toBe(`6 failed event(s) in ${shardsUsed} failed job(s)`);
    const queueOf = Object.fromEntries(rows.map((row) => row.split('\t')).map((columns) => [columns[0], columns.at(-1)]));
    for (const event of started) {
      expect(queueOf[`${event.interceptionId}_interception.ended`]).toBe(`queue=${SHARD_NAMES[interceptionShard(event.interceptionId, SHARDS)]}`);
    }

    await sender(SHARDS).deliver({ batchId: 'f0000000-0000-4000-8000-000000000006', events: started });
    await waitFor(() => harness.counts(started), (counts) => counts.interceptions === 6, 'the started rows');
    for (const event of started) {
      out.length = 0;
      expect(await runFailedJobsCommand(shardQueues, ['retry', interceptionEventId(buildEndedEvent(event))], { write }, { write })).toBe(0);
    }
    expect(await harness.waitUntilRecorded(started)).toEqual(exactlyOnce(6));
    expect(await failedJobs()).toBe(0);
  });

  it('warns at start when the queue of before sharding still holds jobs that no recorder reads, not when it drains it', async () => {
    const left = interceptions(2);
    await harness.producer().addBatch(withEnds(left));
    const startWithLogs = async (options: { drainQueueShards?: number }) => {
      const lines: string[] = [];
      const destination = new Writable({
        write: (chunk, _encoding, done) => {
          lines.push(String(chunk));
          done();
        },
      });
      const recorder = await harness.startWorker({ queueShards: SHARDS, ...options, logger: createLogger({ level: 'warn', name: 'recorder-test', destination }) });
      const warnings = lines.map((line) => JSON.parse(line) as { msg: string; queue?: string; jobs?: number }).filter((line) => line.msg.startsWith('the queue of before sharding'));
      return { recorder, warnings };
    };

    const forgotten = await startWithLogs({});
    expect(forgotten.warnings).toEqual([expect.objectContaining({ queue: QUEUE_NAME, jobs: 1 })]);
    await forgotten.recorder.close();
    expect(await harness.counts(left)).toMatchObject({ interceptions: 0 });

    const draining = await startWithLogs({ drainQueueShards: 1 });
    expect(draining.warnings).toEqual([]);
    expect(await harness.waitUntilRecorded(left)).toEqual(exactlyOnce(2));
  });
});
