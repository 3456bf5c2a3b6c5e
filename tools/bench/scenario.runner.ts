import { measureAllocation } from './allocation.sampler';
import type { BenchOptions, ScenarioName } from './bench-options';
import type { BenchPlan } from './bench-plan';
import { CHAT_BODY, STREAM_BODY, type TargetSet } from './bench-targets';
import { runConcurrentStreams } from './concurrent-streams.runner';
import { CpuBreakdownSampler, type Component } from './cpu-breakdown.sampler';
import { runPacedLoad } from './paced-load.runner';
import { trackRecordingDuring } from './recording-lag.tracker';
import type { RecordingProbe } from './recording-progress.probe';
import type { RedisScriptCost } from './redis-script.meter';
import { runSaturation } from './saturation-load.runner';
import { runStreamTiming } from './stream-timing.runner';
import type { TargetResults } from './scenario.results';

export interface ScenarioSubject {
  name: TargetResults['name'];
  description: string;
  targets: TargetSet;
  /** The process that serves the slow streams: its RSS and CPU are what scenario "streams" reports. */
  streamServerPid: number;
  components(): Promise<Component[]>;
  recording?: RecordingProbe;
  countRows?(): Promise<{ interceptions: number; ended: number } | undefined>;
  /** Throws when a process of the subject died. */
  assertAlive(): void;
  /** Starts counting the Redis server's script calls (BullMQ's job scripts), for subjects that use the queue. */
  meterRedisScripts?(): Promise<{ stop(requests: number): Promise<RedisScriptCost | undefined> }>;
  /** Told when the saturation load starts and stops (performance.now()), to place a CPU-profile window. */
  onSaturationWindow?(startedAt: number, endedAt: number): void;
  /** The serving process's inspector (`http://127.0.0.1:PORT`): the allocation window runs when it is given. */
  inspectorOrigin?: string;
  /** Where to keep the raw heap profile of the allocation window (`--heap-profile`). */
  heapProfileFile?: string;
}

type RunOptions = Extract<BenchOptions, { command: 'run' }>;

/** Runs the selected scenarios against one subject, in order; a failing scenario is recorded and the next one runs. */
export async function runScenarios(subject: ScenarioSubject, options: RunOptions, plan: BenchPlan, log: (line: string) => void): Promise<TargetResults> {
  const results: TargetResults = { name: subject.name, description: subject.description, errors: [] };
  const selected = (name: ScenarioName) => options.scenarios.includes(name);
  const step = async (name: string, work: () => Promise<void>): Promise<void> => {
    const startedAt = performance.now();
    log(`  ${subject.name}: ${name}…`);
    try {
      await work();
      subject.assertAlive();
    } catch (error) {
      results.errors.push(`${name}: ${(error as Error).message}`);
      log(`  ${subject.name}: ${name} FAILED: ${(error as Error).message}`);
      return;
    }
    log(`  ${subject.name}: ${name} done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  };
  const { fast, paced, slow } = subject.targets;

  // Streams first: the RSS the concurrent streams add is then measured from a gateway that has served little else.
  if (selected('streams') || selected('streaming')) {
    await step('stream warm-up', async () => {
      await runStreamTiming(paced, STREAM_BODY, plan.streamWarmup);
    });
  }
  if (selected('streams')) {
    await step('streams', async () => {
      results.streams = await runConcurrentStreams(slow, STREAM_BODY, subject.streamServerPid, plan.streams);
      requireSuccess('streams', results.streams.completed);
    });
  }
  if (selected('latency') || selected('saturation') || selected('recorder')) {
    await step('warm-up', async () => {
      await runSaturation(fast, CHAT_BODY, plan.warmup);
    });
  }
  if (selected('latency')) {
    await step('latency', async () => {
      results.latency = await runPacedLoad(fast, CHAT_BODY, plan.latency);
      requireSuccess('latency', results.latency.ok);
    });
  }
  if (selected('saturation') || selected('recorder')) {
    await step('saturation', async () => {
      const components = await subject.components();
      const load = async () => {
        const scripts = await subject.meterRedisScripts?.();
        const cpu = new CpuBreakdownSampler(components);
        const startedAt = performance.now();
        const saturation = await runSaturation(fast, CHAT_BODY, plan.saturation);
        subject.onSaturationWindow?.(startedAt, performance.now());
        const breakdown = cpu.stop(saturation.ok); // before the Redis round trip below, which is not part of the load
        return { ...saturation, cpu: breakdown, redisScripts: await scripts?.stop(saturation.ok) };
      };
      if (selected('recorder') && subject.recording) {
        const tracked = await trackRecordingDuring(subject.recording, plan.recorder, load);
        results.saturation = tracked.load;
        results.recording = { ...tracked.recording, rows: await subject.countRows?.() };
      } else {
        results.saturation = await load();
      }
      requireSuccess('saturation', results.saturation.ok);
    });
  }
  if (selected('streaming')) {
    await step('streaming', async () => {
      results.streaming = await runStreamTiming(paced, STREAM_BODY, plan.streaming);
      requireSuccess('streaming', results.streaming.streams);
    });
  }
  // Last, on a warm process: the heap profiler slows it down, so no other scenario shares its window.
  const inspectorOrigin = subject.inspectorOrigin;
  if (options.alloc && inspectorOrigin) {
    await step('allocation', async () => {
      const warmedUp = selected('latency') || selected('saturation') || selected('recorder');
      if (!warmedUp) await runSaturation(fast, CHAT_BODY, plan.warmup);
      results.allocation = await measureAllocation(inspectorOrigin, fast, CHAT_BODY, plan.allocation, subject.heapProfileFile);
    });
  }
  return results;
}

function requireSuccess(scenario: string, successes: number): void {
  if (successes === 0) throw new Error(`${scenario}: not a single successful answer`);
}
