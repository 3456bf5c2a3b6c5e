import { PEERS, type ConfigurationName } from './bench-options';
import type { TargetResults } from './scenario.results';

/** One stated performance target and whether this run met it (null: not measured in this run). */
export interface TargetCheck {
  configuration: string;
  /** What is compared, and the bound: `saturation req/s ≥ 0.5 × node-proxy's`. */
  target: string;
  /** The value held against the bound (a ratio for relative targets); null when an input is missing. */
  measured: number | null;
  unit: string;
  met: boolean | null;
  /** The figures of this run the value comes from, or why it could not be computed. */
  basis: string;
}

/** Everything one run measured: the targets are ratios between its columns, never absolute rates. */
export interface RunColumns {
  direct: TargetResults;
  /** The bare Node.js proxy (`--no-floor` leaves it out). */
  floor?: TargetResults;
  peers?: readonly TargetResults[];
  configurations: readonly TargetResults[];
}

/** Saturation req/s of a configuration as a share of the bare proxy's, at least. */
const SATURATION_SHARE_OF_FLOOR: Record<ConfigurationName, number> = { redis: 0.5, limits: 0.5, tracing: 0.35, embedded: 0.4 };
/** Gateway CPU per request against the bare proxy's (redis, embedded) or the redis gateway's (tracing), at most. */
const CPU_PER_REQUEST_OVER_FLOOR = 2.5;
const TRACING_CPU_OVER_REDIS = 1.35;
const ALLOCATION_PER_REQUEST_KIB = 40;
const REDIS_MICROS_PER_INTERCEPTION = 30;
const RECORDER_AND_POSTGRES_MICROS_PER_INTERCEPTION = 120;
const RECORDING_LAG_P99_SECONDS = 1;
/** Added latency at the fixed rate (ms), for the configurations the issue states it for. */
const ADDED_LATENCY_MS: Partial<Record<ConfigurationName, { p50: number; p99: number }>> = {
  redis: { p50: 0.5, p99: 3 },
  embedded: { p50: 1, p99: 5 },
};
const STREAM_FIRST_BYTE_ADDED_P99_MS = 1.5;
const BURST_FIRST_BYTE_P99_OVER_FLOOR = 2;
const STANDALONE_IDLE_RSS_MIB = 110;
const STANDALONE_RSS_PER_STREAM_KIB = 60;
const ALL_IN_ONE_IDLE_RSS_MIB = 300;

/** The process that serves the requests in each configuration: the standalone gateway, or the all-in-one. */
const SERVING_PROCESS: Record<ConfigurationName, string> = { redis: 'gateway', limits: 'gateway', tracing: 'gateway', embedded: 'tollgate' };
const FLOOR = 'node-proxy';

type Figure = { value: number; label: string } | { missing: string };

/**
 * The targets of the performance issue, checked against one run. Relative targets compare columns of the same run
 * (the host's speed changes from one hour to the next; ratios between processes measured together do not). Never
 * fails the run: the report states them.
 */
