import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const WORKSPACE = resolve(__dirname, '../../..');

// Runs at the entry's exit (here: a config error) and reports the source map Node holds for the entry's bundle.
const PROBE = `process.on('exit', () => {
  const map = require('node:module').findSourceMap(${JSON.stringify(WORKSPACE)} + '/dist/' + process.env.PROBE_ENTRY + '/bundle.js');
  process.stderr.write('PROBE ' + JSON.stringify(map ? map.payload.sources.filter((source) => source.endsWith('/main.ts')) : null) + '\\n');
});`;

describe('built entry points (dist/<entry>/main.js)', () => {
  let probeDir: string;
  beforeAll(() => {
    probeDir = mkdtempSync(join(tmpdir(), 'tollgate-launcher-'));
    writeFileSync(join(probeDir, 'probe.js'), PROBE);
  });
  afterAll(() => rmSync(probeDir, { recursive: true, force: true }));

  it.each(['gateway', 'tollgate', 'recorder'])('%s starts its bundle with source maps on, without --enable-source-maps', (entry) => {
    const result = spawnSync(process.execPath, ['-r', join(probeDir, 'probe.js'), join(WORKSPACE, 'dist', entry, 'main.js')], {
      cwd: WORKSPACE,
      env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG: join(probeDir, 'missing.yaml'), PROBE_ENTRY: entry },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('config file not found');
    const probed = JSON.parse(/PROBE (.*)/.exec(result.stderr)![1]) as string[] | null;
    expect(probed).toEqual([expect.stringContaining(`apps/${entry}/src/main.ts`)]);
  });
});
