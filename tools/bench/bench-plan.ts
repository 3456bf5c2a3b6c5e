/** How long and how hard each scenario runs. Every loop of the benchmark is bounded by these numbers. */
export interface BenchPlan {
  /** Hard limit for the whole run: past it every child is killed and the run fails. */
  deadlineMs: number;
  /** Closed-loop warm-up before measuring a target (JIT, connection pools). */
  warmup: { connections: number; durationMs: number };
  latency: { ratePerSecond: number; durationMs: number; connections: number };
  saturation: { connections: number; durationMs: number };
  streaming: { chunks: number; chunkDelayMs: number; concurrency: number; durationMs: number };
  streams: { count: number; chunks: number; chunkDelayMs: number; openWithinMs: number };
  recorder: { sampleEveryMs: number; drainTimeoutMs: number };
}

export const FULL_PLAN: BenchPlan = {
  deadlineMs: 345_000,
  warmup: { connections: 16, durationMs: 2_000 },
  latency: { ratePerSecond: 300, durationMs: 8_000, connections: 16 },
  saturation: { connections: 64, durationMs: 10_000 },
  streaming: { chunks: 200, chunkDelayMs: 1, concurrency: 4, durationMs: 5_000 },
  // 200 chunks 40 ms apart: each stream lasts ~8 s, long enough to hold all of them open together.
  streams: { count: 1_000, chunks: 200, chunkDelayMs: 40, openWithinMs: 5_000 },
  recorder: { sampleEveryMs: 500, drainTimeoutMs: 30_000 },
};

export const SMOKE_PLAN: BenchPlan = {
  deadlineMs: 55_000,
  warmup: { connections: 4, durationMs: 200 },
  latency: { ratePerSecond: 100, durationMs: 1_000, connections: 4 },
  saturation: { connections: 16, durationMs: 1_000 },
  streaming: { chunks: 200, chunkDelayMs: 1, concurrency: 2, durationMs: 1_000 },
  streams: { count: 100, chunks: 20, chunkDelayMs: 25, openWithinMs: 2_000 },
  recorder: { sampleEveryMs: 250, drainTimeoutMs: 5_000 },
};
