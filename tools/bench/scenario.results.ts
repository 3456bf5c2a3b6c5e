import type { ConfigurationName } from './bench-options';
import type { ConcurrentStreamsResult } from './concurrent-streams.runner';
import type { CpuBreakdown } from './cpu-breakdown.sampler';
import type { CpuProfileSummary } from './cpu-profile.summary';
import type { PacedLoadResult } from './paced-load.runner';
import type { RecordingResult } from './recording-lag.tracker';
import type { SaturationResult } from './saturation-load.runner';
import type { StreamTimingResult } from './stream-timing.runner';

/** Everything measured against one target: the mocks directly, or one gateway configuration. */
export interface TargetResults {
  name: 'direct' | ConfigurationName;
  description: string;
  /** Gateway RSS right after start, before any request (configurations only). */
  idleRssBytes?: number;
  latency?: PacedLoadResult;
  saturation?: SaturationResult & { cpu: CpuBreakdown };
  recording?: RecordingResult & { rows?: { interceptions: number; ended: number } };
  streaming?: StreamTimingResult;
  streams?: ConcurrentStreamsResult;
  /** Top self-time functions of the gateway during the saturation window (`--profile`). */
  profile?: CpuProfileSummary & { file: string };
  /** Scenarios that could not run or crashed, with why. */
  errors: string[];
}
