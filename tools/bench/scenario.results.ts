import type { AllocationResult } from './allocation.sampler';
import type { ConfigurationName, PeerName } from './bench-options';
import type { ConcurrentStreamsResult } from './concurrent-streams.runner';
import type { CpuBreakdown } from './cpu-breakdown.sampler';
import type { CpuProfileSummary } from './cpu-profile.summary';
import type { MetricsReadback } from './metrics-readback.comparison';
import type { PacedLoadResult } from './paced-load.runner';
import type { RecordingResult } from './recording-lag.tracker';
import type { RedisScriptCost } from './redis-script.meter';
import type { SaturationResult } from './saturation-load.runner';
import type { SpansPerInterception } from './spans-per-interception';
import type { StreamTimingResult } from './stream-timing.runner';

/** Everything measured against one target: the mocks directly, the floor, a peer gateway, or a configuration. */
export interface TargetResults {
  /** `direct`: the client calls the mocks; `node-proxy`: the bare Node.js proxy floor; a peer; else a configuration. */
  name: 'direct' | 'node-proxy' | PeerName | ConfigurationName;
  description: string;
  /** Proxy RSS right after start, before any request (not for direct calls). */
  idleRssBytes?: number;
  latency?: PacedLoadResult;
  /** `redisScripts`: what Redis spent in Lua scripts during the window (configurations with the queue). */
  saturation?: SaturationResult & { cpu: CpuBreakdown; redisScripts?: RedisScriptCost };
  recording?: RecordingResult & { rows?: { interceptions: number; ended: number } };
  streaming?: StreamTimingResult;
  streams?: ConcurrentStreamsResult;
  /** Top self-time functions of the gateway (and recorder) during the saturation window (`--profile`). */
  profiles?: Array<CpuProfileSummary & { process: string; file: string }>;
  /** Bytes the serving process allocated per request, sampled by its inspector's heap profiler (`--alloc`). */
  allocation?: AllocationResult;
  /** Why the allocation window was asked for and did not measure (the other rows of the column stand). */
  allocationNotMeasured?: string;
  /** The gateway's own `/metrics` after the latency and saturation windows, compared with what the bench measured. */
  metricsReadback?: MetricsReadback;
  /** OTLP spans received per interception served, by service and span name (tracing only). */
  spans?: SpansPerInterception;
  /** Why a peer gateway was not measured at all (could not be installed or started). */
  unavailable?: string;
  /** Scenarios that could not run or crashed, with why. */
  errors: string[];
}
