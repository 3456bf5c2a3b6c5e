import { summarizeLatencies } from './latency-summary';
import type { TargetResults } from './scenario.results';
import { evaluateTargets } from './targets.evaluator';

const latency = (...samples: number[]) => ({ ratePerSecond: 300, achievedRate: 300, sent: 1, ok: 1, failed: 0, statusCodes: {}, latency: summarizeLatencies(samples) });

function streaming(firstByteMs: number, readsPerStream: number): TargetResults['streaming'] {
  const summary = summarizeLatencies([firstByteMs]);
  return { streams: 1, failed: 0, firstByte: summary, chunkGap: summary, readsPerStream, bytesPerStream: 1, streamDuration: summary };
}

const direct: TargetResults = { name: 'direct', description: '', errors: [], latency: latency(0.4, 1), streaming: streaming(1, 200) };

describe('evaluateTargets', () => {
  it('checks added latency, first byte and buffering against the direct call', () => {
    const redis: TargetResults = { name: 'redis', description: '', errors: [], latency: latency(0.8, 5), streaming: streaming(1.5, 120) };
    const checks = evaluateTargets(direct, [redis]);
    const byTarget = Object.fromEntries(checks.map((check) => [check.target, check]));
    expect(byTarget['added latency p50 ≤ 0.5 ms']).toMatchObject({ measured: 0.4, met: true });
    expect(byTarget['added latency p99 ≤ 3 ms']).toMatchObject({ measured: 4, met: false });
    expect(byTarget['streaming first byte added p99 ≤ 1 ms']).toMatchObject({ measured: 0.5, met: true });
    expect(byTarget['no per-chunk buffering (reads per stream ≥ 90% of direct)']).toMatchObject({ measured: 0.6, met: false });
  });

  it('holds each configuration to its own throughput target and marks what was not measured', () => {
    const saturation = (requestsPerSecond: number) => ({ requestsPerSecond }) as TargetResults['saturation'];
    const checks = evaluateTargets(direct, [
      { name: 'redis', description: '', errors: [], saturation: saturation(7_000) },
      { name: 'tracing', description: '', errors: [], saturation: saturation(7_000) },
      { name: 'embedded', description: '', errors: [], saturation: saturation(7_000) },
    ]);
    const throughput = checks.filter((check) => check.target.startsWith('saturation'));
    expect(throughput.map((check) => [check.configuration, check.target, check.met])).toEqual([
      ['redis', 'saturation ≥ 8000 req/s', false],
      ['tracing', 'saturation ≥ 6000 req/s', true],
    ]);
    expect(checks.find((check) => check.configuration === 'embedded' && check.target === 'idle RSS ≤ 120 MB')).toMatchObject({ measured: null, met: null });
  });

  it('converts memory to MiB / KiB and needs every stream open at once', () => {
    const streams = { requested: 1_000, maxOpen: 512, server: { rssPerStreamBytes: 40 * 1024 } } as TargetResults['streams'];
    const checks = evaluateTargets(direct, [{ name: 'redis', description: '', errors: [], idleRssBytes: 130 * 1024 * 1024, streams }]);
    const byTarget = Object.fromEntries(checks.map((check) => [check.target, check]));
    expect(byTarget['idle RSS ≤ 120 MB']).toMatchObject({ measured: 130, unit: 'MiB', met: false });
    expect(byTarget['every concurrent stream open at once']).toMatchObject({ measured: 512, met: false });
    expect(byTarget['RSS ≤ 50 KB per concurrent stream']).toMatchObject({ measured: 40, unit: 'KiB', met: true });
  });

  it('requires the recorder to keep up and to drain', () => {
    const recording = (committedPerSecond: number, drainedAfterMs: number | null) =>
      ({ producedPerSecond: 2_000, committedPerSecond, drainedAfterMs }) as TargetResults['recording'];
    const verdict = (config: TargetResults) => evaluateTargets(direct, [config]).find((check) => check.target.startsWith('recorder'))?.met;
    expect(verdict({ name: 'redis', description: '', errors: [], recording: recording(1_990, 300) })).toBe(true);
    expect(verdict({ name: 'redis', description: '', errors: [], recording: recording(1_500, 300) })).toBe(false);
    expect(verdict({ name: 'redis', description: '', errors: [], recording: recording(1_990, null) })).toBe(false);
  });
});