export function evaluateTargets(run: RunColumns): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const configurations = run.configurations;
  for (const config of configurations) {
    const name = config.name as ConfigurationName;
    const serving = SERVING_PROCESS[name];
    const servingLabel = name === 'embedded' ? 'all-in-one process' : 'gateway';
    const add = (check: Omit<TargetCheck, 'configuration'>) => checks.push({ configuration: name, ...check });

    // Throughput and CPU, against the bare proxy of the same run (tracing's CPU against the redis gateway's).
    add(atLeastShare(`saturation req/s ≥ ${SATURATION_SHARE_OF_FLOOR[name]} × ${FLOOR}'s`, SATURATION_SHARE_OF_FLOOR[name],
      saturationRate(config), saturationRate(run.floor, FLOOR), FLOOR));
    // CPU per request falls with the request rate (more work per event-loop turn), and at saturation every column
    // runs at its own rate: compared at saturation and at the fixed rate, where all carry the same load.
    for (const window of ['saturation', 'latency'] as const) {
      const where = window === 'saturation' ? 'at saturation' : 'at the fixed rate';
      if (name === 'tracing') {
        const redis = configurations.find((other) => other.name === 'redis');
        add(atMostShare(`gateway CPU µs per request ${where} ≤ ${TRACING_CPU_OVER_REDIS} × the redis configuration's gateway`, TRACING_CPU_OVER_REDIS,
          cpuPerRequest(config, serving, window), redis ? cpuPerRequest(redis, 'gateway', window) : { missing: 'the redis configuration is not in this run' }, 'redis'));
      } else {
        add(atMostShare(`${servingLabel} CPU µs per request ${where} ≤ ${CPU_PER_REQUEST_OVER_FLOOR} × ${FLOOR}'s`, CPU_PER_REQUEST_OVER_FLOOR,
          cpuPerRequest(config, serving, window), cpuPerRequest(run.floor, FLOOR, window), FLOOR));
      }
    }
    add(atMost(`${servingLabel} allocated per request ≤ ${ALLOCATION_PER_REQUEST_KIB} KiB`, ALLOCATION_PER_REQUEST_KIB, 'KiB', allocationKib(config)));

    // The recording pipeline: Redis and recorder + Postgres per interception (redis only); keeping up (every
    // configuration), with the lag histogram only a recorder process has (redis, tracing).
    if (name === 'redis') {
      add(atMost(`Redis server CPU per interception ≤ ${REDIS_MICROS_PER_INTERCEPTION} µs (saturation window)`, REDIS_MICROS_PER_INTERCEPTION, 'µs',
        cpuSum(config, ['redis-server'])));
      add(atMost(`recorder + Postgres CPU per interception ≤ ${RECORDER_AND_POSTGRES_MICROS_PER_INTERCEPTION} µs (saturation window)`,
        RECORDER_AND_POSTGRES_MICROS_PER_INTERCEPTION, 'µs', cpuSum(config, ['recorder', 'postgres'])));
    }
    add(recorderKeepsUp(config));
    if (name !== 'embedded') add(recordingLag(config));

    // Latency added to the direct call.
    const latency = ADDED_LATENCY_MS[name];
    if (latency) {
      add(atMost(`added latency p50 ≤ ${latency.p50} ms at ${rateOf(run.direct)}`, latency.p50, 'ms',
        added(config.latency?.latency.p50, run.direct.latency?.latency.p50, name, 'latency scenario')));
      add(atMost(`added latency p99 ≤ ${latency.p99} ms at ${rateOf(run.direct)}`, latency.p99, 'ms',
        added(config.latency?.latency.p99, run.direct.latency?.latency.p99, name, 'latency scenario')));
    }
    add(atMost(`stream first byte added p99 ≤ ${STREAM_FIRST_BYTE_ADDED_P99_MS} ms`, STREAM_FIRST_BYTE_ADDED_P99_MS, 'ms',
      added(config.streaming?.firstByte.p99, run.direct.streaming?.firstByte.p99, name, 'streaming scenario')));
    add(atMostShare(`first byte p99 in the 1,000-stream burst ≤ ${BURST_FIRST_BYTE_P99_OVER_FLOOR} × ${FLOOR}'s`, BURST_FIRST_BYTE_P99_OVER_FLOOR,
      burstFirstByte(config, 'p99'), burstFirstByte(run.floor, 'p99', FLOOR), FLOOR));

    // Memory.
    if (name === 'embedded') {
      add(atMost(`all-in-one idle RSS ≤ ${ALL_IN_ONE_IDLE_RSS_MIB} MiB`, ALL_IN_ONE_IDLE_RSS_MIB, 'MiB', idleRssMib(config)));
    } else {
      add(atMost(`standalone gateway idle RSS ≤ ${STANDALONE_IDLE_RSS_MIB} MiB`, STANDALONE_IDLE_RSS_MIB, 'MiB', idleRssMib(config)));
      add(atMost(`standalone gateway RSS per open stream ≤ ${STANDALONE_RSS_PER_STREAM_KIB} KiB`, STANDALONE_RSS_PER_STREAM_KIB, 'KiB',
        rssPerStreamKib(config)));
    }

    // Ahead of every peer on each throughput and latency row.
    for (const peerName of PEERS) {
      const peer = run.peers?.find((candidate) => candidate.name === peerName);
      for (const row of PEER_ROWS) add(againstPeer(row, config, peer, peerName));
    }
  }
  return checks;
}

interface PeerRow {
  label: string;
  unit: string;
  higherIsBetter: boolean;
  read(target: TargetResults): number | undefined;
}

/** The rows of the results table a configuration must beat a peer on (one target each). */
const PEER_ROWS: readonly PeerRow[] = [
  { label: 'saturation req/s', unit: 'req/s', higherIsBetter: true, read: (t) => t.saturation?.requestsPerSecond },
  { label: 'latency p50 at the fixed rate', unit: 'ms', higherIsBetter: false, read: (t) => t.latency?.latency.p50 },
  { label: 'latency p99 at the fixed rate', unit: 'ms', higherIsBetter: false, read: (t) => t.latency?.latency.p99 },
  { label: 'stream first byte p50', unit: 'ms', higherIsBetter: false, read: (t) => t.streaming?.firstByte.p50 },
  { label: 'stream first byte p99', unit: 'ms', higherIsBetter: false, read: (t) => t.streaming?.firstByte.p99 },
  { label: 'first byte p50 in the 1,000-stream burst', unit: 'ms', higherIsBetter: false, read: (t) => t.streams?.firstByte.p50 },
  { label: 'first byte p99 in the 1,000-stream burst', unit: 'ms', higherIsBetter: false, read: (t) => t.streams?.firstByte.p99 },
];

