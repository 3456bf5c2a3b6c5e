import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

const WORKSPACE = resolve(__dirname, '../../../..');

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Writes a config file for a spawned gateway process and returns its path. */
export function writeConfigFile(document: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-test-')), 'tollgate.yaml');
  writeFileSync(path, stringify(document));
  return path;
}

/**
 * Runs a built entry point (`dist/<entry>/main.js`, built by the integration global setup) as a real process and
 * resolves once it logs the address it listens on.
 */
export function startGatewayProcess(entry: 'gateway' | 'tollgate' | 'recorder', configPath: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  // The recorder has no provider surface: it is up once its worker runs.
  const ready = entry === 'recorder' ? /recorder worker started/ : /"address":"(http:\/\/[^"]+)"/;
  const child = spawn(process.execPath, [join(WORKSPACE, 'dist', entry, 'main.js')], {
    cwd: WORKSPACE,
    env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG: configPath, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => rejectStart(new Error(`${entry} did not start within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveStart({
          url: match[1] ?? '',
          child,
          output: () => output,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      rejectStart(new Error(`${entry} exited with ${code} before it was ready:\n${output}`));
    });
  });
}
