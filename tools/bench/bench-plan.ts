/** How long and how hard each scenario runs. Every loop of the benchmark is bounded by these numbers. */
export interface BenchPlan {
  /** Hard limit for the whole run: past it every child is killed and the run fails. */
  deadlineMs: number;
  /** Closed-loop warm-up before measuring a target (JIT, connection pools). */
  warmup: { connections: number; durationMs: number };
  /** Paced streams read before the streaming scenarios, so the stream path is compiled before it is measured. */
  streamWarmup: { concurrency: number; durationMs: number };
  latency: { ratePerSecond: number; durationMs: number; connections: number };
  saturation: { connections: number; durationMs: number };
  streaming: { chunks: number; chunkDelayMs: number; concurrency: number; durationMs: number };
  /** `count` streams opened `rampBatch` at a time every `rampPauseMs`, each trickling `chunks` chunks `chunkDelayMs` apart. */
  streams: { count: number; chunks: number; chunkDelayMs: number; rampBatch: number; rampPauseMs: number; openWithinMs: number };
  recorder: { sampleEveryMs: number; drainTimeoutMs: number };
  /**
   * The allocation window (`--alloc`), after the other scenarios: `requests` blocking requests over `connections`,
   * sampled by the heap profiler every `samplingIntervalBytes`; no request is sent after `timeLimitMs`.
   */
  allocation: { requests: number; connections: number; samplingIntervalBytes: number; timeLimitMs: number };
}

export const FULL_PLAN: BenchPlan = {
  deadlineMs: 450_000,
  warmup: { connections: 16, durationMs: 2_000 },
  streamWarmup: { concurrency: 8, durationMs: 1_500 },
  latency: { ratePerSecond: 300, durationMs: 8_000, connections: 16 },
  saturation: { connections: 64, durationMs: 10_000 },
  streaming: { chunks: 200, chunkDelayMs: 1, concurrency: 4, durationMs: 5_000 },
  // Slow streams: a chunk every 100 ms for 10 s; opened over 2 s, so all are open together for about 8 s.
  streams: { count: 1_000, chunks: 100, chunkDelayMs: 100, rampBatch: 50, rampPauseMs: 100, openWithinMs: 8_000 },
  recorder: { sampleEveryMs: 500, drainTimeoutMs: 30_000 },
  allocation: { requests: 3_000, connections: 16, samplingIntervalBytes: 8_192, timeLimitMs: 15_000 },
};

export const SMOKE_PLAN: BenchPlan = {
  // A guard against hangs, not the expected time (about 40 s on a quiet box; twice that when others load it).
  deadlineMs: 150_000,
  warmup: { connections: 4, durationMs: 200 },
  streamWarmup: { concurrency: 2, durationMs: 300 },
  latency: { ratePerSecond: 100, durationMs: 600, connections: 4 },
  saturation: { connections: 16, durationMs: 800 },
  streaming: { chunks: 200, chunkDelayMs: 1, concurrency: 2, durationMs: 600 },
  streams: { count: 100, chunks: 20, chunkDelayMs: 50, rampBatch: 50, rampPauseMs: 50, openWithinMs: 800 },
  recorder: { sampleEveryMs: 200, drainTimeoutMs: 5_000 },
  allocation: { requests: 100, connections: 4, samplingIntervalBytes: 8_192, timeLimitMs: 2_000 },
};
