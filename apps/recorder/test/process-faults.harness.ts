// The rig of the real-process fault tests (process-faults.e2e-spec.ts): a private redis-server, a database of its
// own, the mock upstream, the built standalone gateway and recorder worker processes, a counted and paced load, and
// the SQL audit of what was recorded.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { fingerprintKey } from '@tollgate/keypool';
import { createDataSource, runMigrations } from '@tollgate/persistence';
import { createTestDatabase, startGatewayProcess, startMockUpstream, startRedisServer, testDatabaseServerUrl, waitFor, writeConfigFile, type GatewayProcess, type MockUpstream, type RedisServerProcess, type TestDatabase } from '@tollgate/testing';
import { bundleRecorderWorker, startProcess, stopProcess } from './recorder-process.harness';
import { QUEUE_NAME, testLogger } from './recorder-test.harness';

export const FAULT_TOKEN = 'tg_process_faults_token';
const ADMIN_TOKEN = 'tg_process_faults_admin_0123456789abcdef0123';
const FINGERPRINT_SECRET = 'process-faults-fingerprints';
const QUEUE_PREFIX = 'faults';
const KEY_PREFIX = 'faults:';

export interface LoadResult {
  index: number;
  streaming: boolean;
  /** The interception id header; undefined when no response headers came back. */
  id?: string;
  status?: number;
  /** The whole response arrived: a blocking JSON body, or a stream that ended with `data: [DONE]`. */
  complete: boolean;
  /** The body of a response other than 200. */
  errorBody?: string;
  /** When the response ended (or failed), `Date.now()`. */
  finishedAt: number;
}

/** Per interception id, what its rows say. */
export interface RecordedInterception {
  ended: boolean;
  tokenUsages: number;
  prompts: number;
}

export interface RecordingAudit {
  /** Interceptions whose client got a complete 200 response. */
  responded: number;
  /** …of which recorded as ended, with exactly one usage row and one prompt row. */
  recordedOnce: number;
  /** Ids of the responded interceptions not (fully) recorded. */
  lost: string[];
  /** Extra usage or prompt rows beyond one per interception, over every interception of the load. */
  duplicates: number;
}

/**
 * A counted load: `total` chat requests, one every `intervalMs` whatever the answers (so a fault lands mid-load), every
 * `streamEvery`-th one streaming.
 */
export class PacedLoad {
  readonly results: LoadResult[] = [];
  readonly done: Promise<LoadResult[]>;
  private sent = 0;

  constructor(
    private readonly gatewayUrl: () => string,
    readonly total: number,
    private readonly options: { intervalMs: number; streamEvery: number },
  ) {
    this.done = this.run();
  }

  /** Resolves once `count` requests have been sent. */
  waitUntilSent(count: number): Promise<number> {
    return waitFor(async () => this.sent, (sent) => sent >= count, `${count} requests sent`, 30_000);
  }

  private async run(): Promise<LoadResult[]> {
    const inFlight: Promise<void>[] = [];
    for (let index = 0; index < this.total; index += 1) {
      const streaming = index % this.options.streamEvery === 0;
      inFlight.push(this.send(index, streaming).then((result) => void this.results.push(result)));
      this.sent += 1;
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
    }
    await Promise.all(inFlight);
    return this.results.sort((a, b) => a.index - b.index);
  }

  private async send(index: number, streaming: boolean): Promise<LoadResult> {
    const result: LoadResult = { index, streaming, complete: false, finishedAt: 0 };
    try {
      const response = await fetch(`${this.gatewayUrl()}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${FAULT_TOKEN}` },
        body: JSON.stringify({ model: 'gpt-test', stream: streaming, messages: [{ role: 'user', content: `load ${index}` }] }),
      });
      result.status = response.status;
      result.id = response.headers.get('x-tollgate-interception-id') ?? undefined;
      const text = await response.text();
      if (response.status !== 200) result.errorBody = text;
      result.complete = response.status === 200 && (streaming ? text.trimEnd().endsWith('data: [DONE]') : isJson(text));
    } catch {
      // Connection refused or cut: no (complete) response, which is what the scenario counts.
    }
    result.finishedAt = Date.now();
    return result;
  }
}

