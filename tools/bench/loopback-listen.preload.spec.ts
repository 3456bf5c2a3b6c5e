import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const PRELOAD = join(__dirname, 'loopback-listen.preload.cjs');

/** Runs `script` in a Node process started with the preload; returns its stdout lines. */
function withPreload(script: string): string[] {
  return execFileSync(process.execPath, ['--require', PRELOAD, '-e', script], { encoding: 'utf8', timeout: 10_000 }).trim().split('\n');
}

describe('loopback-listen.preload', () => {
  it('rewrites every form of listen() to 127.0.0.1 and leaves paths alone', () => {
    const [line] = withPreload(`
      const { loopbackListenArguments: pin } = require(${JSON.stringify(PRELOAD)});
      const cb = () => {};
      console.log(JSON.stringify([
        pin([8787]), pin([8787, cb]), pin([8787, '0.0.0.0', cb]), pin([8787, '::', 511, cb]), pin([8787, undefined, cb]),
        pin([8787, 511, cb]), pin(['8787']), pin([{ port: 8787, host: '::' }, cb]), pin([{ port: 8787 }]), pin([cb]), pin([]),
        pin(['/tmp/some.sock', cb]), pin([{ path: '/tmp/some.sock' }]),
      ].map((args) => args.map((arg) => (typeof arg === 'function' ? 'cb' : arg === undefined ? 'undefined' : arg)))));
    `);
    expect(JSON.parse(line)).toEqual([
      [8787, '127.0.0.1'],
      [8787, '127.0.0.1', 'cb'],
      [8787, '127.0.0.1', 'cb'],
      [8787, '127.0.0.1', 511, 'cb'],
      [8787, '127.0.0.1', 'cb'],
      [8787, '127.0.0.1', 511, 'cb'],
      ['8787', '127.0.0.1'],
      [{ port: 8787, host: '127.0.0.1' }, 'cb'],
      [{ port: 8787, host: '127.0.0.1' }],
      [0, '127.0.0.1', 'cb'],
      [0, '127.0.0.1'],
      ['/tmp/some.sock', 'cb'],
      [{ path: '/tmp/some.sock' }],
    ]);
  });

  it('binds a server that asked for every interface to loopback and prints where it listens', () => {
    const lines = withPreload(`
      const server = require('node:http').createServer();
      server.listen(0, '0.0.0.0', () => {
        console.log(JSON.stringify(server.address()));
        server.close();
      });
    `);
    const address = JSON.parse(lines.at(-1)!) as { address: string; port: number };
    expect(address.address).toBe('127.0.0.1');
    expect(lines).toContain(`bench preload: listening on http://127.0.0.1:${address.port}`);
  });
});
