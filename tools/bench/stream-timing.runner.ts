import { Pool } from 'undici';
import type { HttpTarget } from './bench-targets';
import { summarizeLatencies, type LatencySummary } from './latency-summary';

export interface StreamTimingSettings {
  concurrency: number;
  durationMs: number;
}

export interface StreamTimingResult {
  streams: number;
  failed: number;
  /** Request sent → first body byte. */
  firstByte: LatencySummary;
  /** Time between two consecutive body reads of one stream. */
  chunkGap: LatencySummary;
  /** Body reads per stream (mean): equal to the direct call's when nothing is buffered on the way. */
  readsPerStream: number;
  bytesPerStream: number;
  /** Request sent → last body byte. */
  streamDuration: LatencySummary;
}

/** `concurrency` clients each reading one SSE stream after another for `durationMs`, timing every body read. */
export async function runStreamTiming(target: HttpTarget, body: string, settings: StreamTimingSettings): Promise<StreamTimingResult> {
  const pool = new Pool(target.origin, { connections: settings.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const firstBytes: number[] = [];
  const gaps: number[] = [];
  const durations: number[] = [];
  let reads = 0;
  let bytes = 0;
  let failed = 0;
  const endAt = performance.now() + settings.durationMs;

  const readOne = async (): Promise<void> => {
    const startedAt = performance.now();
    const response = await pool.request({
      path: target.path,
      method: 'POST',
      headers: target.headers,
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    if (response.statusCode >= 300) {
      await response.body.dump();
      throw new Error(`status ${response.statusCode}`);
    }
    const streamGaps: number[] = [];
    let firstByte: number | undefined;
    let lastReadAt = 0;
    let streamReads = 0;
    let streamBytes = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      const now = performance.now();
      if (firstByte === undefined) firstByte = now - startedAt;
      else streamGaps.push(now - lastReadAt);
      lastReadAt = now;
      streamReads += 1;
      streamBytes += chunk.length;
    }
    if (firstByte === undefined) throw new Error('empty stream');
    firstBytes.push(firstByte);
    gaps.push(...streamGaps);
    durations.push(lastReadAt - startedAt);
    reads += streamReads;
    bytes += streamBytes;
  };

  const client = async (): Promise<void> => {
    while (performance.now() < endAt) {
      try {
        await readOne();
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, client));
  await pool.destroy();

  const streams = firstBytes.length;
  return {
    streams,
    failed,
    firstByte: summarizeLatencies(firstBytes),
    chunkGap: summarizeLatencies(gaps),
    readsPerStream: streams === 0 ? 0 : Math.round((reads / streams) * 10) / 10,
    bytesPerStream: streams === 0 ? 0 : Math.round(bytes / streams),
    streamDuration: summarizeLatencies(durations),
  };
}
