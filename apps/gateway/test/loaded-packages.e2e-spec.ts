import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, runMigrations } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import { createTestDatabase, createTestRedisPrefix, startGatewayProcess, testRedisUrl, writeConfigFile, type TestDatabase, type TestRedisPrefix } from '@tollgate/testing';

// Preloaded into the gateway: at exit, prints the packages it loaded (the bundle and its dependencies are CommonJS).
const PROBE = `process.on('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const inPackage = file.split('/node_modules/')[1];
    if (inPackage) packages.add(inPackage.split('/').slice(0, inPackage.startsWith('@') ? 2 : 1).join('/'));
  }
  process.stderr.write('LOADED ' + JSON.stringify([...packages].sort()) + '\\n');
});`;

describe('what the standalone gateway loads (dist/gateway)', () => {
  let database: TestDatabase;
  let redisPrefix: TestRedisPrefix;
  let probeDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger: createLogger({ level: 'silent' }) });
    await runMigrations(dataSource);
    await dataSource.destroy();
    redisPrefix = createTestRedisPrefix();
    probeDir = mkdtempSync(join(tmpdir(), 'tollgate-probe-'));
    writeFileSync(join(probeDir, 'probe.js'), PROBE);
  }, 60_000);

  afterAll(async () => {
    rmSync(probeDir, { recursive: true, force: true });
    await redisPrefix?.cleanup();
    await database?.drop();
  });

  it('serves users from the database without loading TypeORM, nor Fastify’s schema compilers', async () => {
    const configPath = writeConfigFile({
      server: { host: '127.0.0.1', shutdown: { grace: 0 } },
      providers: [{ name: 'openai', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1/', keys: ['sk-probe-key-000000'] }],
      keyPool: { redisKeyPrefix: `${redisPrefix.prefix}:keys:` },
      recording: { queuePrefix: redisPrefix.prefix },
    });
    const gateway = await startGatewayProcess('gateway', configPath, {
      REDIS_URL: testRedisUrl(),
      DATABASE_URL: database.url,
      NODE_OPTIONS: `--require ${join(probeDir, 'probe.js')}`,
    });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    expect(await gateway.stop()).toBe(0);

    const loaded = JSON.parse(/LOADED (.*)/.exec(gateway.output())![1]) as string[];
    expect(loaded).toEqual(expect.arrayContaining(['pg', 'fastify', 'bullmq']));
    expect(loaded).not.toContain('typeorm');
    expect(loaded).not.toContain('ajv');
  }, 60_000);
});
