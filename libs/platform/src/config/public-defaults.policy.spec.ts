import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig } from './config.loader';
import { isLoopbackHost } from './public-defaults.policy';

const REPOSITORY_TOLLGATE_YAML = parseYaml(readFileSync(join(__dirname, '../../../../tollgate.yaml'), 'utf8')) as unknown;

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('public defaults (development token, fingerprint secret) and admin token length', () => {
  const loadShipped = (env: Record<string, string>) => loadConfig({ document: REPOSITORY_TOLLGATE_YAML, env, servesGateway: true });

  it('keeps the newcomer path: tollgate.yaml with no variables set loads on 127.0.0.1 with the development token', () => {
    const config = loadShipped({});
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.auth.tokens).toEqual([{ token: 'tg_local_dev_token', user: 'local' }]);
    expect(config.keyPool.fingerprintSecret).toBe('tollgate-key-fingerprint');
  });

  it('refuses both public defaults on a non-loopback host, one line each naming the variable to set', () => {
    expect(problemsOf(() => loadShipped({ TOLLGATE_HOST: '0.0.0.0' }))).toEqual([
      expect.stringMatching(/^auth\.tokens\[0\]\.token: the local development token tg_local_dev_token works only on a loopback server\.host, not 0\.0\.0\.0: set TOLLGATE_TOKEN /),
      expect.stringMatching(/^keyPool\.fingerprintSecret: the public default works only on a loopback server\.host, not 0\.0\.0\.0: set TOLLGATE_KEY_FINGERPRINT_SECRET /),
    ]);
  });

  it('starts on 0.0.0.0 once TOLLGATE_TOKEN and TOLLGATE_KEY_FINGERPRINT_SECRET are set', () => {
    const config = loadShipped({ TOLLGATE_HOST: '0.0.0.0', TOLLGATE_TOKEN: 'tg_team_token_0123456789', TOLLGATE_KEY_FINGERPRINT_SECRET: 'a-secret-of-our-own' });
    expect(config.keyPool.fingerprintSecret).toBe('a-secret-of-our-own');
    expect(config.auth.tokens[0].token).toBe('tg_team_token_0123456789');
  });

  it('lets a fingerprint secret in the file win over TOLLGATE_KEY_FINGERPRINT_SECRET', () => {
    const config = loadConfig({ document: { keyPool: { fingerprintSecret: 'from-the-file' } }, env: { TOLLGATE_KEY_FINGERPRINT_SECRET: 'from-env' } });
    expect(config.keyPool.fingerprintSecret).toBe('from-the-file');
  });

  it('applies the loopback rule only to processes that serve the gateway (the recorder binds 0.0.0.0 for metrics)', () => {
    expect(loadConfig({ document: REPOSITORY_TOLLGATE_YAML, env: { TOLLGATE_HOST: '0.0.0.0' } }).server.host).toBe('0.0.0.0');
  });

  it('refuses an admin token shorter than 32 characters, naming the entry but never the value', () => {
    const problems = problemsOf(() => loadConfig({ document: { auth: { adminTokens: ['short-admin-token', '', 'x'.repeat(32)] } }, env: {} }));
    expect(problems).toEqual(['auth.adminTokens[0]: must be at least 32 characters (e.g. "$(openssl rand -hex 24)")']);
    expect(loadConfig({ document: { auth: { adminTokens: ['x'.repeat(32), ''] } }, env: {} }).auth.adminTokens).toEqual(['x'.repeat(32)]);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['gateway.internal', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
