// Integration-test services. DATABASE_URL / REDIS_URL win when set. Otherwise, if a Docker engine is reachable,
// Postgres and Redis are started with testcontainers; if not, the local defaults (127.0.0.1) are used. The URLs are
// exported as env vars, which the jest workers inherit.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '../services/test-services.env';

const BUILT_FOR_TESTS = ['gateway', 'tollgate', 'recorder', 'demo'];

declare global {
  var __TOLLGATE_TEST_CONTAINERS__: StartedTestContainer[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  buildEntryPoints();
  const needDatabase = !process.env.DATABASE_URL;
  const needRedis = !process.env.REDIS_URL;
  if (!needDatabase && !needRedis) return;

  if (await dockerIsReachable()) {
    const started: StartedTestContainer[] = [];
    globalThis.__TOLLGATE_TEST_CONTAINERS__ = started;
    if (needDatabase) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const postgres = await new PostgreSqlContainer('postgres:17-alpine').start();
      started.push(postgres);
      process.env.DATABASE_URL = postgres.getConnectionUri();
    }
    if (needRedis) {
      const { RedisContainer } = await import('@testcontainers/redis');
      const redis = await new RedisContainer('redis:7-alpine').start();
      started.push(redis);
      process.env.REDIS_URL = redis.getConnectionUrl();
    }
    return;
  }

  process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
  process.env.REDIS_URL ||= DEFAULT_REDIS_URL;
}

/** Process-level tests spawn the bundled entry points; build them once, before any worker starts. */
function buildEntryPoints(): void {
  const workspace = resolve(__dirname, '../../../..');
  execFileSync(process.execPath, [join(workspace, 'tools/build.mjs'), ...BUILT_FOR_TESTS], { cwd: workspace, stdio: 'inherit' });
}

async function dockerIsReachable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
