import autocannon from 'autocannon';
import type { HttpTarget } from './bench-targets';
import { summarizeLatencies, type LatencySummary } from './latency-summary';

export interface SaturationSettings {
  connections: number;
  durationMs: number;
}

export interface SaturationResult {
  connections: number;
  durationSeconds: number;
  /**
   * Requests written, answered or not: autocannon drops the connections at the end of its duration, so up to one
   * request per connection is sent and never answered (the server may still serve it).
   */
  sent: number;
  /** 2xx answers per second. */
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Send to last byte of each 2xx answer, timed by autocannon in fractional milliseconds. */
  latency: LatencySummary;
}

/** Closed-loop load with autocannon: `connections` keep-alive connections, each sending its next request at once. */
export function runSaturation(target: HttpTarget, body: string, settings: SaturationSettings): Promise<SaturationResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.origin}${target.path}`,
        method: 'POST',
        headers: target.headers,
        body,
        connections: settings.connections,
        pipelining: 1,
        duration: settings.durationMs / 1000,
        timeout: 10,
        // autocannon checks its duration on this tick; the default (1 s) would stretch sub-second runs.
        sampleInt: 100,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          connections: settings.connections,
          durationSeconds: result.duration,
          sent: result.requests.sent,
          requestsPerSecond: Math.round(result['2xx'] / result.duration),
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
          latency: summarizeLatencies(latencies),
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      if (statusCode < 300) latencies.push(responseTimeMs);
    });
  });
}
