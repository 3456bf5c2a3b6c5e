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

export interface EntryProcessOptions {
  /** Arguments after the script. */
  args?: string[];
  /** The child's whole environment besides PATH. */
  env?: Record<string, string>;
  /** Output (stdout and stderr) that means "started"; its first capture group becomes `url`. */
  ready: RegExp;
  /** Default 15 s. */
  startTimeoutMs?: number;
}

/**
 * Runs a built entry point (`dist/<entry>/main.js`, built by the integration global setup) as a real process and
 * resolves once it logs the address it listens on.
 */
export function startGatewayProcess(entry: 'gateway' | 'tollgate' | 'recorder', configPath: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  // The recorder has no provider surface: it is up once its worker runs.
  const ready = entry === 'recorder' ? /recorder worker started/ : /"address":"(http:\/\/[^"]+)"/;
  return startEntryProcess(entry, { env: { TOLLGATE_CONFIG: configPath, PORT: '0', ...env }, ready });
}

/** Runs any built entry point (`dist/<entry>/main.js`) and resolves once its output matches `options.ready`. */
export function startEntryProcess(entry: string, options: EntryProcessOptions): Promise<GatewayProcess> {
  const { ready } = options;
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const child = spawn(process.execPath, [join(WORKSPACE, 'dist', entry, 'main.js'), ...(options.args ?? [])], {
    cwd: WORKSPACE,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let started = false;
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => rejectStart(new Error(`${entry} did not start within ${startTimeoutMs / 1000} s:\n${output}`)), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = started ? null : ready.exec(output);
      if (match) {
        started = true;
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
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rejectStart(new Error(`${entry} exited with ${code} before it was ready:\n${output}`));
    });
  });
}
