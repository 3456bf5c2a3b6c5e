import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const WORKSPACE = resolve(__dirname, '../../..');
const TOO_OLD = /^(\w[\w ]*): Tollgate needs Node\.js >=22\.12 \(package\.json "engines"\) but this is Node\.js 20\.[\d.]+: install Node\.js 22\.12 or newer/;
// The machine's own old Node (CI images ship Node 20 there and install Node 24 beside it, see .ci/run).
const OLD_NODE = process.env.TOLLGATE_TEST_OLD_NODE ?? '/usr/bin/node';

// Makes the running Node report an older version, as Node 20 would, before the entry point's first line runs.
const FAKE_NODE_20 = `Object.defineProperty(process, 'versions', { value: Object.assign({}, process.versions, { node: '20.18.0' }) });`;

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim().length > 0);
}

describe('a Node.js older than package.json "engines"', () => {
  let preloadDir: string;
  beforeAll(() => {
    preloadDir = mkdtempSync(join(tmpdir(), 'tollgate-node-version-'));
    writeFileSync(join(preloadDir, 'fake-node-20.js'), FAKE_NODE_20);
  });
  afterAll(() => rmSync(preloadDir, { recursive: true, force: true }));

  const run = (node: string, args: string[]) =>
    spawnSync(node, args, {
      cwd: WORKSPACE,
      // A config file that does not exist: an entry that got past the version check would fail on it instead.
      env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG: join(preloadDir, 'missing.yaml') },
      encoding: 'utf8',
      timeout: 15_000,
    });

  it.each(['gateway', 'tollgate', 'recorder'])('stops dist/%s/main.js with one line before its bundle loads', (entry) => {
    const result = run(process.execPath, ['-r', join(preloadDir, 'fake-node-20.js'), join(WORKSPACE, 'dist', entry, 'main.js')]);
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(TOO_OLD)]);
    expect(result.stderr.startsWith(`${entry}: `)).toBe(true);
    expect(result.stdout).toBe('');
  });

  it('stops npm install (the preinstall script) with one line', () => {
    const result = run(process.execPath, ['-r', join(preloadDir, 'fake-node-20.js'), 'tools/node-version.check.cjs']);
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(TOO_OLD)]);
    expect(run(process.execPath, ['tools/node-version.check.cjs']).status).toBe(0);
  });

  it(`stops a real old Node (${OLD_NODE}; set TOLLGATE_TEST_OLD_NODE elsewhere) at install and at start, where undici would crash`, () => {
    const version = run(OLD_NODE, ['-p', 'process.versions.node']);
    expect({ oldNode: OLD_NODE, version: version.stdout.trim() }).toEqual({ oldNode: OLD_NODE, version: expect.stringMatching(/^20\./) });
    for (const args of [['tools/node-version.check.cjs'], [join(WORKSPACE, 'dist', 'gateway', 'main.js')]]) {
      const result = run(OLD_NODE, args);
      expect(result.status).toBe(1);
      expect(lines(result.stderr)).toEqual([expect.stringMatching(TOO_OLD)]);
    }
  });
});
