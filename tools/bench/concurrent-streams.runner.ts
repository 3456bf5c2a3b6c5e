import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '@tollgate/time';
import { Pool } from 'undici';
import type { HttpTarget } from './bench-targets';
import { summarizeLatencies, type LatencySummary } from './latency-summary';
import { readProcessSample, type ProcessSample } from './process-usage.reader';

export interface ConcurrentStreamsSettings {
  count: number;
  chunks: number;
  chunkDelayMs: number;
  rampBatch: number;
  rampPauseMs: number;
  /** Give up waiting for every stream to be open after this long; the hold window then starts anyway. */
  openWithinMs: number;
}

export interface ConcurrentStreamsResult {
  requested: number;
  completed: number;
  failed: number;
  /** Most streams that had their first byte and had not ended, at once. */
  maxOpen: number;
  /** From the first request until every stream had its first byte; null if that never happened. */
  allOpenAfterMs: number | null;
  firstByte: LatencySummary;
  /** The serving process (the gateway, or the mock for the direct call). */
  server: {
    rssBeforeBytes: number;
    /** Median RSS while the most streams were open. */
    rssOpenBytes: number;
    rssPeakBytes: number;
    /** (open − before) / streams open. */
    rssPerStreamBytes: number;
    /** CPU of the serving process while holding the streams, in % of one core. */
    cpuPercent: number;
    /** That CPU time per chunk relayed (each open stream gets one chunk every `chunkDelayMs`). */
    cpuMicrosPerChunk: number;
    holdWindowMs: number;
  };
}

const SAMPLE_EVERY_MS = 100;

interface TimedSample {
  at: number;
  sample: ProcessSample | undefined;
}

function timedSample(pid: number): TimedSample {
  return { at: performance.now(), sample: readProcessSample(pid) };
}

/**
 * Opens `count` streams at once (in quick batches), holds them while they trickle, and reads the serving process's
 * RSS and CPU from /proc between the moment all are open and the moment the first one ends.
 */
export async function runConcurrentStreams(
  target: HttpTarget,
  body: string,
  serverPid: number,
  settings: ConcurrentStreamsSettings,
): Promise<ConcurrentStreamsResult> {
  const before = readProcessSample(serverPid);
  const pool = new Pool(target.origin, { connections: settings.count, pipelining: 1, keepAliveTimeout: 5_000 });
  const firstBytes: number[] = [];
  let open = 0;
  let maxOpen = 0;
  let completed = 0;
  let failed = 0;
  let allOpenAt: number | undefined;
  let firstEndAt: number | undefined;
  const startedAt = performance.now();
  const streamMs = settings.chunks * settings.chunkDelayMs;
  const timeoutMs = streamMs + settings.openWithinMs + 10_000;

  const stream = async (): Promise<void> => {
    const sentAt = performance.now();
    let counted = false;
    try {
      const response = await pool.request({
        path: target.path,
        method: 'POST',
        headers: target.headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (response.statusCode >= 300) {
        await response.body.dump();
        throw new Error(`status ${response.statusCode}`);
      }
      for await (const _chunk of response.body) {
        if (counted) continue;
        counted = true;
        firstBytes.push(performance.now() - sentAt);
        open += 1;
        maxOpen = Math.max(maxOpen, open);
        if (open === settings.count) allOpenAt = performance.now();
      }
      completed += 1;
    } catch {
      failed += 1;
    } finally {
      if (counted) open -= 1;
      firstEndAt ??= performance.now();
    }
  };

  const streams: Array<Promise<void>> = [];
  for (let launched = 0; launched < settings.count; launched += settings.rampBatch) {
    for (let i = launched; i < Math.min(settings.count, launched + settings.rampBatch); i++) streams.push(stream());
    await sleep(settings.rampPauseMs);
  }

  // Wait for all streams to be open (or the limit), then sample until the first one ends.
  const openDeadline = startedAt + settings.openWithinMs;
  while (allOpenAt === undefined && firstEndAt === undefined && performance.now() < openDeadline) await sleep(SAMPLE_EVERY_MS / 4);
  const holdStart = timedSample(serverPid);
  const samples: TimedSample[] = [holdStart];
  while (firstEndAt === undefined && performance.now() - holdStart.at < streamMs) {
    await sleep(SAMPLE_EVERY_MS);
    const sample = timedSample(serverPid);
    if (firstEndAt === undefined) samples.push(sample);
  }
  const holdEnd = samples.at(-1)!;
  await withTimeout(Promise.allSettled(streams), timeoutMs, () => undefined);
  await pool.destroy();

  const rssValues = samples.flatMap(({ sample }) => (sample ? [sample.rssBytes] : [])).sort((a, b) => a - b);
  const rssOpen = rssValues.length > 0 ? rssValues[Math.floor(rssValues.length / 2)] : Number.NaN;
  const rssBefore = before?.rssBytes ?? Number.NaN;
  const holdMs = holdEnd.at - holdStart.at;
  const cpuSeconds = holdEnd.sample && holdStart.sample ? holdEnd.sample.cpuSeconds - holdStart.sample.cpuSeconds : Number.NaN;
  return {
    requested: settings.count,
    completed,
    failed,
    maxOpen,
    allOpenAfterMs: allOpenAt === undefined ? null : Math.round(allOpenAt - startedAt),
    firstByte: summarizeLatencies(firstBytes),
    server: {
      rssBeforeBytes: rssBefore,
      rssOpenBytes: rssOpen,
      rssPeakBytes: rssValues.at(-1) ?? Number.NaN,
      rssPerStreamBytes: maxOpen > 0 ? Math.round((rssOpen - rssBefore) / maxOpen) : Number.NaN,
      cpuPercent: holdMs > 0 ? Math.round((cpuSeconds / (holdMs / 1000)) * 1000) / 10 : Number.NaN,
      cpuMicrosPerChunk: holdMs > 0 && maxOpen > 0 ? Math.round((cpuSeconds * 1e6) / ((maxOpen * holdMs) / settings.chunkDelayMs)) : Number.NaN,
      holdWindowMs: Math.round(holdMs),
    },
  };
}
