/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  /** Node id of each sample. */
  samples: number[];
  /** Microseconds since the previous sample (the first: since `startTime`). */
  timeDeltas: number[];
}

export interface SelfTimeRow {
  /** Function name and where it is: `file:line`, node_modules trimmed to the package path. */
  function: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  percent: number;
}

export interface CpuProfileSummary {
  /** Sampled time in the window, idle included. */
  sampledMs: number;
  busyMs: number;
  /** Share of the window the thread was idle (waiting in the event loop). */
  idlePercent: number;
  garbageCollectorPercent: number;
  topFunctions: SelfTimeRow[];
  /** Self time grouped by npm package, `node:` built-in module, or `app` (the bundle itself). */
  byPackage: Array<{ name: string; percent: number }>;
}

export interface SummaryOptions {
  top?: number;
  /** Ignore samples taken before this many ms after the profile started (skips start-up). */
  fromMs?: number;
  /** Ignore samples taken after this many ms. */
  toMs?: number;
}

/** Self time per function in a CPU profile, largest first. */
export function summarizeCpuProfile(profile: CpuProfile, options: SummaryOptions = {}): CpuProfileSummary {
  const selfMicros = selfTimeByNode(profile, (options.fromMs ?? 0) * 1000, (options.toMs ?? Infinity) * 1000);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  let gc = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    sampled += micros;
    if (frame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    if (frame.functionName === '(garbage collector)') gc += micros;
    add(byFunction, describeFrame(frame), micros);
    add(byPackage, packageOf(frame), micros);
  }
  const busy = sampled - idle;
  const share = (micros: number) => round1(busy > 0 ? (micros / busy) * 100 : 0);
  return {
    sampledMs: Math.round(sampled / 1000),
    busyMs: Math.round(busy / 1000),
    idlePercent: round1(sampled > 0 ? (idle / sampled) * 100 : 0),
    garbageCollectorPercent: share(gc),
    topFunctions: [...byFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, options.top ?? 30)
      .map(([name, micros]) => ({ function: name, selfMs: Math.round(micros / 1000), percent: share(micros) })),
    byPackage: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([name, micros]) => ({ name, percent: share(micros) })),
  };
}

/** A summary as plain text lines, for the console. */
export function formatCpuProfileSummary(summary: CpuProfileSummary): string {
  const lines = [
    `sampled ${summary.sampledMs} ms, busy ${summary.busyMs} ms, idle ${summary.idlePercent}%, GC ${summary.garbageCollectorPercent}% of busy`,
    'self time (% of busy):',
    ...summary.topFunctions.map((row) => `  ${row.percent.toFixed(1).padStart(5)}%  ${String(row.selfMs).padStart(6)} ms  ${row.function}`),
    'by package:',
    ...summary.byPackage.map((row) => `  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`),
  ];
  return lines.join('\n');
}

function selfTimeByNode(profile: CpuProfile, fromMicros: number, toMicros: number): Map<number, number> {
  const totals = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromMicros || at > toMicros) continue;
    const id = profile.samples[i];
    totals.set(id, (totals.get(id) ?? 0) + delta);
  }
  return totals;
}

/** `function file:line` (1-based), node_modules and the workspace trimmed from the path. */
export function describeFrame(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + '/node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist !== -1) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

/** The npm package, `node:` built-in module, `app` (the bundle) or `(native) name` a frame belongs to. */
export function packageOf(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { url, functionName } = frame;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scopeOrName, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url === '') return `(native) ${functionName || '(anonymous)'}`;
  return 'app';
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