export interface RecorderWorker {
  child: ChildProcess;
}

/** One scenario's world; `close()` stops every process it started and removes its database and Redis data. */
export class ProcessFaultRig {
  mock!: MockUpstream;
  redis!: RedisServerProcess;
  database!: TestDatabase;
  queue!: Queue;
  private scratch!: string;
  private workerScript!: string;
  private configPath!: string;
  private readonly children: ChildProcess[] = [];
  private readonly gateways: GatewayProcess[] = [];

  async setUp(): Promise<void> {
    this.scratch = mkdtempSync(join(tmpdir(), 'tollgate-process-faults-'));
    this.workerScript = join(this.scratch, 'recorder-worker.js');
    [this.mock, this.redis, this.database] = await Promise.all([startMockUpstream(), startRedisServer(), createTestDatabase(), bundleRecorderWorker(this.workerScript)]);
    const dataSource = await createDataSource({ databaseUrl: this.database.url, dataDir: '/nonexistent', logger: testLogger });
    try {
      await runMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
    this.queue = new Queue(QUEUE_NAME, { connection: { url: this.redis.url }, prefix: QUEUE_PREFIX });
    this.queue.on('error', () => undefined); // Redis down on purpose: the scenarios check the outcome
  }

  async close(): Promise<void> {
    for (const gateway of this.gateways) await gateway.stop('SIGKILL').catch(() => undefined);
    for (const child of this.children) await stopProcess(child);
    await this.queue?.close().catch(() => undefined);
    await this.database?.drop().catch(() => undefined);
    await Promise.all([this.mock?.close(), this.redis?.remove()]);
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** The standalone gateway's config file; written again by `reconfigure`. */
  gatewayConfig(keys: string[], tokens: Array<{ token: string; user: string }> = [{ token: FAULT_TOKEN, user: 'faults' }]): Record<string, unknown> {
    return {
      server: { shutdown: { grace: '300ms', drainTimeout: '20s' } },
      providers: [{ name: 'openai', type: 'openai', baseUrl: this.mock.openaiBaseUrl, keys }],
      auth: { tokens, adminTokens: [ADMIN_TOKEN] },
      keyPool: { redisKeyPrefix: KEY_PREFIX, fingerprintSecret: FINGERPRINT_SECRET },
      recording: { queueName: QUEUE_NAME, queuePrefix: QUEUE_PREFIX, attempts: 30, backoff: '100ms' },
    };
  }

  async startGateway(keys: string[]): Promise<GatewayProcess> {
    this.configPath ??= writeConfigFile(this.gatewayConfig(keys));
    const gateway = await startGatewayProcess('gateway', this.configPath, { REDIS_URL: this.redis.url });
    this.gateways.push(gateway);
    return gateway;
  }

  /** Rewrites the gateway's config file (the gateways reload it on SIGHUP or within a second). */
  reconfigure(document: Record<string, unknown>): void {
    writeFileSync(this.configPath, stringify(document));
  }

  /** A recorder worker process; `batchMaxWaitMs` long makes it hold its jobs before writing them. */
  async startRecorder(batchMaxWaitMs = 10): Promise<ChildProcess> {
    const child = await startProcess(this.workerScript, {
      DATABASE_URL: this.database.url,
      REDIS_URL: this.redis.url,
      QUEUE_PREFIX,
      BATCH_SIZE: '1000',
      BATCH_MAX_WAIT_MS: String(batchMaxWaitMs),
      CONCURRENCY: '64',
    });
    this.children.push(child);
    return child;
  }

  /** Runs `action` with a fresh connection to the scenario's database (terminated backends do not linger here). */
  async sql<T>(action: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      return await action(client);
    } finally {
      await client.end();
    }
  }

  /** Terminates every backend of the scenario's database and refuses new connections until `allowConnections`. */
  async cutDatabase(): Promise<number> {
    return this.withServer(async (admin) => {
      await admin.query(`ALTER DATABASE "${this.database.name}" ALLOW_CONNECTIONS false`);
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [this.database.name],
      );
      return rows[0].n;
    });
  }

