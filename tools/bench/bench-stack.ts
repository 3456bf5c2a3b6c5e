import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, createTestRedisPrefix, type TestDatabase, type TestRedisPrefix } from '@tollgate/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { ConfigurationName } from './bench-options';
import { gatewayTargets, UPSTREAM_FLAVOURS, type TargetSet, type UpstreamFlavour } from './bench-targets';
import { goneReason, INSPECTOR_PORT_ARGS, openInspector } from './allocation.sampler';
import { launchNodeProcess, type LaunchedProcess } from './child-process.launcher';
import type { Component } from './cpu-breakdown.sampler';
import { readOtlpSinkStats, type OtlpSinkStats } from './otlp-sink.server';
import { metricValue, parsePrometheusText, type MetricSample } from './prometheus-text.parser';
import { inProcessRecordingProbe, queueRecordingProbe, type RecordingProbe } from './recording-progress.probe';
import { readProcessSample } from './process-usage.reader';
import { meterRedisScripts } from './redis-script.meter';

export interface StackServices {
  workspace: string;
  redisUrl: string;
  databaseServerUrl: string;
  mockUrls: Record<UpstreamFlavour, string>;
  /** Start the gateway under `--cpu-prof`, writing into this directory. */
  cpuProfileDir?: string;
  /** Start the gateway able to open its inspector on a loopback port later (allocation measurements). */
  inspect?: boolean;
}

/** One running configuration: its processes, where to send load, how to read its recording progress. */
export interface BenchStack {
  name: ConfigurationName;
  description: string;
  gateway: LaunchedProcess;
  targets: TargetSet;
  recording: RecordingProbe;
  /** RSS of the gateway right after it started listening (no request served yet). */
  idleRssBytes: number;
  /** The processes to account CPU to (Postgres backends are looked up when asked). */
  components(): Promise<Component[]>;
  /** Opens the gateway's inspector and answers its origin (`http://127.0.0.1:PORT`), when started with `inspect`. */
  openInspector?: () => Promise<string>;
  /** Why the gateway is gone, or undefined while it runs. */
  gone(): string | undefined;
  /** The gateway's Prometheus text, parsed. */
  scrapeMetrics(): Promise<MetricSample[]>;
  /** Interceptions the gateway has served so far (its `interception.started` events, from `/metrics`). */
  interceptionsServed(): Promise<number>;
  /** When (performance.now) the gateway and the recorder were spawned, to place windows in their CPU profiles. */
  spawnedAt: Record<'gateway' | 'recorder', number>;
  /** The Redis server's script statistics (queue configurations only). */
  meterRedisScripts?: () => ReturnType<typeof meterRedisScripts>;
  /** Rows in the recording tables (queue configurations; the embedded PGlite is locked by its process). */
  countRows(): Promise<{ interceptions: number; ended: number } | undefined>;
  /**
   * Stops every process and removes the database, Redis keys and data directory; returns the CPU profiles written
   * and (tracing) what the OTLP sink received, read after gateway and recorder flushed their spans at shutdown.
   */
  stop(): Promise<{ cpuProfiles: Array<{ process: string; file: string }>; otlp?: OtlpSinkStats }>;
}

export const DESCRIPTIONS: Record<ConfigurationName, string> = {
  embedded: 'all-in-one (dist/tollgate): memory key state, in-process recorder into embedded PGlite',
  redis: 'gateway (dist/gateway: Redis key state, BullMQ producer, identity directory from Postgres) + recorder (dist/recorder: BullMQ → Postgres)',
  limits: 'as redis, every request checked against a user, a team and a token limit (requests, tokens and concurrency; high enough never to refuse)',
  tracing: 'as redis, both processes exporting traces (OTLP/HTTP protobuf) to a local receiver that counts the spans',
};

const GATEWAY_READY = /"address":"(http:\/\/[^"]+)"/;
const RECORDER_READY = /"port":(\d+)[^\n]*"msg":"recorder serving/;

export async function startStack(name: ConfigurationName, services: StackServices): Promise<BenchStack> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const launched: LaunchedProcess[] = [];
  try {
    return await assemble(name, services, cleanups, launched);
  } catch (error) {
    for (const child of launched.reverse()) await child.stop(3_000);
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw error;
  }
}

