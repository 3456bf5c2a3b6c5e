import type { CpuBreakdown } from './cpu-breakdown.sampler';
import { summarizeLatencies } from './latency-summary';
import type { TargetResults } from './scenario.results';
import { evaluateTargets, type RunColumns, type TargetCheck } from './targets.evaluator';

const latency = (p50: number, p99: number): TargetResults['latency'] => ({
  ratePerSecond: 300,
  achievedRate: 300,
  sent: 1,
  answered: 1,
  ok: 1,
  failed: 0,
  statusCodes: {},
  latency: { ...summarizeLatencies([p50]), p50, p99 },
});

function streaming(firstByteP99: number, firstByteP50 = 1): TargetResults['streaming'] {
  const summary = { ...summarizeLatencies([firstByteP50]), p99: firstByteP99 };
  return { streams: 1, failed: 0, firstByte: summary, chunkGap: summary, readsPerStream: 200, bytesPerStream: 1, streamDuration: summary };
}

/** A fixed-rate window whose processes spent these CPU µs per request. */
function pacedCpu(cpu: Record<string, number | undefined>): TargetResults['latency'] {
  const components = Object.entries(cpu).map(([name, cpuMicrosPerRequest]) => ({ name, cpuPercent: 0, rssBytes: 0, cpuMicrosPerRequest }));
  return { ...latency(1, 2)!, cpu: { components } as CpuBreakdown };
}

/** A saturation window: req/s and each process's CPU µs per request. */
function saturation(requestsPerSecond: number, cpu: Record<string, number | undefined>): TargetResults['saturation'] {
  const components = Object.entries(cpu).map(([name, cpuMicrosPerRequest]) => ({ name, cpuPercent: 0, rssBytes: 0, cpuMicrosPerRequest }));
  return { requestsPerSecond, cpu: { components } as CpuBreakdown } as TargetResults['saturation'];
}

function burst(p50: number, p99: number, rssPerStreamBytes = 0): TargetResults['streams'] {
  return { firstByte: { ...summarizeLatencies([p50]), p50, p99 }, maxOpen: 1_000, server: { rssPerStreamBytes, rssOpenBytes: 0, rssBeforeBytes: 0 } } as TargetResults['streams'];
}

const target = (name: TargetResults['name'], results: Partial<TargetResults> = {}): TargetResults => ({ name, description: '', errors: [], ...results });

const direct = target('direct', { latency: latency(0.4, 1), streaming: streaming(2) });
const floor = target('node-proxy', { saturation: saturation(8_000, { 'node-proxy': 100 }), streams: burst(30, 70) });

function checksOf(run: Partial<RunColumns> & Pick<RunColumns, 'configurations'>): Map<string, TargetCheck> {
  const checks = evaluateTargets({ direct, floor, ...run });
  return new Map(checks.map((check) => [`${check.configuration}: ${check.target}`, check]));
}

