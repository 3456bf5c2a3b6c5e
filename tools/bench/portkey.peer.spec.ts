import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HONO_NODE_SERVER_VERSION, installedPortkeyEntry, npmErrorSummary, portkeyCacheDir, portkeyPackageJson, portkeyTargets, PORTKEY_VERSION } from './portkey.peer';

const MOCKS = { fast: 'http://127.0.0.1:9100', paced: 'http://127.0.0.1:9101', slow: 'http://127.0.0.1:9102' };

describe('portkeyTargets', () => {
  it('sends each flavour to its mock through the openai provider and a custom host', () => {
    const targets = portkeyTargets('http://127.0.0.1:8787', MOCKS);
    expect(targets.fast).toEqual({
      origin: 'http://127.0.0.1:8787',
      path: '/v1/chat/completions',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-bench-portkey-fast-0000000000',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': 'http://127.0.0.1:9100/openai/v1',
      },
    });
    expect(targets.paced.headers['x-portkey-custom-host']).toBe('http://127.0.0.1:9101/openai/v1');
    expect(targets.slow.headers['x-portkey-custom-host']).toBe('http://127.0.0.1:9102/openai/v1');
  });
});

describe('the peer install', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-peer-spec-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const fakeInstall = (dir: string, versions: { portkey: string; adapter: string }, packageJson = portkeyPackageJson()) => {
    mkdirSync(join(dir, 'node_modules/@portkey-ai/gateway/build'), { recursive: true });
    mkdirSync(join(dir, 'node_modules/@hono/node-server'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    writeFileSync(join(dir, 'node_modules/@portkey-ai/gateway/package.json'), JSON.stringify({ version: versions.portkey, bin: 'build/start-server.js' }));
    writeFileSync(join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js'), '');
    writeFileSync(join(dir, 'node_modules/@hono/node-server/package.json'), JSON.stringify({ version: versions.adapter }));
  };

  it('pins the gateway and overrides its Node adapter, outside the project', () => {
    expect(portkeyPackageJson()).toMatchObject({
      private: true,
      dependencies: { '@portkey-ai/gateway': '1.15.2' },
      overrides: { '@hono/node-server': '1.13.5' },
    });
    expect(portkeyCacheDir('/cache/bench-peers')).toBe('/cache/bench-peers/portkey-1.15.2');
  });

  it('finds the entry point from the package bin only when the pinned versions are installed', () => {
    const dir = join(root, 'portkey');
    expect(installedPortkeyEntry(dir)).toBeUndefined();
    fakeInstall(dir, { portkey: PORTKEY_VERSION, adapter: HONO_NODE_SERVER_VERSION });
    expect(installedPortkeyEntry(dir)).toBe(join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js'));
    fakeInstall(dir, { portkey: PORTKEY_VERSION, adapter: '1.19.0' });
    expect(installedPortkeyEntry(dir)).toBeUndefined();
    fakeInstall(dir, { portkey: PORTKEY_VERSION, adapter: HONO_NODE_SERVER_VERSION }, { ...portkeyPackageJson(), overrides: {} });
    expect(installedPortkeyEntry(dir)).toBeUndefined();
  });
});

describe('npmErrorSummary', () => {
  it('keeps npm’s error lines, not the pointer to its log', () => {
    const stderr = [
      'npm error code ENOTCACHED',
      "npm error request failed: cache mode is 'only-if-cached' but no cached response is available.",
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log',
    ].join('\n');
    expect(npmErrorSummary(stderr)).toBe("code ENOTCACHED; request failed: cache mode is 'only-if-cached' but no cached response is available.");
    expect(npmErrorSummary('Command failed: npm install\nspawn npm ENOENT')).toBe('Command failed: npm install; spawn npm ENOENT');
  });
});
