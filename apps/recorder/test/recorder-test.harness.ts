// Shared set-up for the recorder integration tests: a database of their own, a Redis prefix of their own, workers
// and producers that are closed after each test, and polling helpers.
import { BullmqEventSink } from '@tollgate/gateway';
import { createDataSource, InterceptionEventWriter, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import type { InterceptionStarted } from '@tollgate/recording';
import { createTestDatabase, createTestRedisPrefix, testRedisUrl, type TestDatabase, type TestRedisPrefix } from '@tollgate/testing';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { RecorderWorker, type RecorderWorkerOptions } from '../src/recorder-worker';

export const QUEUE_NAME = 'interceptions';
export const testLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'recorder-test' });

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
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

/** Per database: a DataSource on it, used to inspect rows. */
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

  sink(options: { attempts?: number; backoffMs?: number } = {}): BullmqEventSink {
    const sink = new BullmqEventSink({
      redisUrl: testRedisUrl(),
      queueName: QUEUE_NAME,
      prefix: this.redis.prefix,
      attempts: options.attempts ?? 20,
      backoffMs: options.backoffMs ?? 50,
    });
    this.closers.push(() => sink.close());
    return sink;
  }

  async startWorker(options: Partial<RecorderWorkerOptions> & { dataSource?: TollgateDataSource } = {}): Promise<RecorderWorker> {
    const { dataSource = this.dataSource, ...overrides } = options;
    const worker = new RecorderWorker({
      redisUrl: testRedisUrl(),
      queueName: QUEUE_NAME,
      prefix: this.redis.prefix,
      batchSize: 25,
      batchMaxWaitMs: 10,
      writer: new InterceptionEventWriter(dataSource),
      logger: testLogger,
      registry: new Registry(),
      ...overrides,
    });
    this.closers.push(() => worker.close());
    await worker.start();
    return worker;
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

  /** Waits until every interception is ended, then returns the counts (which must then be exactly one each). */
  waitUntilRecorded(interceptions: Pick<InterceptionStarted, 'interceptionId'>[], timeoutMs?: number): Promise<RecordedCounts> {
    return waitFor(() => this.counts(interceptions), (counts) => counts.ended === interceptions.length, 'all interceptions recorded', timeoutMs);
  }
}

export function exactlyOnce(count: number): RecordedCounts {
  return { interceptions: count, ended: count, tokenUsages: count, prompts: count, toolUsages: count, duplicated: 0 };
}
