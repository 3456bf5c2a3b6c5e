import type { CpuBreakdown } from './cpu-breakdown.sampler';
import type { TargetCheck } from './targets.evaluator';
import type { TargetResults } from './scenario.results';

type Cell = (result: TargetResults, direct: TargetResults) => string;

const ms = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(value < 10 ? 2 : 1)} ms`);
const added = (value: number | undefined, baseline: number | undefined, isDirect: boolean) => {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (isDirect || baseline === undefined) return ms(value);
  const delta = value - baseline;
  return `${ms(value)} (${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)})`;
};
const count = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : Math.round(value).toLocaleString('en-US'));
const mib = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? '–' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
const kib = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? '–' : `${(bytes / 1024).toFixed(1)} KiB`);
const percent = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : `${Math.round(value)}%`);

/** Rows of the comparison table: label, and how to print a target's value (gateway values show what they add). */
const ROWS: Array<[string, Cell]> = [
  ['latency @ fixed rate, p50 (added)', (r, d) => added(r.latency?.latency.p50, d.latency?.latency.p50, r === d)],
  ['latency @ fixed rate, p99 (added)', (r, d) => added(r.latency?.latency.p99, d.latency?.latency.p99, r === d)],
  ['saturation, req/s', (r) => count(r.saturation?.requestsPerSecond)],
  ['saturation, p50 / p99', (r) => (r.saturation ? `${ms(r.saturation.latency.p50)} / ${ms(r.saturation.latency.p99)}` : '–')],
  ['saturation, non-2xx + errors', (r) => (r.saturation ? count(r.saturation.non2xx + r.saturation.errors) : '–')],
  ['latency @ fixed rate, CPU µs per request by process', (r) => (r.latency?.cpu ? perRequest(r.latency.cpu) : '–')],
  ['saturation, CPU by process (% of one core)', (r) => (r.saturation ? cpuBreakdown(r) : '–')],
  ['saturation, CPU µs per request by process', (r) => (r.saturation ? cpuPerRequest(r) : '–')],
  ['saturation, Redis Lua script calls per request (µs each)', (r) => redisScripts(r)],
  ['recorder, interceptions/s committed', (r) => count(r.recording?.interceptionsPerSecond)],
  ['recorder, events produced → committed /s', (r) => (r.recording ? `${count(r.recording.producedPerSecond)} → ${count(r.recording.committedPerSecond)}` : '–')],
  ['recorder, backlog at load end (s behind)', (r) => (r.recording ? `${count(r.recording.backlogAtLoadEnd)} (${r.recording.backlogSecondsAtLoadEnd} s)` : '–')],
  ['recorder, drained after load', (r) => (r.recording ? (r.recording.drainedAfterMs === null ? 'not within limit' : `${(r.recording.drainedAfterMs / 1000).toFixed(1)} s`) : '–')],
  ['recorder, event → commit lag p50 / p99', (r) => (r.recording?.lagSecondsP50 !== undefined ? `≤ ${r.recording.lagSecondsP50} s / ≤ ${r.recording.lagSecondsP99} s` : '–')],
  ['stream first byte p50 (added)', (r, d) => added(r.streaming?.firstByte.p50, d.streaming?.firstByte.p50, r === d)],
  ['stream first byte p99 (added)', (r, d) => added(r.streaming?.firstByte.p99, d.streaming?.firstByte.p99, r === d)],
  ['inter-chunk gap p50 (added)', (r, d) => added(r.streaming?.chunkGap.p50, d.streaming?.chunkGap.p50, r === d)],
  ['inter-chunk gap p99 (added)', (r, d) => added(r.streaming?.chunkGap.p99, d.streaming?.chunkGap.p99, r === d)],
  ['body reads per stream', (r) => (r.streaming ? String(r.streaming.readsPerStream) : '–')],
  ['concurrent streams open at once', (r) => (r.streams ? `${count(r.streams.maxOpen)} of ${count(r.streams.requested)}` : '–')],
  ['server RSS idle (after start)', (r) => mib(r.idleRssBytes)],
  ['server RSS holding the streams', (r) => mib(r.streams?.server.rssOpenBytes)],
  ['server RSS per open stream', (r) => kib(r.streams?.server.rssPerStreamBytes)],
  ['server CPU holding the streams (µs per chunk)', (r) => (r.streams ? `${percent(r.streams.server.cpuPercent)} (${r.streams.server.cpuMicrosPerChunk})` : '–')],
  ['streams: first byte p50 / p99 during the burst', (r) => (r.streams ? `${ms(r.streams.firstByte.p50)} / ${ms(r.streams.firstByte.p99)}` : '–')],
  ['allocated per request (sampling heap profiler)', (r) => (r.allocationNotMeasured ? `not measured: ${escapeCell(r.allocationNotMeasured)}` : kib(r.allocation?.bytesPerRequest))],
  ['metrics agree (gateway /metrics read back after latency, saturation)', (r) => metricsAgree(r)],
  ['OTLP spans received per interception, by service', (r) => spansPerService(r)],
];

export function renderResultsTable(direct: TargetResults, configurations: readonly TargetResults[]): string {
  const columns = [direct, ...configurations];
  const header = `| metric | ${columns.map((column) => (column.name === 'direct' ? 'direct (mock)' : column.name)).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const rows = ROWS.map(([label, cell]) => `| ${label} | ${columns.map((column) => cell(column, direct)).join(' | ')} |`);
  if (columns.some((column) => column.unavailable)) {
    rows.unshift(`| not measured, because | ${columns.map((column) => escapeCell(column.unavailable ?? '')).join(' | ')} |`);
  }
  return [header, rule, ...rows].join('\n');
}