describe('evaluateTargets', () => {
  it('holds each configuration\'s saturation to its share of the bare proxy\'s, from the same run', () => {
    const checks = checksOf({
      configurations: [
        target('redis', { saturation: saturation(3_900, {}) }),
        target('tracing', { saturation: saturation(2_900, {}) }),
        target('embedded', { saturation: saturation(3_200, {}) }),
      ],
    });
    expect(checks.get("redis: saturation req/s ≥ 0.5 × node-proxy's")).toMatchObject({
      measured: 0.49,
      unit: '× node-proxy',
      met: false,
      basis: 'redis 3,900 req/s ÷ node-proxy 8,000 req/s',
    });
    expect(checks.get("tracing: saturation req/s ≥ 0.35 × node-proxy's")).toMatchObject({ measured: 0.36, met: true });
    expect(checks.get("embedded: saturation req/s ≥ 0.4 × node-proxy's")).toMatchObject({ measured: 0.4, met: true });
  });

  it('compares gateway CPU per request with the bare proxy\'s, the all-in-one process for embedded, tracing with redis', () => {
    const checks = checksOf({
      floor: target('node-proxy', { saturation: saturation(8_000, { 'node-proxy': 100 }), latency: pacedCpu({ 'node-proxy': 200 }), streams: burst(30, 70) }),
      configurations: [
        target('embedded', { saturation: saturation(1, { tollgate: 260, 'mock-upstream': 50 }), latency: pacedCpu({ tollgate: 400 }) }),
        target('redis', { saturation: saturation(1, { gateway: 240, recorder: 70, postgres: 40, 'redis-server': 31 }), latency: pacedCpu({ gateway: 520 }) }),
        target('tracing', { saturation: saturation(1, { gateway: 320 }), latency: pacedCpu({ gateway: 600 }) }),
      ],
    });
    expect(checks.get("embedded: all-in-one process CPU µs per request at saturation ≤ 2.5 × node-proxy's")).toMatchObject({ measured: 2.6, met: false });
    expect(checks.get("redis: gateway CPU µs per request at saturation ≤ 2.5 × node-proxy's")).toMatchObject({ measured: 2.4, met: true });
    expect(checks.get("tracing: gateway CPU µs per request at saturation ≤ 1.35 × the redis configuration's gateway")).toMatchObject({
      measured: 1.33,
      unit: '× redis',
      met: true,
      basis: 'tracing gateway 320 µs ÷ redis gateway 240 µs',
    });
    // At the fixed rate every column carries the same load.
    expect(checks.get("embedded: all-in-one process CPU µs per request at the fixed rate ≤ 2.5 × node-proxy's")).toMatchObject({ measured: 2, met: true });
    expect(checks.get("redis: gateway CPU µs per request at the fixed rate ≤ 2.5 × node-proxy's")).toMatchObject({
      measured: 2.6,
      met: false,
      basis: 'redis gateway 520 µs ÷ node-proxy 200 µs',
    });
    expect(checks.get("tracing: gateway CPU µs per request at the fixed rate ≤ 1.35 × the redis configuration's gateway")).toMatchObject({ measured: 1.15, met: true });
    expect(checks.get('redis: Redis server CPU per interception ≤ 30 µs (saturation window)')).toMatchObject({ measured: 31, met: false });
    expect(checks.get('redis: recorder + Postgres CPU per interception ≤ 120 µs (saturation window)')).toMatchObject({
      measured: 110,
      met: true,
      basis: 'recorder 70 µs + postgres 40 µs',
    });
  });

  it('marks a relative target not measured, with why, when either side is missing', () => {
    const checks = checksOf({
      floor: undefined,
      configurations: [target('tracing', { saturation: saturation(2_000, { gateway: 300 }) }), target('redis')],
    });
    expect(checks.get("tracing: saturation req/s ≥ 0.35 × node-proxy's")).toMatchObject({ measured: null, met: null, basis: 'node-proxy is not in this run' });
    expect(checks.get("tracing: gateway CPU µs per request at saturation ≤ 1.35 × the redis configuration's gateway")).toMatchObject({
      met: null,
      basis: "no CPU per request of redis's gateway (saturation)",
    });
    expect(checks.get("redis: gateway CPU µs per request at saturation ≤ 2.5 × node-proxy's")).toMatchObject({
      met: null,
      basis: "no CPU per request of redis's gateway (saturation); node-proxy is not in this run",
    });
    expect(checks.get('redis: recorder + Postgres CPU per interception ≤ 120 µs (saturation window)')).toMatchObject({ met: null, basis: 'no saturation for redis' });
  });

  it('needs every process of a sum to be measured', () => {
    const checks = checksOf({ configurations: [target('redis', { saturation: saturation(1, { recorder: 70, postgres: undefined }) })] });
    expect(checks.get('redis: recorder + Postgres CPU per interception ≤ 120 µs (saturation window)')).toMatchObject({
      met: null,
      basis: 'no CPU measured for postgres (not a local process?)',
    });
  });

  it('checks added latency per configuration, and first byte against direct and the bare proxy\'s burst', () => {
    const checks = checksOf({
      configurations: [
        target('redis', { latency: latency(0.8, 5), streaming: streaming(3.4), streams: burst(50, 141) }),
        target('embedded', { latency: latency(1.3, 5.4), streaming: streaming(3.6), streams: burst(50, 139) }),
        target('tracing', { latency: latency(9, 90) }),
      ],
    });
    expect(checks.get('redis: added latency p50 ≤ 0.5 ms at 300 req/s')).toMatchObject({ measured: 0.4, met: true, basis: 'redis 0.8 ms − direct 0.4 ms' });
    expect(checks.get('redis: added latency p99 ≤ 3 ms at 300 req/s')).toMatchObject({ measured: 4, met: false });
    expect(checks.get('embedded: added latency p50 ≤ 1 ms at 300 req/s')).toMatchObject({ measured: 0.9, met: true });
    expect(checks.get('embedded: added latency p99 ≤ 5 ms at 300 req/s')).toMatchObject({ measured: 4.4, met: true });
    expect([...checks.keys()].filter((key) => key.startsWith('tracing: added latency'))).toEqual([]);
    expect(checks.get('redis: stream first byte added p99 ≤ 1.5 ms')).toMatchObject({ measured: 1.4, met: true });
    expect(checks.get('embedded: stream first byte added p99 ≤ 1.5 ms')).toMatchObject({ measured: 1.6, met: false });
    expect(checks.get("redis: first byte p99 in the 1,000-stream burst ≤ 2 × node-proxy's")).toMatchObject({ measured: 2.01, met: false });
    expect(checks.get("embedded: first byte p99 in the 1,000-stream burst ≤ 2 × node-proxy's")).toMatchObject({ measured: 1.99, met: true });
  });

  it('holds allocation and memory to their bounds, in KiB and MiB', () => {
    const allocation = (bytesPerRequest: number) => ({ bytesPerRequest, requests: 3_000 }) as TargetResults['allocation'];
    const checks = checksOf({
      configurations: [
        target('redis', { allocation: allocation(40 * 1024), idleRssBytes: 111 * 1024 * 1024, streams: burst(1, 1, 59 * 1024) }),
        target('embedded', { allocation: allocation(40 * 1024 + 1), idleRssBytes: 290 * 1024 * 1024 }),
        target('tracing', { allocationNotMeasured: 'tollgate exited (SIGTRAP): Check failed: jit_page.has_value().' }),
      ],
    });
    expect(checks.get('redis: gateway allocated per request ≤ 40 KiB')).toMatchObject({ measured: 40, unit: 'KiB', met: true });
    expect(checks.get('embedded: all-in-one process allocated per request ≤ 40 KiB')).toMatchObject({ measured: 40, met: false });
    expect(checks.get('tracing: gateway allocated per request ≤ 40 KiB')).toMatchObject({
      met: null,
      basis: 'tollgate exited (SIGTRAP): Check failed: jit_page.has_value().',
    });
    expect(checks.get('redis: standalone gateway idle RSS ≤ 110 MiB')).toMatchObject({ measured: 111, unit: 'MiB', met: false });
    expect(checks.get('redis: standalone gateway RSS per open stream ≤ 60 KiB')).toMatchObject({ measured: 59, met: true });
    expect(checks.get('embedded: all-in-one idle RSS ≤ 300 MiB')).toMatchObject({ measured: 290, met: true });
    expect([...checks.keys()].filter((key) => key.startsWith('embedded: standalone'))).toEqual([]);
  });

  it('requires the recorder to keep up, and its event → row lag p99 bucket to be under a second', () => {
    const recording = (committedPerSecond: number, drainedAfterMs: number | null, lagSecondsP99?: number) =>
      ({ producedPerSecond: 2_000, committedPerSecond, drainedAfterMs, lagSecondsP50: 0.1, lagSecondsP99 }) as TargetResults['recording'];
    const verdicts = (config: TargetResults) =>
      evaluateTargets({ direct, configurations: [config] })
        .filter((check) => check.target.startsWith('recorder keeps up') || check.target.startsWith('event → row lag'))
        .map((check) => check.met);
    expect(verdicts(target('redis', { recording: recording(1_990, 300, 0.5) }))).toEqual([true, true]);
    expect(verdicts(target('redis', { recording: recording(1_500, 300, 0.25) }))).toEqual([false, true]);
    expect(verdicts(target('redis', { recording: recording(1_990, null, 1) }))).toEqual([false, false]);
    expect(verdicts(target('tracing', { recording: recording(1_990, 300) }))).toEqual([true, null]);
    // In process, there is no queue and no lag histogram: only keeping up is checked.
    expect(verdicts(target('embedded', { recording: recording(1_990, 300) }))).toEqual([true]);
  });

  it('compares each configuration with the peer on every throughput and latency row, not measured without it', () => {
    const portkey = target('portkey', {
      saturation: saturation(1_200, {}),
      latency: latency(3.3, 44.8),
      streaming: streaming(30, 5),
      streams: burst(60, 150),
    });
    const redis = target('redis', { saturation: saturation(2_000, {}), latency: latency(2.3, 50), streaming: streaming(20), streams: burst(70, 100) });
    const rows = (peers: TargetResults[] | undefined) =>
      evaluateTargets({ direct, peers, configurations: [redis] })
        .filter((check) => check.target.endsWith("than portkey's"))
        .map((check) => [check.target, check.measured, check.met]);
    expect(rows([portkey])).toEqual([
      ["saturation req/s higher than portkey's", 1.67, true],
      ["latency p50 at the fixed rate lower than portkey's", 0.7, true],
      ["latency p99 at the fixed rate lower than portkey's", 1.12, false],
      ["stream first byte p50 lower than portkey's", 0.2, true],
      ["stream first byte p99 lower than portkey's", 0.67, true],
      ["first byte p50 in the 1,000-stream burst lower than portkey's", 1.17, false],
      ["first byte p99 in the 1,000-stream burst lower than portkey's", 0.67, true],
    ]);
    expect(rows(undefined).map(([, measured, met]) => [measured, met])).toEqual(Array(7).fill([null, null]));
    const unavailable = evaluateTargets({ direct, peers: [target('portkey', { unavailable: 'npm install failed' })], configurations: [redis] });
    expect(unavailable.find((check) => check.target === "saturation req/s higher than portkey's")).toMatchObject({
      met: null,
      basis: 'portkey not measured: npm install failed',
    });
  });
});
