// Shared set-up for the recorder integration tests: a database of their own, a Redis prefix of their own, recorders
// that are closed after each test, jobs added the way gateways add them, and polling helpers.
import { randomUUID } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import { createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger, loadConfig, type Logger, type TollgateConfig } from '@tollgate/platform';
import { batchJobId, INTERCEPTION_BATCH_JOB, interceptionEventId, type InterceptionEvent, type InterceptionStarted } from '@tollgate/recording';
import { buildEventBatch, createTestDatabase, createTestRedisPrefix, testRedisUrl, waitFor, type TestDatabase, type TestRedisPrefix } from '@tollgate/testing';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { Registry } from 'prom-client';
import { startRecorder } from '../src/recorder.microservice';
import type { RecorderOptions } from '../src/recorder.options';

export const QUEUE_NAME = 'interceptions';
export const testLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'recorder-test' });

/** The options a gateway sets on each recording job (recording.attempts, recording.backoff). */
export function recordingJobOptions(options: { attempts?: number; backoffMs?: number } = {}): JobsOptions {
  return {
    attempts: options.attempts ?? 20,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 50 },
    removeOnComplete: { age: 900, count: 100_000 }, // the gateway removes completed jobs at once; tests keep them to count them
    removeOnFail: false,
  };
}

/** Adds recording jobs straight to a BullMQ queue, as gateways do: batches, or one-event jobs of older gateways. */
export class RecordingJobProducer {
  constructor(
    readonly queue: Queue,
    private readonly options: { attempts?: number; backoffMs?: number } = {},
  ) {}

  /** One `interception.batch` job holding `events` (entries need not be valid events). */
  addBatch(events: unknown[], batchId: string = randomUUID()): Promise<Job> {
    return this.queue.add(INTERCEPTION_BATCH_JOB, buildEventBatch(events as InterceptionEvent[], batchId), {
      ...recordingJobOptions(this.options),
      jobId: batchJobId(batchId),
    });
  }

  /** The job of one event as gateways sent it before batching: named after the event, id `{interceptionId}_{event}`. */
  addEventJob(event: InterceptionEvent): Promise<Job> {
    return this.queue.add(event.name, event, { ...recordingJobOptions(this.options), jobId: interceptionEventId(event) });
  }
}

export interface RecordedCounts {
  interceptions: number;
  ended: number;
  tokenUsages: number;
  prompts: number;
  toolUsages: number;
  /** Interceptions with more than one token usage row: a duplicate write. */
  duplicated: number;
}

export interface TestRecorderOptions {
  /** Default: the harness's database. */
  dataSource?: TollgateDataSource;
  registry?: Registry;
  batchSize?: number;
  batchMaxWaitMs?: number;
  concurrency?: number;
  /** How long a started event waits for its ended event; default 0 here (the tests of pairing set it). */
  pairWaitMs?: number;
  parentRetry?: RecorderOptions['parentRetry'];
  clock?: RecorderOptions['clock'];
  /** Default: testLogger. */
  logger?: Logger;
  /** recording.queueShards, recording.drainQueueShards and recording.redisCluster; default: one queue on REDIS_URL. */
  queueShards?: number;
  drainQueueShards?: number;
  redisCluster?: string[];
}

/** The recorder's configuration for a test: its queue under `prefix`, no HTTP port of its own. */
export function testRecorderConfig(
  prefix: string,
  worker: Omit<TestRecorderOptions, 'dataSource' | 'registry' | 'parentRetry' | 'clock' | 'logger'> = {},
  queueName: string = QUEUE_NAME,
): TollgateConfig {
  return loadConfig({
    env: { REDIS_URL: testRedisUrl() },
    document: {
      server: { host: '127.0.0.1', port: 0 },
      recording: {
        queueName,
        queuePrefix: prefix,
        queueShards: worker.queueShards ?? 1,
        ...(worker.drainQueueShards !== undefined && { drainQueueShards: worker.drainQueueShards }),
        redisCluster: worker.redisCluster ?? [],
        runMigrationsAtStart: false,
        worker: {
          batchSize: worker.batchSize ?? 25,
          batchMaxWait: worker.batchMaxWaitMs ?? 10,
          concurrency: worker.concurrency ?? 8,
          pairWait: worker.pairWaitMs ?? 0,
        },
      },
    },
  });
}

/**
 * A recorder microservice on the queue `queueName` under `prefix`, writing to `dataSource` (which it leaves open).
 * Without `parentRetry`, an ended event whose parent is missing goes to BullMQ's backoff at once (no in-process waits).
 */