export function renderTargetChecks(checks: readonly TargetCheck[]): string {
  const rows = checks.map((check) => {
    const verdict = check.met === null ? 'not measured' : check.met ? 'met' : '**missed**';
    const measured = check.measured === null ? '–' : `${check.measured} ${check.unit}`;
    return `| ${check.configuration} | ${check.target} | ${measured} | ${escapeCell(check.basis)} | ${verdict} |`;
  });
  return ['| configuration | target | measured | from | |', '|---|---|---|---|---|', ...rows].join('\n');
}

function cpuBreakdown(result: TargetResults): string {
  const cpu = result.saturation!.cpu;
  const parts = cpu.components.map((component) => `${component.name} ${Math.round(component.cpuPercent)}`);
  parts.push(`load gen ${Math.round(cpu.loadGeneratorCpuPercent)}`, `other ${Math.round(cpu.unaccountedCpuPercent)}`);
  return parts.join(', ');
}

function redisScripts(result: TargetResults): string {
  const scripts = result.saturation?.redisScripts;
  return scripts ? `${scripts.callsPerRequest} (${scripts.microsPerCall} µs)` : '–';
}

function spansPerService(result: TargetResults): string {
  const spans = result.spans;
  if (!spans || spans.services.length === 0) return '–';
  return spans.services.map((service) => `${service.service} ${service.perInterception}`).join(', ');
}

/** "agree" or "disagree", with each window's request count and p50 as the gateway and the bench saw them. */
function metricsAgree(result: TargetResults): string {
  const readback = result.metricsReadback;
  if (!readback) return '–';
  const windows = readback.windows.map((window) => {
    const { requests, p50 } = window;
    const answered = requests.sent > requests.answered ? `${count(requests.answered)}–${count(requests.sent)}` : count(requests.answered);
    return `${window.window} ${count(requests.counted)} counted / ${answered}, p50 ${p50.gatewayMs ?? '–'} / ${p50.benchMs} ms${window.agree ? '' : ` (${window.disagreements.join('; ')})`}`;
  });
  const notRead = readback.notRead.map((reason) => `not read: ${reason}`);
  return escapeCell(`${readback.agree ? 'agree' : '**disagree**'}: ${[...windows, ...notRead].join('; ')}`, 600);
}

function escapeCell(text: string, limit = 200): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, limit);
}

function cpuPerRequest(result: TargetResults): string {
  return perRequest(result.saturation!.cpu);
}

function perRequest(cpu: CpuBreakdown): string {
  return cpu.components.map((component) => `${component.name} ${component.cpuMicrosPerRequest ?? '–'}`).join(', ');
}
