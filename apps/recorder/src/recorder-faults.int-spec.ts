import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDataSource } from '@tollgate/persistence';
import type { InterceptionStarted } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, startTcpProxy, testRedisUrl, waitFor } from '@tollgate/testing';
import { Registry } from 'prom-client';
import { bundleRecorderWorker, collectLines, startProcess, stopProcess } from '../test/recorder-process.harness';
import { exactlyOnce, QUEUE_NAME, RecorderTestHarness, testLogger } from '../test/recorder-test.harness';

const ROOT = resolve(__dirname, '../../..');

describe('recorder under faults', () => {
  const harness = new RecorderTestHarness();
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'tollgate-recorder-faults-'));
    await harness.setUpDatabase();
  }, 30_000);
  afterAll(async () => {
    await harness.tearDownDatabase();
    rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(() => harness.setUpQueue());
  afterEach(() => harness.tearDownQueue());

  it('loses and duplicates nothing when Postgres is cut off while events flow, once it is back', async () => {
    const server = new URL(harness.database.url);
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    harness.onTearDown(() => proxy.close());
    const dataSource = await createDataSource({
      databaseUrl: proxy.rewrite(harness.database.url),
      dataDir: '/nonexistent',
      logger: testLogger,
      poolSize: 4,
      connectTimeoutMs: 500,
      queryTimeoutMs: 2_000,
    });
    harness.onTearDown(() => dataSource.destroy());
    const registry = new Registry();
    await harness.startWorker({ dataSource, registry, batchSize: 10 });
    const producer = harness.producer({ attempts: 40, backoffMs: 25 });

    const interceptions: InterceptionStarted[] = [];
    const publishOne = async () => {
      const started = buildStartedEvent();
      interceptions.push(started);
      await producer.addBatch([started, buildEndedEvent(started)]);
    };
    for (let i = 0; i < 10; i += 1) await publishOne();
    await waitFor(() => harness.counts(interceptions), (counts) => counts.ended > 0, 'some rows before the cut');

    proxy.cut();
    const cutUntil = Date.now() + 1_200;
    while (Date.now() < cutUntil) {
      await publishOne();
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const failedWhileCut = (await registry.getSingleMetric('tollgate_recording_events_failed_total')?.get())?.values ?? [];
    proxy.resume();
    for (let i = 0; i < 10; i += 1) await publishOne();

    expect(await harness.waitUntilRecorded(interceptions, 30_000)).toEqual(exactlyOnce(interceptions.length));
    expect(failedWhileCut.reduce((sum, value) => sum + value.value, 0)).toBeGreaterThan(0);
    expect(await harness.queue.getFailedCount()).toBe(0);
  }, 45_000);

  it('recovers when the network to Postgres stalls (queries time out) and comes back', async () => {
    const server = new URL(harness.database.url);
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    harness.onTearDown(() => proxy.close());
    const dataSource = await createDataSource({
      databaseUrl: proxy.rewrite(harness.database.url),
      dataDir: '/nonexistent',
      logger: testLogger,
      poolSize: 4,
      connectTimeoutMs: 500,
      queryTimeoutMs: 500,
    });
    harness.onTearDown(() => dataSource.destroy());
    await harness.startWorker({ dataSource, batchSize: 10 });
    const producer = harness.producer({ attempts: 40, backoffMs: 25 });
    const interceptions = Array.from({ length: 10 }, () => buildStartedEvent());

    proxy.pause();
    for (const started of interceptions) await producer.addBatch([started, buildEndedEvent(started)]);
    await waitFor(() => harness.queue.getJobCountByTypes('delayed'), (delayed) => delayed > 0, 'jobs retrying after query timeouts');
    proxy.resume();

    expect(await harness.waitUntilRecorded(interceptions, 30_000)).toEqual(exactlyOnce(10));
    expect(await harness.queue.getFailedCount()).toBe(0);
  }, 45_000);

  it('loses and duplicates nothing when a worker process is SIGKILLed with batches in hand and another takes over', async () => {
    const script = join(scratch, 'recorder-worker.js');
    await bundleRecorderWorker(script);
    const env = {
      DATABASE_URL: harness.database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: harness.redis.prefix,
      BATCH_SIZE: '1000',
      CONCURRENCY: '8',
    };

    // The first worker holds its jobs for a group commit that waits a minute for more…
    const first = await startProcess(script, { ...env, BATCH_MAX_WAIT_MS: '60000' });
    harness.onTearDown(async () => stopProcess(first));
    const producer = harness.producer();
    const interceptions = Array.from({ length: 30 }, () => buildStartedEvent());
    for (let start = 0; start < interceptions.length; start += 5) {
      await producer.addBatch(interceptions.slice(start, start + 5).flatMap((started) => [started, buildEndedEvent(started)]));
    }
    await waitFor(() => harness.queue.getActiveCount(), (active) => active === 6, 'all 6 batches in the first worker');

    // …and dies before writing them.
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(await harness.counts(interceptions)).toEqual(exactlyOnce(0));
    expect(await harness.queue.getActiveCount()).toBe(6); // still locked by the dead worker

    const second = await startProcess(script, { ...env, BATCH_MAX_WAIT_MS: '10' });
    harness.onTearDown(async () => stopProcess(second));
    expect(await harness.waitUntilRecorded(interceptions, 20_000)).toEqual(exactlyOnce(30));
    await waitFor(() => harness.queue.getJobCounts('completed', 'failed'), (c) => c.completed === 6, '6 completed jobs');
    expect(await harness.queue.getFailedCount()).toBe(0);
  }, 45_000);

  it('runs as the built recorder binary: serves /healthz and /metrics, records, and exits cleanly on SIGTERM', async () => {
    await runBuild();
    const configPath = join(scratch, 'recorder.yaml');
    writeFileSync(
      configPath,
      [
        'server: { host: 127.0.0.1, port: 0 }',
        `recording: { queueName: ${QUEUE_NAME}, queuePrefix: ${harness.redis.prefix}, runMigrationsAtStart: true, worker: { batchSize: 20, batchMaxWait: 10ms } }`,
        'logging: { level: info }',
        `dataDir: ${join(scratch, 'data')}`,
      ].join('\n'),
    );
    const recorder = spawn(process.execPath, [join(ROOT, 'dist/recorder/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TOLLGATE_CONFIG: configPath, DATABASE_URL: harness.database.url, REDIS_URL: testRedisUrl() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    harness.onTearDown(async () => stopProcess(recorder));
    const logs = collectLines(recorder);
    const serving = await waitFor(
      async () => logs.lines.map((line) => safeJson(line)).find((entry) => entry?.msg === 'recorder serving /healthz and /metrics'),
      (entry) => entry !== undefined,
      'the recorder to start',
    );
    const base = `http://127.0.0.1:${serving?.port}`;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');

    const producer = harness.producer();
    const interceptions = Array.from({ length: 5 }, () => buildStartedEvent());
    for (const started of interceptions) await producer.addBatch([started, buildEndedEvent(started)]);
    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(5));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^tollgate_recording_events_processed_total\{event="interception.started"\} 5$/m);
    expect(metrics).toMatch(/^tollgate_recording_batches_processed_total\{job="interception.batch"\} 5$/m);
    expect(metrics).toMatch(/^tollgate_recording_transaction_events_sum 10$/m);
    expect(metrics).toMatch(/^tollgate_recording_queue_depth 0$/m);
    expect(metrics).toMatch(/^tollgate_recording_lag_seconds_count 10$/m);

    recorder.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => recorder.once('exit', (c, s) => resolve([c, s])));
    expect([code, signal]).toEqual([0, null]);
    expect(logs.lines.some((line) => safeJson(line)?.msg === 'recorder worker stopped')).toBe(true);
    expect(logs.stderr.join('')).toBe('');
  }, 45_000);
});

async function runBuild(): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'tools/build.mjs'), 'recorder'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collectLines(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`build failed: ${stderr.stderr.join('')}`);
}

function safeJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
