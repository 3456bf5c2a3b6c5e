import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';

const run = promisify(execFile);

export interface TestRedisNode {
  port: number;
  url: string;
}

export interface TestRedisCluster {
  nodes: TestRedisNode[];
  /** Seed URLs, as `recording.redisCluster` takes them. */
  seeds: string[];
  /** The node whose primary serves the slot of `key` (its hash tag, if any). */
  nodeOfKey(key: string): Promise<TestRedisNode>;
  /** Every key matching `pattern` on one node (that node's own keyspace, no redirection). */
  keysOn(node: TestRedisNode, pattern: string): Promise<string[]>;
  /** Stops every node and removes their directories. */
  close(): Promise<void>;
}

/**
 * A real Redis Cluster of `size` primaries (no replicas) on free ports of 127.0.0.1: `redis-server --cluster-enabled
 * yes` processes in temporary directories of their own, joined with `redis-cli --cluster create`. Needs redis-server
 * and redis-cli on the PATH.
 */
export async function startRedisCluster(size = 3): Promise<TestRedisCluster> {
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-redis-cluster-'));
  const processes: ChildProcess[] = [];
  const nodes: TestRedisNode[] = [];
  const close = async () => {
    await Promise.all(processes.map((child) => stopProcess(child)));
    await rm(directory, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < size; index += 1) {
      const port = await freeClusterPort(nodes.map((node) => node.port));
      const dir = join(directory, String(port));
      await mkdir(dir);
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--dir', dir, '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      processes.push(child);
      nodes.push({ port, url: `redis://127.0.0.1:${port}` });
    }
    await Promise.all(nodes.map((node) => untilAnswers(node)));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-yes']);
    await Promise.all(nodes.map((node) => untilClusterOk(node)));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    nodes,
    seeds: nodes.map((node) => node.url),
    async nodeOfKey(key) {
      return withNode(nodes[0], async (redis) => {
        const slot = (await redis.call('CLUSTER', 'KEYSLOT', key)) as number;
        const ranges = (await redis.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]]][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        const owner = nodes.find((node) => node.port === range?.[2][1]);
        if (!owner) throw new Error(`no node serves slot ${slot}`);
        return owner;
      });
    },
    keysOn(node, pattern) {
      return withNode(node, async (redis) => {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, page] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          keys.push(...page);
          cursor = next;
        } while (cursor !== '0');
        return keys;
      });
    },
    close,
  };
}

/** A port whose cluster bus port (port + 10000) is free as well. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function withNode<T>(node: TestRedisNode, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(node.url, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function untilAnswers(node: TestRedisNode): Promise<void> {
  await pollUntil(`redis-server on port ${node.port} to answer`, async () => (await withNode(node, (redis) => redis.ping())) === 'PONG');
}

async function untilClusterOk(node: TestRedisNode): Promise<void> {
  await pollUntil(`the cluster to be ok on port ${node.port}`, async () =>
    String(await withNode(node, (redis) => redis.call('CLUSTER', 'INFO'))).includes('cluster_state:ok'),
  );
}

async function pollUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
