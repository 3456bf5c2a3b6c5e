import { setTimeout as sleep } from 'node:timers/promises';
import { measureAllocation } from './allocation.sampler';
import type { BenchOptions, ScenarioName } from './bench-options';
import type { BenchPlan } from './bench-plan';
import { CHAT_BODY, STREAM_BODY, type TargetSet } from './bench-targets';
import { runConcurrentStreams } from './concurrent-streams.runner';
import { CpuBreakdownSampler, type Component } from './cpu-breakdown.sampler';
import { compareReadback, READBACK_ROUTE, summarizeReadback, type ReadbackWindow, type WindowAnswers } from './metrics-readback.comparison';
import { runPacedLoad } from './paced-load.runner';
import { metricValue, type MetricSample } from './prometheus-text.parser';
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
  /** Opens the serving process's inspector and answers its origin (`http://127.0.0.1:PORT`), for the allocation window. */
  openInspector?(): Promise<string>;
  /** Why the serving process is gone (its exit and fatal error), or undefined while it runs. */
  gone?(): string | undefined;
  /** Where to keep the raw heap profile of the allocation window (`--heap-profile`). */
  heapProfileFile?: string;
  /** A Tollgate gateway's `/metrics`, read back after the latency and saturation windows. */
  readback?: {
    scrape(): Promise<MetricSample[]>;
    outputTokensPerAnswer: number;
  };
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
  const readbackWindows: ReadbackWindow[] = [];
  const notRead: string[] = [];
  /** A scrape before a window; undefined (and noted) when it failed, so the window runs without its read-back. */
  const readbackBaseline = async (window: WindowAnswers['window']) => {
    if (!subject.readback) return undefined;
    return settledScrape(subject.readback.scrape).catch((error: unknown) => void notRead.push(`${window}: ${(error as Error).message}`));
  };
  const readBack = async (before: MetricSample[] | undefined, answers: WindowAnswers) => {
    if (!subject.readback || !before) return;
    try {
      const after = await settledScrape(subject.readback.scrape);
      const compared = compareReadback(before, after, answers, { outputTokensPerAnswer: subject.readback.outputTokensPerAnswer });
      readbackWindows.push(compared);
      log(`  ${subject.name}: /metrics read-back of ${answers.window}: ${compared.agree ? 'agrees' : `DISAGREES: ${compared.disagreements.join('; ')}`}`);
    } catch (error) {
      notRead.push(`${answers.window}: ${(error as Error).message}`);
    }
  };

  if (selected('latency')) {
    await step('latency', async () => {
      const before = await readbackBaseline('latency');
      const cpu = new CpuBreakdownSampler(await subject.components());
      const paced = await runPacedLoad(fast, CHAT_BODY, plan.latency);
      const latency = { ...paced, cpu: cpu.stop(paced.ok) };
      results.latency = latency;
      requireSuccess('latency', latency.ok);
      await readBack(before, { window: 'latency', sent: latency.sent, answered: latency.answered, ok: latency.ok, p50Ms: latency.latency.p50 });
    });
  }
  if (selected('saturation') || selected('recorder')) {
    await step('saturation', async () => {
      const before = await readbackBaseline('saturation');
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
      const saturation = results.saturation;
      requireSuccess('saturation', saturation.ok);
      await readBack(before, { window: 'saturation', sent: saturation.sent, answered: saturation.ok + saturation.non2xx, ok: saturation.ok, p50Ms: saturation.latency.p50 });
    });
  }
  if (subject.readback && (readbackWindows.length > 0 || notRead.length > 0)) results.metricsReadback = summarizeReadback(readbackWindows, notRead);
  if (selected('streaming')) {
    await step('streaming', async () => {
      results.streaming = await runStreamTiming(paced, STREAM_BODY, plan.streaming);
      requireSuccess('streaming', results.streaming.streams);
    });
  }
  // Last, on a warm process: the heap profiler slows it down, so no other scenario shares its window. Whatever goes
  // wrong here costs only the allocation row: the process dying in this window (the inspector is open only now) is
  // reported as "not measured" with why, and the scenarios above keep their numbers.
  const openInspector = subject.openInspector;
  if (options.alloc && openInspector) {
    const startedAt = performance.now();
    log(`  ${subject.name}: allocation…`);
    try {
      const warmedUp = selected('latency') || selected('saturation') || selected('recorder');
      if (!warmedUp) await runSaturation(fast, CHAT_BODY, plan.warmup);
      const origin = await openInspector();
      results.allocation = await measureAllocation(origin, fast, CHAT_BODY, plan.allocation, subject.heapProfileFile);
      const gone = subject.gone?.();
      if (gone) throw new Error(gone);
      log(`  ${subject.name}: allocation done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    } catch (error) {
      const gone = subject.gone?.();
      results.allocation = undefined;
      results.allocationNotMeasured = gone ? `the process died in the allocation window (${gone})` : (error as Error).message;
      log(`  ${subject.name}: allocation not measured: ${results.allocationNotMeasured}`);
    }
  }
  return results;
}

const SETTLE_MS = 100;
const SETTLE_TRIES = 20;

/**
 * A scrape once the gateway's request count stands still for {@link SETTLE_MS}: requests of the load before (a
 * warm-up's last ones, still in flight when autocannon stopped) are counted before a window starts, and the
 * window's own stragglers before it ends.
 */
async function settledScrape(scrape: () => Promise<MetricSample[]>): Promise<MetricSample[]> {
  const count = (samples: MetricSample[]) => metricValue(samples, 'tollgate_request_duration_seconds_count', { route: READBACK_ROUTE });
  let previous = await scrape();
  for (let tries = 0; tries < SETTLE_TRIES; tries++) {
    await sleep(SETTLE_MS);
    const next = await scrape();
    if (count(next) === count(previous)) return next;
    previous = next;
  }
  return previous;
}

function requireSuccess(scenario: string, successes: number): void {
  if (successes === 0) throw new Error(`${scenario}: not a single successful answer`);
}
