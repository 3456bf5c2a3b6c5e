import { renderResultsTable } from './results-table.renderer';
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
});
