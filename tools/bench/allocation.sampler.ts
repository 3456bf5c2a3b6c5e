import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { BenchPlan } from './bench-plan';
import type { HttpTarget } from './bench-targets';
import type { LaunchedProcess } from './child-process.launcher';
import { summarizeHeapProfile, type AllocationSite, type HeapProfileSummary, type SamplingHeapProfile } from './heap-profile.summary';

/**
 * Node options that name the inspector's address without opening it: the bench opens it with SIGUSR1 right before
 * the allocation window ({@link openInspector}), so no scenario runs with an inspector listening, and the all-in-one
 * process never starts its PGlite worker under one (with `--inspect` at launch it sometimes aborted at start in
 * V8's wasm code freeing, `Check failed: jit_page.has_value()`).
 */
export const INSPECTOR_PORT_ARGS = ['--inspect-port=127.0.0.1:0'];

export interface AllocationResult {
  /** Requests answered inside the sampling window (the divisor). */
  requests: number;
  /** Of which 2xx. */
  ok: number;
  durationMs: number;
  samplingIntervalBytes: number;
  /** Every node's `selfSize` summed: bytes allocated in the window, objects already collected included. */
  allocatedBytes: number;
  bytesPerRequest: number;
  topSites: AllocationSite[];
  byPackage: HeapProfileSummary['byPackage'];
  /** The raw profile (`--heap-profile`), openable in DevTools' Memory tab. */
  file?: string;
}

const INSPECTOR_LINE = /Debugger listening on ws:\/\/(127\.0\.0\.1:\d+)\//;
/** After the last answer, so work a request leaves behind (a queued event, a socket write) is in the window. */
const SETTLE_MS = 200;

/**
 * Opens the inspector of a process started with {@link INSPECTOR_PORT_ARGS} (SIGUSR1, as `node inspect -p` does)
 * and answers its HTTP origin, which Node prints on stderr. Throws when the process is gone or prints no address.
 */
export async function openInspector(child: LaunchedProcess, timeoutMs = 5_000): Promise<string> {
  const printed = () => INSPECTOR_LINE.exec(child.output())?.[1];
  if (!printed()) {
    if (child.exited) throw new Error(`${child.name} exited before its inspector was opened`);
    process.kill(child.pid, 'SIGUSR1');
  }
  const until = performance.now() + timeoutMs;
  for (;;) {
    const address = printed();
    if (address) return `http://${address}`;
    if (child.exited) throw new Error(`opening the inspector: ${goneReason(child)}`);
    if (performance.now() > until) throw new Error(`${child.name}: no inspector address in its output ${timeoutMs} ms after SIGUSR1`);
    await sleep(20);
  }
}

/** Why a launched process is gone (exit code or signal, and its fatal error), or undefined while it runs. */
export function goneReason(child: LaunchedProcess): string | undefined {
  return child.exited ? `${child.name} exited (${child.exitCode}): ${deathNote(child.output())}` : undefined;
}

/** Why a process died, from its output: V8's or Node's fatal error line if there is one, else its last lines. */
export function deathNote(output: string): string {
  const fatal = /^# ((?:Debug )?[Cc]heck failed: .*)$/m.exec(output) ?? /^(FATAL ERROR: .*)$/m.exec(output);
  if (fatal) return fatal[1].trim();
  return output.trim().split('\n').slice(-5).map((line) => line.trim()).filter(Boolean).join(' ⏎ ').slice(0, 400);
}

/**
 * Connects to the inspector at `origin`, samples the heap (collected objects included) while `settings.requests`
 * blocking requests are sent over `settings.connections`, and sums what was allocated.
 */
export async function measureAllocation(
  origin: string,
  target: HttpTarget,
  body: string,
  settings: BenchPlan['allocation'],
  saveProfileTo?: string,
): Promise<AllocationResult> {
  const session = await InspectorSession.open(origin);
  try {
    await session.call('HeapProfiler.enable');
    await session.call('HeapProfiler.startSampling', {
      samplingInterval: settings.samplingIntervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const startedAt = performance.now();
    // sendRequests counts failures instead of throwing, so sampling always stops here.
    const load = await sendRequests(target, body, settings);
    await sleep(SETTLE_MS);
    const { profile } = (await session.call('HeapProfiler.stopSampling')) as { profile: SamplingHeapProfile };
    const durationMs = Math.round(performance.now() - startedAt);
    await session.call('HeapProfiler.disable');
    if (load.ok === 0) throw new Error(`allocation: not a single successful answer out of ${load.answered}`);
    const summary = summarizeHeapProfile(profile, { top: 25 });
    if (saveProfileTo) writeFileSync(saveProfileTo, JSON.stringify(profile));
    return {
      requests: load.answered,
      ok: load.ok,
      durationMs,
      samplingIntervalBytes: settings.samplingIntervalBytes,
      allocatedBytes: Math.round(summary.totalBytes),
      bytesPerRequest: Math.round(summary.totalBytes / load.answered),
      topSites: summary.topSites,
      byPackage: summary.byPackage,
      file: saveProfileTo,
    };
  } finally {
    session.close();
  }
}

/** Closed loop: `connections` workers send until `requests` are sent or the time limit passes. */
async function sendRequests(target: HttpTarget, body: string, settings: BenchPlan['allocation']): Promise<{ answered: number; ok: number }> {
  const pool = new Pool(target.origin, { connections: settings.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const stopAt = performance.now() + settings.timeLimitMs;
  let sent = 0;
  let answered = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (sent < settings.requests && performance.now() < stopAt) {
      sent += 1;
      try {
        const response = await pool.request({ path: target.path, method: 'POST', headers: target.headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
        await response.body.dump();
        answered += 1;
        if (response.statusCode < 300) ok += 1;
      } catch {
        // not answered: not counted
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: settings.connections }, worker));
  } finally {
    await pool.destroy();
  }
  return { answered, ok };
}

/** A minimal Chrome DevTools Protocol client over Node's global WebSocket. */
class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter) return; // an event
      this.pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
      else waiter.resolve(message.result);
    });
    socket.addEventListener('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('inspector: connection closed'));
      this.pending.clear();
    });
  }

  static async open(origin: string): Promise<InspectorSession> {
    const targets = (await (await fetch(`${origin}/json/list`, { signal: AbortSignal.timeout(5_000) })).json()) as Array<{ webSocketDebuggerUrl?: string }>;
    const url = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
    if (!url) throw new Error(`inspector at ${origin}: no debuggable target in /json/list`);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector at ${url}: no connection within 5 s`)), 5_000);
      socket.addEventListener('open', () => (clearTimeout(timer), resolve()), { once: true });
      socket.addEventListener('error', () => (clearTimeout(timer), reject(new Error(`inspector at ${url}: connection failed`))), { once: true });
    });
    return new InspectorSession(socket);
  }

  call(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: ${method} unanswered after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
