import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createTestDatabase, createTestRedisPrefix, testRedisUrl, writeConfigFile, type TestDatabase, type TestRedisPrefix } from '@tollgate/testing';

const WORKSPACE = resolve(__dirname, '../../..');

describe('a standalone process started against an unmigrated database', () => {
  let database: TestDatabase;
  let redisPrefix: TestRedisPrefix;
  let configPath: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    redisPrefix = createTestRedisPrefix();
    configPath = writeConfigFile({
      keyPool: { redisKeyPrefix: `${redisPrefix.prefix}kp:` },
      recording: { queuePrefix: `${redisPrefix.prefix}bull`, runMigrationsAtStart: false },
    });
  });
  afterAll(async () => {
    await database?.drop();
    await redisPrefix?.cleanup();
  });

  const run = (entry: 'gateway' | 'recorder') =>
    spawnSync(process.execPath, [join(WORKSPACE, 'dist', entry, 'main.js')], {
      cwd: WORKSPACE,
      env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG: configPath, PORT: '0', REDIS_URL: testRedisUrl(), DATABASE_URL: database.url },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it.each(['gateway', 'recorder'] as const)('%s exits 1 with one line saying the database is not migrated and how to migrate it', (entry) => {
    const result = run(entry);
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.trim().length > 0);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^${entry}: could not start: the database is not migrated \\(.+\\): run \`npm run start:recorder -- migrate\` .*with the same DATABASE_URL`),
      ),
    ]);
    expect(result.stderr).not.toContain('    at ');
  });
});