function againstPeer(row: PeerRow, config: TargetResults, peer: TargetResults | undefined, peerName: string): Omit<TargetCheck, 'configuration'> {
  const target = `${row.label} ${row.higherIsBetter ? 'higher' : 'lower'} than ${peerName}'s`;
  const ours = known(row.read(config), `${config.name} ${format(row.read(config))} ${row.unit}`, `no ${row.label} for ${config.name}`);
  const theirs: Figure = !peer
    ? { missing: `${peerName} is not in this run` }
    : peer.unavailable
      ? { missing: `${peerName} not measured: ${peer.unavailable}` }
      : known(row.read(peer), `${peerName} ${format(row.read(peer))} ${row.unit}`, `no ${row.label} for ${peerName}`);
  if ('missing' in ours || 'missing' in theirs) return notMeasured(target, `× ${peerName}`, ours, theirs);
  return {
    target,
    measured: round(ours.value / theirs.value, 2),
    unit: `× ${peerName}`,
    met: row.higherIsBetter ? ours.value > theirs.value : ours.value < theirs.value,
    basis: `${ours.label} vs ${theirs.label}`,
  };
}

function atLeastShare(target: string, share: number, value: Figure, baseline: Figure, baselineName: string): Omit<TargetCheck, 'configuration'> {
  if ('missing' in value || 'missing' in baseline || baseline.value <= 0) return notMeasured(target, `× ${baselineName}`, value, baseline);
  return { target, measured: round(value.value / baseline.value, 2), unit: `× ${baselineName}`, met: value.value >= share * baseline.value, basis: `${value.label} ÷ ${baseline.label}` };
}

function atMostShare(target: string, share: number, value: Figure, baseline: Figure, baselineName: string): Omit<TargetCheck, 'configuration'> {
  if ('missing' in value || 'missing' in baseline || baseline.value <= 0) return notMeasured(target, `× ${baselineName}`, value, baseline);
  return { target, measured: round(value.value / baseline.value, 2), unit: `× ${baselineName}`, met: value.value <= share * baseline.value, basis: `${value.label} ÷ ${baseline.label}` };
}

/** Compared unrounded; shown with the digits that suit the unit. */
const DIGITS: Record<string, number> = { KiB: 1, MiB: 1, ms: 3, 'µs': 0 };

function atMost(target: string, bound: number, unit: string, value: Figure): Omit<TargetCheck, 'configuration'> {
  if ('missing' in value) return notMeasured(target, unit, value);
  const digits = DIGITS[unit];
  return { target, measured: digits === undefined ? value.value : round(value.value, digits), unit, met: value.value <= bound, basis: value.label };
}

function notMeasured(target: string, unit: string, ...figures: Figure[]): Omit<TargetCheck, 'configuration'> {
  const missing = figures.flatMap((figure) => ('missing' in figure ? [figure.missing] : []));
  return { target, measured: null, unit, met: null, basis: missing.join('; ') };
}

function recorderKeepsUp(config: TargetResults): Omit<TargetCheck, 'configuration'> {
  const target = 'recorder keeps up at saturation (commits ≥ 95% of the events produced, backlog drains)';
  const recording = config.recording;
  if (!recording || recording.producedPerSecond <= 0) return notMeasured(target, 'ratio', { missing: `no recorder scenario for ${config.name}` });
  const share = recording.committedPerSecond / recording.producedPerSecond;
  const drained = recording.drainedAfterMs === null ? 'not drained within the limit' : `drained ${(recording.drainedAfterMs / 1000).toFixed(1)} s after the load`;
  return {
    target,
    measured: round(share, 2),
    unit: 'ratio',
    met: share >= 0.95 && recording.drainedAfterMs !== null,
    basis: `${recording.committedPerSecond} of ${recording.producedPerSecond} events/s committed, ${drained}`,
  };
}

/**
 * The recorder's own event → row lag histogram over the saturation window (`tollgate_recording_lag_seconds`): the
 * tracker reports the upper bound of the bucket holding the p99, so the p99 is at most that. Met when that bound is
 * below the limit; a bound of exactly 1 s leaves the p99 somewhere in (0.5 s, 1 s] and counts as missed.
 */
