import { compareReadback, summarizeReadback } from './metrics-readback.comparison';
import { parsePrometheusText } from './prometheus-text.parser';
import { renderResultsTable, renderTargetChecks } from './results-table.renderer';
import type { TargetResults } from './scenario.results';
import { spansPerInterception } from './spans-per-interception';

const direct: TargetResults = { name: 'direct', description: '', errors: [] };
const row = (table: string, label: string) => table.split('\n').find((line) => line.startsWith(`| ${label} |`));

describe('renderResultsTable', () => {
  const portkey: TargetResults = { name: 'portkey', description: '', unavailable: 'npm install failed: code ENOTCACHED | offline', errors: [] };
  const tracing: TargetResults = {
    name: 'tracing',
    description: '',
    errors: [],
    allocation: { requests: 10, ok: 10, durationMs: 5, samplingIntervalBytes: 8192, allocatedBytes: 1_966_080, bytesPerRequest: 196_608, topSites: [], byPackage: [] },
    spans: spansPerInterception({ 'tollgate-gateway': { POST: 20, evalsha: 20 }, 'tollgate-recorder': { INSERT: 5 } }, 10),
  };
  const table = renderResultsTable(direct, [portkey, tracing]);

  it('has a column per target and says why a peer was not measured', () => {
    expect(table.split('\n')[0]).toBe('| metric | direct (mock) | portkey | tracing |');
    expect(row(table, 'not measured, because')).toBe('| not measured, because |  | npm install failed: code ENOTCACHED \\| offline |  |');
  });

  it('shows allocation per request and spans per interception by service', () => {
    expect(row(table, 'allocated per request (sampling heap profiler)')).toBe('| allocated per request (sampling heap profiler) | – | – | 192.0 KiB |');
    expect(row(table, 'OTLP spans received per interception, by service')).toBe(
      '| OTLP spans received per interception, by service | – | – | tollgate-gateway 4, tollgate-recorder 0.5 |',
    );
  });

  it('adds no reason row when every target was measured', () => {
    expect(row(renderResultsTable(direct, [tracing]), 'not measured, because')).toBeUndefined();
  });

  it('says why allocation was not measured', () => {
    const embedded: TargetResults = { name: 'embedded', description: '', errors: [], allocationNotMeasured: 'tollgate exited (SIGTRAP): Check failed: jit_page.has_value().' };
    expect(row(renderResultsTable(direct, [embedded]), 'allocated per request (sampling heap profiler)')).toBe(
      '| allocated per request (sampling heap profiler) | – | not measured: tollgate exited (SIGTRAP): Check failed: jit_page.has_value(). |',
    );
  });

  it('shows whether the gateway\'s metrics agree, with the counts and p50s of each window', () => {
    const scrape = (count: number, tokens: number, attempts = count) =>
      parsePrometheusText(
        [
          `tollgate_request_duration_seconds_bucket{route="openai-chat",le="0.001"} 0`,
          `tollgate_request_duration_seconds_bucket{route="openai-chat",le="0.0025"} ${count}`,
          `tollgate_request_duration_seconds_bucket{route="openai-chat",le="+Inf"} ${count}`,
          `tollgate_request_duration_seconds_count{route="openai-chat"} ${count}`,
          `tollgate_upstream_attempt_duration_seconds_bucket{route="openai-chat",le="0.001"} ${attempts}`,
          `tollgate_upstream_attempt_duration_seconds_bucket{route="openai-chat",le="+Inf"} ${attempts}`,
          `tollgate_upstream_attempt_duration_seconds_count{route="openai-chat"} ${attempts}`,
          `tollgate_tokens_total{kind="output"} ${tokens}`,
        ].join('\n'),
      );
    const latency = compareReadback(scrape(0, 0), scrape(2_400, 16_800), { window: 'latency', sent: 2_400, answered: 2_400, ok: 2_400, p50Ms: 2.1 }, { outputTokensPerAnswer: 7 });
    const saturation = compareReadback(scrape(0, 0), scrape(15_000, 105_070, 15_010), { window: 'saturation', sent: 15_064, answered: 15_010, ok: 15_010, p50Ms: 2.2 }, { outputTokensPerAnswer: 7 });
    const redis: TargetResults = { name: 'redis', description: '', errors: [], metricsReadback: summarizeReadback([latency, saturation], []) };
    expect(row(renderResultsTable(direct, [redis]), 'metrics agree (gateway /metrics read back after latency, saturation)')).toBe(
      '| metrics agree (gateway /metrics read back after latency, saturation) | – | **disagree**: latency 2,400 counted / 2,400, p50 1.75 / 2.1 ms; ' +
        'saturation 15,000 counted / 15,010–15,064, p50 1.75 / 2.2 ms (15000 requests counted, the bench got 15010 answers to 15064 requests sent) |',
    );
  });
});

describe('renderTargetChecks', () => {
  it('shows each target with its value, what it was computed from, and met / missed / not measured', () => {
    const table = renderTargetChecks([
      { configuration: 'redis', target: "saturation req/s ≥ 0.5 × node-proxy's", measured: 0.26, unit: '× node-proxy', met: false, basis: 'redis 2,194 req/s ÷ node-proxy 8,303 req/s' },
      { configuration: 'redis', target: 'Redis server CPU per interception ≤ 30 µs (saturation window)', measured: 28, unit: 'µs', met: true, basis: 'redis-server 28 µs' },
      { configuration: 'redis', target: "saturation req/s higher than portkey's", measured: null, unit: '× portkey', met: null, basis: 'portkey is not in this run' },
    ]);
    expect(table.split('\n')).toEqual([
      '| configuration | target | measured | from | |',
      '|---|---|---|---|---|',
      "| redis | saturation req/s ≥ 0.5 × node-proxy's | 0.26 × node-proxy | redis 2,194 req/s ÷ node-proxy 8,303 req/s | **missed** |",
      '| redis | Redis server CPU per interception ≤ 30 µs (saturation window) | 28 µs | redis-server 28 µs | met |',
      "| redis | saturation req/s higher than portkey's | – | portkey is not in this run | not measured |",
    ]);
  });
});
