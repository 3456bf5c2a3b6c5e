import type { TargetResults } from './scenario.results';

/** One stated performance target and whether this run met it (null: not measured in this run). */
export interface TargetCheck {
  configuration: string;
  target: string;
  measured: number | null;
  unit: string;
  met: boolean | null;
}

const MIB = 1024 * 1024;
const KIB = 1024;

/** The targets of the benchmark issue, checked against a run. Never fails the run: the report states them. */
export function evaluateTargets(direct: TargetResults, configurations: readonly TargetResults[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (configuration: string, target: string, measured: number | undefined, unit: string, ok: (value: number) => boolean) => {
    const known = measured !== undefined && Number.isFinite(measured);
    checks.push({ configuration, target, measured: known ? measured : null, unit, met: known ? ok(measured) : null });
  };
  for (const config of configurations) {
    const name = config.name;
    const minimumRate = name === 'redis' ? 8_000 : name === 'tracing' ? 6_000 : undefined;
    if (minimumRate !== undefined) {
      check(name, `saturation ≥ ${minimumRate} req/s`, config.saturation?.requestsPerSecond, 'req/s', (value) => value >= minimumRate);
    }
    check(name, 'added latency p50 ≤ 0.5 ms', difference(config.latency?.latency.p50, direct.latency?.latency.p50), 'ms', (value) => value <= 0.5);
    check(name, 'added latency p99 ≤ 3 ms', difference(config.latency?.latency.p99, direct.latency?.latency.p99), 'ms', (value) => value <= 3);
    check(name, 'streaming first byte added p99 ≤ 1 ms', difference(config.streaming?.firstByte.p99, direct.streaming?.firstByte.p99), 'ms', (value) => value <= 1);
    check(name, 'no per-chunk buffering (reads per stream ≥ 90% of direct)', ratio(config.streaming?.readsPerStream, direct.streaming?.readsPerStream), 'ratio', (value) => value >= 0.9);
    check(name, 'idle RSS ≤ 120 MB', mib(config.idleRssBytes), 'MiB', (value) => value <= 120);
    const streams = config.streams;
    check(name, 'every concurrent stream open at once', streams?.maxOpen, 'streams', (value) => value === streams?.requested);
    check(name, 'RSS ≤ 50 KB per concurrent stream', kib(streams?.server.rssPerStreamBytes), 'KiB', (value) => value <= 50);
    const recording = config.recording;
    check(name, 'recorder keeps up under saturation (commits ≥ 95% of produced rate, backlog drains)',
      recording ? recording.committedPerSecond / Math.max(1, recording.producedPerSecond) : undefined, 'ratio',
      (value) => value >= 0.95 && recording?.drainedAfterMs !== null);
  }
  return checks;
}

function difference(value: number | undefined, baseline: number | undefined): number | undefined {
  return value === undefined || baseline === undefined ? undefined : Math.round((value - baseline) * 1000) / 1000;
}

function ratio(value: number | undefined, baseline: number | undefined): number | undefined {
  return value === undefined || !baseline ? undefined : Math.round((value / baseline) * 100) / 100;
}

function mib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : Math.round((bytes / MIB) * 10) / 10;
}

function kib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : Math.round((bytes / KIB) * 10) / 10;
}