function recordingLag(config: TargetResults): Omit<TargetCheck, 'configuration'> {
  const target = `event → row lag p99 < ${RECORDING_LAG_P99_SECONDS} s at saturation (recorder's histogram, bucket bound)`;
  const p99 = config.recording?.lagSecondsP99;
  if (p99 === undefined || !Number.isFinite(p99)) {
    return notMeasured(target, 's', { missing: config.recording ? `the recorder's lag histogram of ${config.name} had no observation in the window` : `no recorder scenario for ${config.name}` });
  }
  return { target, measured: p99, unit: 's', met: p99 < RECORDING_LAG_P99_SECONDS, basis: `p99 ≤ ${p99} s (p50 ≤ ${config.recording?.lagSecondsP50} s)` };
}

function saturationRate(target: TargetResults | undefined, name = target?.name): Figure {
  if (!target) return { missing: `${name} is not in this run` };
  return known(target.saturation?.requestsPerSecond, `${name} ${format(target.saturation?.requestsPerSecond)} req/s`, `no saturation for ${name}`);
}

function cpuPerRequest(target: TargetResults | undefined, process: string, window: 'saturation' | 'latency' = 'saturation'): Figure {
  if (!target) return { missing: `${process} is not in this run` };
  const cpu = window === 'saturation' ? target.saturation?.cpu : target.latency?.cpu;
  const micros = cpu?.components.find((component) => component.name === process)?.cpuMicrosPerRequest;
  const who = target.name === process ? process : `${target.name} ${process}`;
  return known(micros, `${who} ${format(micros)} µs`, `no CPU per request of ${target.name}'s ${process} (${window})`);
}

/** CPU µs per request of some processes of a configuration, summed; missing when one of them was not measured. */
function cpuSum(config: TargetResults, processes: string[]): Figure {
  const components = config.saturation?.cpu.components;
  if (!components) return { missing: `no saturation for ${config.name}` };
  const parts = processes.map((process) => ({ process, micros: components.find((component) => component.name === process)?.cpuMicrosPerRequest }));
  const unknown = parts.filter((part) => part.micros === undefined).map((part) => part.process);
  if (unknown.length > 0) return { missing: `no CPU measured for ${unknown.join(', ')} (not a local process?)` };
  const total = parts.reduce((sum, part) => sum + part.micros!, 0);
  return { value: total, label: parts.map((part) => `${part.process} ${part.micros} µs`).join(' + ') };
}

function allocationKib(config: TargetResults): Figure {
  const bytes = config.allocation?.bytesPerRequest;
  if (bytes === undefined) return { missing: config.allocationNotMeasured ?? `no allocation window for ${config.name} (--no-alloc?)` };
  return { value: bytes / 1024, label: `${format(bytes)} bytes over ${format(config.allocation?.requests)} requests` };
}

function added(value: number | undefined, direct: number | undefined, name: string, scenario: string): Figure {
  if (value === undefined || !Number.isFinite(value)) return { missing: `no ${scenario} for ${name}` };
  if (direct === undefined || !Number.isFinite(direct)) return { missing: `no ${scenario} for the direct call` };
  return { value: value - direct, label: `${name} ${value} ms − direct ${direct} ms` };
}

function burstFirstByte(target: TargetResults | undefined, percentile: 'p50' | 'p99', name = target?.name): Figure {
  if (!target) return { missing: `${name} is not in this run` };
  const value = target.streams?.firstByte[percentile];
  return known(value, `${name} ${value} ms`, `no concurrent-streams scenario for ${name}`);
}

function idleRssMib(config: TargetResults): Figure {
  const bytes = config.idleRssBytes;
  return known(bytes === undefined ? undefined : bytes / 1024 / 1024, `${config.name} ${format(bytes)} bytes after start`, `no idle RSS for ${config.name}`);
}

function rssPerStreamKib(config: TargetResults): Figure {
  const streams = config.streams;
  const bytes = streams?.server.rssPerStreamBytes;
  return known(bytes === undefined ? undefined : bytes / 1024, `(${format(streams?.server.rssOpenBytes)} − ${format(streams?.server.rssBeforeBytes)} bytes) ÷ ${streams?.maxOpen} streams`,
    `no concurrent-streams scenario for ${config.name}`);
}

function rateOf(direct: TargetResults): string {
  return `${direct.latency?.ratePerSecond ?? 300} req/s`;
}

function known(value: number | undefined, label: string, missing: string): Figure {
  return value !== undefined && Number.isFinite(value) ? { value, label } : { missing };
}

function format(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
