// What sharding the recording queue buys on a Redis Cluster: Redis CPU per interception of the recording queue alone
// (BullMQ add + take + complete, no key state), on one Redis against each node of a 3-primary cluster with 3 shards.
// Interceptions are paced at a fixed rate through the gateway's own batching (EventBatchProducer, 256 events / 5 ms)
// and BullmqBatchClient; plain BullMQ workers with an empty processor stand in for the recorders (no Postgres), one
// per queue, 64 jobs held at once in all. Each Redis is a redis-server of its own on 127.0.0.1; its CPU is read from
// INFO CPU (used_cpu_sys + used_cpu_user) before and after a counted load, once every job is completed.
//   node tools/build.mjs queue-shards && node dist/queue-shards/main.js [--rate 3000] [--seconds 8]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BullmqBatchClient } from '@tollgate/gateway';
import { openRecordingRedis, REDIS_PRESETS } from '@tollgate/platform';
import { EventBatchProducer, recordingQueueNames } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, startRedisCluster, type TestRedisNode } from '@tollgate/testing';
import { Worker } from 'bullmq';
import Redis from 'ioredis';

const QUEUE_NAME = 'tollgate-interceptions';
const PREFIX = 'tollgate';

interface Setup {
  label: string;
  shards: number;
  nodes: TestRedisNode[];
  redisUrl?: string;
  redisCluster: string[];
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function cpuSeconds(node: TestRedisNode): Promise<number> {
  const redis = new Redis(node.url, { maxRetriesPerRequest: 1 });
  try {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
    return field('used_cpu_sys') + field('used_cpu_user');
  } finally {
    redis.disconnect();
  }
}

async function startStandaloneRedis(): Promise<{ node: TestRedisNode; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-redis-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const node = { port, url: `redis://127.0.0.1:${port}` };
  for (let attempt = 0; ; attempt += 1) {
    const redis = new Redis(node.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    const pong = await redis.connect().then(() => redis.ping(), () => undefined);
    redis.disconnect();
    if (pong === 'PONG') break;
    if (attempt > 100) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    node,
    close: async () => {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function measure(setup: Setup, rate: number, seconds: number) {
  const target = { redisUrl: setup.redisUrl, redisCluster: setup.redisCluster };
  const client = new BullmqBatchClient({ ...target, queueName: QUEUE_NAME, shards: setup.shards, prefix: PREFIX, attempts: 3, backoffMs: 100 });
  await client.connect();
  const names = recordingQueueNames({ queueName: QUEUE_NAME, shards: setup.shards, onCluster: setup.redisCluster.length > 0 });
  let completed = 0;
  let jobs = 0;
  const workerConnection = openRecordingRedis(target, REDIS_PRESETS.queueWorker);
  const workers = names.map(
    (name) =>
      new Worker(
        name,
        async (job) => {
          completed += (job.data as { events: unknown[] }).events.length;
          jobs += 1;
        },
        { connection: workerConnection, prefix: PREFIX, concurrency: Math.ceil(64 / names.length) },
      ),
  );
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  const silent = { warn: () => undefined, error: () => undefined };
  const producer = new EventBatchProducer({ sender: client, maxEvents: 256, maxDelayMs: 5, maxPendingEvents: 1_000_000, failurePolicy: 'closed', sendTimeoutMs: 5_000, logger: silent });

  const before = await Promise.all(setup.nodes.map(cpuSeconds));
  const total = rate * seconds;
  const started = Date.now();
  let sent = 0;
  let previous: ReturnType<typeof buildStartedEvent>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
    const now = Array.from({ length: due - sent }, () => buildStartedEvent({ interceptionId: randomUUID() }));
    for (const event of now) {
      producer.admit();
      producer.add(event, 'recorded');
    }
    for (const event of previous) producer.add(buildEndedEvent(event), 'recorded');
    previous = now;
    sent = due;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  for (const event of previous) producer.add(buildEndedEvent(event), 'recorded');
  const loadSeconds = (Date.now() - started) / 1000;
  await producer.drain(30_000);
  while (completed < total * 2) await new Promise((resolve) => setTimeout(resolve, 20));
  const after = await Promise.all(setup.nodes.map(cpuSeconds));

  await Promise.all(workers.map((worker) => worker.close()));
  workerConnection.disconnect();
  await producer.close(1_000);
  await client.close();
  const perNode = setup.nodes.map((_, index) => ((after[index] - before[index]) * 1e6) / total);
  return { setup: setup.label, rate, achievedRate: Math.round(total / loadSeconds), interceptions: total, jobs, eventsPerJob: (total * 2) / jobs, perNodeMicros: perNode };
}

async function main(): Promise<void> {
  const rate = option('--rate', 3_000);
  const seconds = option('--seconds', 8);
  const single = await startStandaloneRedis();
  const cluster = await startRedisCluster(3);
  try {
    const results = [
      await measure({ label: 'one Redis, 1 queue', shards: 1, nodes: [single.node], redisUrl: single.node.url, redisCluster: [] }, rate, seconds),
      await measure({ label: '3-primary cluster, 3 shards', shards: 3, nodes: cluster.nodes, redisCluster: cluster.seeds }, rate, seconds),
    ];
    for (const result of results) {
      const busiest = Math.max(...result.perNodeMicros);
      const sum = result.perNodeMicros.reduce((total, micros) => total + micros, 0);
      process.stdout.write(
        `${result.setup}: ${result.interceptions} interceptions at ${result.achievedRate}/s (asked ${result.rate}/s), ${result.jobs} jobs, ${result.eventsPerJob.toFixed(1)} events/job; ` +
          `Redis CPU per interception: ${result.perNodeMicros.map((micros) => micros.toFixed(1)).join(' / ')} µs per node (sum ${sum.toFixed(1)}, busiest ${busiest.toFixed(1)})\n`,
      );
    }
    const [one, sharded] = results;
    const scaling = one.perNodeMicros[0] / Math.max(...sharded.perNodeMicros);
    process.stdout.write(`capacity of the sharded queue ÷ one Redis (busiest node saturates first): ${scaling.toFixed(2)}×\n`);
  } finally {
    await cluster.close();
    await single.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
