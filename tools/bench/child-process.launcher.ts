import { spawn, type ChildProcess } from 'node:child_process';

const OUTPUT_TAIL_CHARS = 32_000;

export interface LaunchOptions {
  /** Shown in errors and results. */
  name: string;
  /** Script run with this Node binary. */
  script: string;
  args?: string[];
  /** Node options before the script, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  cwd: string;
  /** The complete environment of the child (nothing is inherited). */
  env: Record<string, string>;
  /** Resolves the launch once a line of output matches; group 1 (if any) is returned as `ready`. */
  readyWhen: RegExp;
  readyTimeoutMs: number;
}

export interface LaunchedProcess {
  readonly name: string;
  readonly pid: number;
  /** What `readyWhen`'s first group captured (e.g. the URL it listens on). */
  readonly ready: string;
  /** The last ~32 KB of stdout and stderr. */
  output(): string;
  readonly exited: boolean;
  /** The exit code or signal name, once exited. */
  readonly exitCode: number | string | null | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal name). */
  stop(graceMs?: number): Promise<number | string | null>;
}

/** Every child launched and not yet stopped, so a crash or the deadline can kill them all. */
const running = new Set<ChildProcess>();

/** Starts a Node process and waits until it says it is ready. */
export function launchNodeProcess(options: LaunchOptions): Promise<LaunchedProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  let lineBuffer = '';
  let exitCode: number | string | null | undefined;
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      exitCode = code ?? signal;
      resolve(exitCode);
    });
  });
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stderr!.on('data', keep);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} was not ready within ${options.readyTimeoutMs} ms; output:\n${output}`));
    }, options.readyTimeoutMs);
    const onStdout = (chunk: Buffer): void => {
      keep(chunk);
      lineBuffer += chunk.toString('utf8');
      const lines = lineBuffer.split('\n');
      lineBuffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = options.readyWhen.exec(line);
        if (!match) continue;
        clearTimeout(timer);
        child.stdout!.off('data', onStdout);
        child.stdout!.on('data', keep);
        lineBuffer = '';
        resolve(launched(options.name, child, match[1] ?? '', () => output, exited, () => exitCode !== undefined, () => exitCode));
        return;
      }
    };
    child.stdout!.on('data', onStdout);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before it was ready; output:\n${output}`));
    });
  });
}

function launched(
  name: string,
  child: ChildProcess,
  ready: string,
  output: () => string,
  exited: Promise<number | string | null>,
  hasExited: () => boolean,
  exitCode: () => number | string | null | undefined,
): LaunchedProcess {
  return {
    name,
    pid: child.pid!,
    ready,
    output,
    get exited() {
      return hasExited();
    },
    get exitCode() {
      return exitCode();
    },
    async stop(graceMs = 10_000) {
      if (hasExited()) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

/** Last resort (deadline, crash): kills every child still running, without waiting. */
export function killAllLaunched(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