  async allowConnections(): Promise<void> {
    await this.withServer((admin) => admin.query(`ALTER DATABASE "${this.database.name}" ALLOW_CONNECTIONS true`));
  }

  async recorded(ids: string[]): Promise<Map<string, RecordedInterception>> {
    const rows = await this.sql(async (client) =>
      (
        await client.query<{ id: string; ended: boolean; token_usages: number; prompts: number }>(
          `SELECT i.id, i.ended_at IS NOT NULL AS ended,
                  (SELECT count(*) FROM token_usages t WHERE t.interception_id = i.id)::int AS token_usages,
                  (SELECT count(*) FROM user_prompts p WHERE p.interception_id = i.id)::int AS prompts
             FROM interceptions i WHERE i.id = ANY($1::uuid[])`,
          [ids],
        )
      ).rows,
    );
    return new Map(rows.map((row) => [row.id, { ended: row.ended, tokenUsages: row.token_usages, prompts: row.prompts }]));
  }

  /** Waits until every interception in `mustRecord` is recorded (or the timeout), then audits every result of the load. */
  async audit(results: LoadResult[], mustRecord: LoadResult[] = results.filter((result) => result.complete), timeoutMs = 30_000): Promise<RecordingAudit> {
    const required = mustRecord.map((result) => result.id!).filter(Boolean);
    const recordedOnce = (row?: RecordedInterception) => row !== undefined && row.ended && row.tokenUsages === 1 && row.prompts === 1;
    const rows = await waitFor(
      () => this.recorded(required),
      (found) => required.every((id) => recordedOnce(found.get(id))),
      'every responded interception recorded',
      timeoutMs,
    ).catch(() => this.recorded(required));
    const everyId = results.map((result) => result.id).filter((id): id is string => id !== undefined);
    const all = await this.recorded(everyId);
    const duplicates = [...all.values()].reduce((sum, row) => sum + Math.max(0, row.tokenUsages - 1) + Math.max(0, row.prompts - 1), 0);
    const lost = required.filter((id) => !recordedOnce(rows.get(id)));
    return { responded: required.length, recordedOnce: required.length - lost.length, lost, duplicates };
  }

  /** A counter or gauge (without labels) from the gateway's /metrics. */
  async gatewayMetric(gateway: GatewayProcess, name: string): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
  }

  /** Per key of the pool: the gateway's state and the state Redis holds (a key with no entry there is valid). */
  async keyStates(gateway: GatewayProcess, keys: string[]): Promise<{ gateway: string[]; redis: string[] }> {
    const response = await fetch(`${gateway.url}/admin/v1/providers/openai/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const view = (await response.json()) as { keys: Array<{ position: number; state: string }> };
    const redis = new Redis(this.redis.url, { maxRetriesPerRequest: 1 });
    try {
      const stored = await Promise.all(keys.map((key) => redis.hget(`${KEY_PREFIX}keypool:${fingerprintKey(key, FINGERPRINT_SECRET)}`, 'state')));
      return { gateway: view.keys.sort((a, b) => a.position - b.position).map((key) => key.state), redis: stored.map((state) => state ?? 'valid') };
    } finally {
      redis.disconnect();
    }
  }

  /** Waits until the gateway's view of every key equals Redis', and returns it. */
  async keyPoolConverged(gateway: GatewayProcess, keys: string[]): Promise<string[]> {
    const states = await waitFor(
      () => this.keyStates(gateway, keys),
      (found) => JSON.stringify(found.gateway) === JSON.stringify(found.redis),
      'the key pool to converge',
    );
    return states.redis;
  }

  private async withServer<T>(action: (admin: Client) => Promise<T>): Promise<T> {
    const admin = new Client({ connectionString: testDatabaseServerUrl() });
    await admin.connect();
    try {
      return await action(admin);
    } finally {
      await admin.end();
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
