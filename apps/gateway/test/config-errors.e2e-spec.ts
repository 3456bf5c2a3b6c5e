import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testDatabaseServerUrl, writeConfigFile } from '@tollgate/testing';

const WORKSPACE = resolve(__dirname, '../../..');
const SECRET_KEY = 'sk-proj-this-secret-must-never-be-printed';

function runGateway(entry: 'gateway' | 'tollgate', configPath: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(WORKSPACE, 'dist', entry, 'main.js')], {
    cwd: WORKSPACE,
    env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG: configPath, REDIS_URL: 'redis://127.0.0.1:1', ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('invalid configuration stops the process', () => {
  it.each(['gateway', 'tollgate'] as const)('%s exits non-zero naming each bad field, printing no secret', (entry) => {
    const configPath = writeConfigFile({
      providers: [
        { name: 'openai', type: 'openai', baseUrl: 'not-a-url', keys: [SECRET_KEY] },
        { name: 'Bad_Name', type: 'anthropic', keys: ['${MISSING_VARIABLE:-}'] },
      ],
      auth: { tokens: [{ token: SECRET_KEY, user: 'alice' }] },
    });
    const result = runGateway(entry, configPath, { THE_SECRET: SECRET_KEY });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('providers[0].baseUrl: must be an http(s) URL');
    expect(result.stderr).toContain('providers[1].name: must match ^[a-z0-9]+(-[a-z0-9]+)*$');
    expect(result.stderr).toContain('auth.tokens[0].token: must start with tg_');
    expect(result.stdout + result.stderr).not.toContain(SECRET_KEY);
  });

  it('names every unset environment variable', () => {
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', keys: ['${TOLLGATE_TEST_UNSET_KEY}'] }],
      auth: { tokens: [{ token: '${TOLLGATE_TEST_UNSET_TOKEN}', user: 'alice' }] },
    });
    const result = runGateway('gateway', configPath);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('providers[0].keys[0]: environment variable TOLLGATE_TEST_UNSET_KEY is not set');
    expect(result.stderr).toContain('auth.tokens[0].token: environment variable TOLLGATE_TEST_UNSET_TOKEN is not set');
  });

  it.each(['gateway', 'tollgate'] as const)('%s refuses a malformed TOLLGATE_ENCRYPTION_KEYS naming the entry, never the key', (entry) => {
    const configPath = writeConfigFile({ providers: [{ name: 'openai', type: 'openai', keys: ['sk-pool-key-0000000000'] }], dataDir: join(tmpdir(), `tollgate-kek-${entry}-${process.pid}`) });
    const shortKey = Buffer.from('only-sixteen-byt').toString('base64');
    // Stored keys are on where there is a database: the gateway's own (DATABASE_URL), the all-in-one's embedded one.
    const database: Record<string, string> = entry === 'gateway' ? { DATABASE_URL: testDatabaseServerUrl() } : { REDIS_URL: '' };
    const result = runGateway(entry, configPath, { TOLLGATE_ENCRYPTION_KEYS: `k1:${shortKey}`, ...database });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${entry}: could not start: TOLLGATE_ENCRYPTION_KEYS entry 1 (id "k1")`);
    expect(result.stdout + result.stderr).not.toContain(shortKey);
  });

  it.each(['gateway', 'tollgate'] as const)('%s refuses the development token and the public fingerprint secret when not bound to loopback', (entry) => {
    const configPath = writeConfigFile({
      server: { host: '0.0.0.0' },
      auth: { tokens: [{ token: '${TOLLGATE_TOKEN:-tg_local_dev_token}', user: 'local' }] },
      dataDir: join(tmpdir(), `tollgate-exposed-${entry}-${process.pid}`),
    });
    const result = runGateway(entry, configPath, { REDIS_URL: '' });
    expect(result.status).toBe(1);
    const problems = result.stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems).toEqual([
      expect.stringContaining('auth.tokens[0].token: the local development token tg_local_dev_token works only on a loopback server.host, not 0.0.0.0: set TOLLGATE_TOKEN'),
      expect.stringContaining('keyPool.fingerprintSecret: the public default works only on a loopback server.host, not 0.0.0.0: set TOLLGATE_KEY_FINGERPRINT_SECRET'),
    ]);
  });

  it('reports a missing config file', () => {
    const result = runGateway('gateway', '/nonexistent/tollgate.yaml');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('config file not found: /nonexistent/tollgate.yaml');
  });
});
