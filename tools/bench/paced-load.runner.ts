import type { CpuBreakdown } from './cpu-breakdown.sampler';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '@tollgate/time';
import { Pool } from 'undici';
import type { HttpTarget } from './bench-targets';
import { summarizeLatencies, type LatencySummary } from './latency-summary';

export interface PacedLoadSettings {
  ratePerSecond: number;
  durationMs: number;
  connections: number;
}

export interface PacedLoadResult {
  ratePerSecond: number;
  /** Requests actually sent per second over the run. */
  achievedRate: number;
  sent: number;
  /** Answers received, whatever their status. */
  answered: number;
  ok: number;
  failed: number;
  statusCodes: Record<string, number>;
  /** Send to last body byte, 2xx answers only. */
  latency: LatencySummary;
  /** CPU of each process over the window, per answered request: every configuration at the same load. */
  cpu?: CpuBreakdown;
}

const IN_FLIGHT_GRACE_MS = 5_000;

/**
 * Open-loop load at a fixed rate: request i is sent at start + i / rate whatever the answers do, so a slow
 * target is not given a breather (no coordinated omission). Latencies are timed with performance.now().
 */
export async function runPacedLoad(target: HttpTarget, body: string, settings: PacedLoadSettings): Promise<PacedLoadResult> {
  const pool = new Pool(target.origin, { connections: settings.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  let failed = 0;

  const send = async (): Promise<void> => {
    const startedAt = performance.now();
    try {
      const response = await pool.request({
        path: target.path,
        method: 'POST',
        headers: target.headers,
        body,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await response.body.arrayBuffer();
      const elapsed = performance.now() - startedAt;
      statusCodes[response.statusCode] = (statusCodes[response.statusCode] ?? 0) + 1;
      if (response.statusCode < 300) latencies.push(elapsed);
      else failed += 1;
    } catch {
      failed += 1;
    }
  };

  const total = Math.floor((settings.ratePerSecond * settings.durationMs) / 1000);
  const intervalMs = 1000 / settings.ratePerSecond;
  const startedAt = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - startedAt) / intervalMs) + 1);
    for (; sent < due; sent++) {
      const request = send();
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await sleep(Math.max(0, startedAt + sent * intervalMs - performance.now()));
  }
  const sendingMs = performance.now() - startedAt;
  await withTimeout(Promise.allSettled([...inFlight]), IN_FLIGHT_GRACE_MS, () => undefined);
  failed += inFlight.size; // still unanswered after the grace: counted as failures
  await pool.destroy();

  return {
    ratePerSecond: settings.ratePerSecond,
    achievedRate: Math.round((sent / sendingMs) * 1000),
    sent,
    answered: Object.values(statusCodes).reduce((sum, count) => sum + count, 0),
    ok: latencies.length,
    failed,
    statusCodes,
    latency: summarizeLatencies(latencies),
  };
}