async function assemble(
  name: ConfigurationName,
  services: StackServices,
  cleanups: Array<() => Promise<void> | void>,
  launched: LaunchedProcess[],
): Promise<BenchStack> {
  const { workspace } = services;
  const token = `tg_bench_${randomBytes(12).toString('hex')}`;
  const adminToken = `tg_bench_admin_${randomBytes(12).toString('hex')}`;
  const configDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  cleanups.push(() => rmSync(configDir, { recursive: true, force: true }));
  const usesQueue = name !== 'embedded';

  let redisPrefix: TestRedisPrefix | undefined;
  let database: TestDatabase | undefined;
  if (usesQueue) {
    redisPrefix = createTestRedisPrefix(services.redisUrl);
    cleanups.push(() => redisPrefix!.cleanup());
    database = await createTestDatabase(services.databaseServerUrl);
    cleanups.push(() => database!.drop());
  }
  const configPath = join(configDir, 'tollgate.json');
  writeFileSync(configPath, JSON.stringify(gatewayConfig(services.mockUrls, token, adminToken, join(configDir, 'data'), redisPrefix?.prefix)));

  let otlp: LaunchedProcess | undefined;
  const telemetryEnv: Record<string, string> = {};
  if (name === 'tracing') {
    otlp = await launchNodeProcess({
      name: 'otlp-sink',
      script: join(workspace, 'dist/bench/main.js'),
      args: ['otlp-sink'],
      cwd: workspace,
      env: {},
      readyWhen: /listening on (http:\/\/\S+)/,
      readyTimeoutMs: 10_000,
    });
    launched.push(otlp);
    telemetryEnv.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.ready;
    // As the k8s manifests set them: room for a busy process's spans between exports, so that none is dropped and
    // every span of every request is paid for (the default queue of 2,048 overflows at saturation).
    Object.assign(telemetryEnv, { OTEL_BSP_SCHEDULE_DELAY: '1000', OTEL_BSP_MAX_QUEUE_SIZE: '8192', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1024' });
  }

  const profileArgs = (role: string) =>
    services.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${services.cpuProfileDir}`, `--cpu-prof-name=${name}-${role}.cpuprofile`] : [];
  let recorder: LaunchedProcess | undefined;
  const recorderSpawnedAt = performance.now();
  if (usesQueue) {
    recorder = await launchNodeProcess({
      name: 'recorder',
      script: join(workspace, 'dist/recorder/main.js'),
      nodeArgs: profileArgs('recorder'),
      cwd: workspace,
      env: { TOLLGATE_CONFIG: configPath, PORT: '0', REDIS_URL: services.redisUrl, DATABASE_URL: database!.url, ...telemetryEnv },
      readyWhen: RECORDER_READY,
      readyTimeoutMs: 30_000,
    });
    launched.push(recorder);
  }

  const spawnedAt = performance.now();
  const gateway = await launchNodeProcess({
    name: usesQueue ? 'gateway' : 'tollgate',
    script: join(workspace, usesQueue ? 'dist/gateway/main.js' : 'dist/tollgate/main.js'),
    nodeArgs: [...profileArgs('gateway'), ...(services.inspect ? INSPECTOR_PORT_ARGS : [])],
    cwd: workspace,
    // With the database as in production: users, tokens and stored keys are served from the in-memory directory.
    env: { TOLLGATE_CONFIG: configPath, PORT: '0', ...(usesQueue ? { REDIS_URL: services.redisUrl, DATABASE_URL: database!.url } : {}), ...telemetryEnv },
    readyWhen: GATEWAY_READY,
    readyTimeoutMs: 60_000,
  });
  launched.push(gateway);
  const idleRssBytes = readProcessSample(gateway.pid)?.rssBytes ?? Number.NaN;

  const recorderUrl = recorder ? `http://127.0.0.1:${recorder.ready}` : undefined;
  const redisPid = usesQueue ? await localRedisPid(services.redisUrl) : undefined;
  // Every configuration authenticates with a token issued through the admin API (a database token, looked up in
  // the gateway's in-memory directory), as teams run it; the config-file token only bootstraps that.
  const issuedToken = await issueDatabaseToken(gateway.ready, adminToken, name === 'limits');
  return {
    name,
    description: DESCRIPTIONS[name],
    gateway,
    targets: gatewayTargets(gateway.ready, issuedToken),
    recording: recorderUrl ? queueRecordingProbe(gateway.ready, recorderUrl) : inProcessRecordingProbe(gateway.ready),
    idleRssBytes,
    openInspector: services.inspect ? () => openInspector(gateway) : undefined,
    gone: () => goneReason(gateway),
    scrapeMetrics: () => scrapeMetrics(gateway.ready),
    async interceptionsServed() {
      return metricValue(await scrapeMetrics(gateway.ready), 'tollgate_recording_events_enqueued_total', { event: 'interception.started' });
    },
    spawnedAt: { gateway: spawnedAt, recorder: recorderSpawnedAt },
    async components() {
      const components: Component[] = [{ name: gateway.name, pids: [gateway.pid] }];
      if (recorder) components.push({ name: 'recorder', pids: [recorder.pid] });
      if (redisPid) components.push({ name: 'redis-server', pids: [redisPid] });
      if (database) components.push({ name: 'postgres', pids: await postgresBackendPids(services.databaseServerUrl, database.name) });
      if (otlp) components.push({ name: 'otlp-sink', pids: [otlp.pid] });
      return components;
    },
    meterRedisScripts: usesQueue ? () => meterRedisScripts(services.redisUrl) : undefined,
    async countRows() {
      return database ? countRecordedRows(database.url) : undefined;
    },
    async stop() {
      for (const child of [gateway, recorder]) if (child) await child.stop(15_000);
      const otlpStats = otlp && !otlp.exited ? await readOtlpSinkStats(otlp.ready).catch(() => undefined) : undefined;
      await otlp?.stop(15_000);
      const cpuProfiles = ['gateway', 'recorder'].flatMap((role) => {
        const file = services.cpuProfileDir ? findProfile(services.cpuProfileDir, `${name}-${role}.cpuprofile`) : undefined;
        return file ? [{ process: role, file }] : [];
      });
      for (const cleanup of cleanups.reverse()) await cleanup();
      return { cpuProfiles, otlp: otlpStats };
    },
  };
}

async function scrapeMetrics(gatewayUrl: string): Promise<MetricSample[]> {
  const response = await fetch(`${gatewayUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${gatewayUrl}/metrics answered ${response.status}`);
  return parsePrometheusText(await response.text());
}

/**
 * Limits of the `limits` configuration, set on the bench user, its team and its token: every request is checked
 * against all nine counters, and none ever refuses (saturation runs ~5,000 req/s, 300,000 a minute; each request
 * reserves ~4,100 tokens; the stream burst holds 1,000 at once).
 */
const BENCH_LIMITS = { requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000_000, concurrent: 100_000 };

/**
 * Creates the bench user and issues it a gateway token through the admin API; `withLimits`: the user, a team it
 * belongs to and the token each get limits, and the token is returned once the gateway applies all three.
 */
async function issueDatabaseToken(gatewayUrl: string, adminToken: string, withLimits: boolean): Promise<string> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body: unknown, expected: number) => {
    const response = await fetch(`${gatewayUrl}${path}`, { method, headers, body: JSON.stringify(body) });
    if (response.status !== expected) throw new Error(`bench: ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  await call('POST', '/admin/v1/users', { id: 'bench-user' }, 201);
  if (withLimits) {
    await call('PATCH', '/admin/v1/users/bench-user', { limits: BENCH_LIMITS }, 200);
    await call('POST', '/admin/v1/teams', { id: 'bench-team', name: 'Bench' }, 201);
    await call('PATCH', '/admin/v1/teams/bench-team', { limits: BENCH_LIMITS }, 200);
    const member = await fetch(`${gatewayUrl}/admin/v1/teams/bench-team/members/bench-user`, { method: 'PUT', headers: { authorization: headers.authorization } });
    if (member.status !== 200) throw new Error(`bench: adding the bench user to its team answered ${member.status}`);
  }
  const issued = await call('POST', '/admin/v1/users/bench-user/tokens', { name: 'bench', ...(withLimits ? { limits: BENCH_LIMITS } : {}) }, 201);
  const token = issued.token as string;
  if (withLimits) await untilLimitsApply(gatewayUrl, token);
  return token;
}

/** Waits until the gateway holds the token's requests to all three limit sets (its directory follows the admin API). */
async function untilLimitsApply(gatewayUrl: string, token: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const response = await fetch(`${gatewayUrl}/v1/me/limits`, { headers: { authorization: `Bearer ${token}` } });
    const items = response.ok ? ((await response.json()) as { items: unknown[] }).items : [];
    if (items.length === 9) return;
    if (performance.now() > deadline) throw new Error(`bench: the gateway shows ${items.length} of 9 limits for the bench token`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function gatewayConfig(mockUrls: Record<UpstreamFlavour, string>, token: string, adminToken: string, dataDir: string, redisPrefix: string | undefined): unknown {
  return {
    // No readiness grace at shutdown: nothing balances load to this gateway.
    server: { host: '127.0.0.1', port: 0, shutdown: { grace: 0, drainTimeout: '5s' } },
    providers: UPSTREAM_FLAVOURS.map((flavour) => ({
      name: flavour,
      type: 'openai',
      baseUrl: `${mockUrls[flavour]}/openai/v1/`,
      keys: [`sk-bench-${flavour}-key-0-0000000000`, `sk-bench-${flavour}-key-1-0000000000`],
    })),
    auth: { tokens: [{ token, user: 'bench' }], adminTokens: [adminToken] },
    ...(redisPrefix ? { keyPool: { redisKeyPrefix: `${redisPrefix}:keys:` }, recording: { queuePrefix: redisPrefix } } : {}),
    dataDir,
    logging: { level: 'info' },
  };
}

/** The Redis server's pid when it runs on this machine (its CPU is then part of the breakdown). */
async function localRedisPid(redisUrl: string): Promise<number | undefined> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const match = /process_id:(\d+)/.exec(await redis.info('server'));
    const pid = match ? Number(match[1]) : undefined;
    return pid !== undefined && readProcessSample(pid) ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** Postgres backend processes serving the bench database (the recorder's pool), when Postgres is local. */
async function postgresBackendPids(serverUrl: string, database: string): Promise<number[]> {
  const client = new Client({ connectionString: serverUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return rows.map((row) => row.pid).filter((pid) => readProcessSample(pid) !== undefined);
  } catch {
    return [];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function countRecordedRows(databaseUrl: string): Promise<{ interceptions: number; ended: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ interceptions: string; ended: string }>(
      'SELECT count(*) AS interceptions, count(ended_at) AS ended FROM interceptions',
    );
    return { interceptions: Number(rows[0].interceptions), ended: Number(rows[0].ended) };
  } finally {
    await client.end();
  }
}

function findProfile(directory: string, name: string): string | undefined {
  return readdirSync(directory).includes(name) ? join(directory, name) : undefined;
}
