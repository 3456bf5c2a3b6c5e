import { waitFor } from '@tollgate/testing';
// The recorder as a process of its own, for the crash tests: recorder-worker.process.ts (the real recorder
// microservice with short BullMQ lock timings) bundled with esbuild, started and SIGKILLed by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../../..');

export interface RecorderWorkerEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  /** BullMQ prefix of the queue `interceptions`. */
  QUEUE_PREFIX: string;
  BATCH_SIZE: string;
  BATCH_MAX_WAIT_MS: string;
  CONCURRENCY: string;
}

/** Bundles recorder-worker.process.ts into `outfile` (run it with `startProcess`). */
export function bundleRecorderWorker(outfile: string): Promise<void> {
  return bundle(join(ROOT, 'apps/recorder/test/recorder-worker.process.ts'), outfile);
}

async function bundle(entry: string, outfile: string): Promise<void> {
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    alias: Object.fromEntries(Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, join(ROOT, target)])),
    tsconfig: join(ROOT, 'tsconfig.base.json'),
    logLevel: 'error',
  });
}

/** Runs a bundled script and resolves once it prints `ready`. */
export async function startProcess(script: string, env: Record<string, string> | RecorderWorkerEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_PATH: join(ROOT, 'node_modules'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectLines(child);
  await waitFor(
    async () => ({ ready: output.lines.includes('ready'), exited: child.exitCode !== null }),
    (state) => state.ready || state.exited,
    'the worker process to start',
  );
  if (child.exitCode !== null) throw new Error(`worker process exited: ${output.stderr.join('')}`);
  return child;
}

/** SIGKILLs `child` (if it still runs) and waits for it to exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

export function collectLines(child: ChildProcess): { lines: string[]; stderr: string[] } {
  const collected = { lines: [] as string[], stderr: [] as string[] };
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    collected.lines.push(...lines);
  });
  child.stderr?.on('data', (chunk: Buffer) => collected.stderr.push(chunk.toString('utf8')));
  return collected;
}