export function startTestRecorder(
  options: TestRecorderOptions & { dataSource: TollgateDataSource; prefix: string; queueName?: string },
): Promise<INestMicroservice> {
  return startRecorder({
    config: testRecorderConfig(options.prefix, options, options.queueName),
    logger: options.logger ?? testLogger,
    dataSource: options.dataSource,
    registry: options.registry ?? new Registry(),
    parentRetry: options.parentRetry ?? { delaysMs: [] },
    clock: options.clock,
  });
}

/** Per test file: a database and a DataSource on it, used by the recorders and to inspect rows. */
export class RecorderTestHarness {
  database!: TestDatabase;
  dataSource!: TollgateDataSource;
  redis!: TestRedisPrefix;
  queue!: Queue;
  private readonly closers: (() => Promise<unknown>)[] = [];

  async setUpDatabase(): Promise<void> {
    this.database = await createTestDatabase();
    this.dataSource = await createDataSource({ databaseUrl: this.database.url, dataDir: '/nonexistent', logger: testLogger });
    await runMigrations(this.dataSource);
  }

  async tearDownDatabase(): Promise<void> {
    await this.dataSource?.destroy();
    await this.database?.drop();
  }

  /** Per test: a fresh queue namespace. */
  setUpQueue(): void {
    this.redis = createTestRedisPrefix();
    this.queue = new Queue(QUEUE_NAME, { connection: { url: testRedisUrl() }, prefix: this.redis.prefix });
  }

  async tearDownQueue(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined);
    await this.queue?.close();
    await this.redis?.cleanup();
  }

  producer(options: { attempts?: number; backoffMs?: number } = {}): RecordingJobProducer {
    return new RecordingJobProducer(this.queue, options);
  }

  /** A recorder microservice on this test's queue and database; closed after the test. */
  async startWorker(options: TestRecorderOptions = {}): Promise<INestMicroservice> {
    const recorder = await startTestRecorder({ ...options, dataSource: options.dataSource ?? this.dataSource, prefix: this.redis.prefix });
    this.closers.push(() => recorder.close());
    return recorder;
  }

  onTearDown(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  async counts(interceptions: Pick<InterceptionStarted, 'interceptionId'>[]): Promise<RecordedCounts> {
    const ids = interceptions.map((event) => event.interceptionId);
    const [counts] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM interceptions WHERE id = ANY($1::uuid[]))::int AS interceptions,
              (SELECT count(*) FROM interceptions WHERE id = ANY($1::uuid[]) AND ended_at IS NOT NULL)::int AS ended,
              (SELECT count(*) FROM token_usages WHERE interception_id = ANY($1::uuid[]))::int AS "tokenUsages",
              (SELECT count(*) FROM user_prompts WHERE interception_id = ANY($1::uuid[]))::int AS prompts,
              (SELECT count(*) FROM tool_usages WHERE interception_id = ANY($1::uuid[]))::int AS "toolUsages",
              (SELECT count(*) FROM (SELECT interception_id FROM token_usages WHERE interception_id = ANY($1::uuid[])
                                      GROUP BY interception_id HAVING count(*) > 1) d)::int AS duplicated`,
      [ids],
    );
    return counts as RecordedCounts;
  }

  /** Every row of the interceptions and their children, without generated ids: to compare two ways of recording. */
  async rows(interceptions: Pick<InterceptionStarted, 'interceptionId'>[]): Promise<Record<string, unknown[]>> {
    const ids = interceptions.map((event) => event.interceptionId);
    const select = async (sql: string) => (await this.dataSource.query(sql, [ids])) as unknown[];
    return {
      interceptions: await select('SELECT * FROM interceptions WHERE id = ANY($1::uuid[]) ORDER BY id'),
      tokenUsages: await select(
        'SELECT interception_id, provider_response_id, input_tokens, output_tokens, cost_micros FROM token_usages WHERE interception_id = ANY($1::uuid[]) ORDER BY 1, 2',
      ),
      prompts: await select('SELECT interception_id, provider_response_id, prompt FROM user_prompts WHERE interception_id = ANY($1::uuid[]) ORDER BY 1, 2'),
      toolUsages: await select('SELECT interception_id, tool, tool_call_id, input FROM tool_usages WHERE interception_id = ANY($1::uuid[]) ORDER BY 1, 3'),
    };
  }

  /** Waits until every interception is ended, then returns the counts (which must then be exactly one each). */
  waitUntilRecorded(interceptions: Pick<InterceptionStarted, 'interceptionId'>[], timeoutMs?: number): Promise<RecordedCounts> {
    return waitFor(() => this.counts(interceptions), (counts) => counts.ended === interceptions.length, 'all interceptions recorded', timeoutMs);
  }
}

export function exactlyOnce(count: number): RecordedCounts {
  return { interceptions: count, ended: count, tokenUsages: count, prompts: count, toolUsages: count, duplicated: 0 };
}
