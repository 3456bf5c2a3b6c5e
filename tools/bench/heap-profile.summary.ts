import { describeFrame, packageOf } from './cpu-profile.summary';

/** What `HeapProfiler.stopSampling` returns (the `.heapprofile` format DevTools opens). */
export interface SamplingHeapProfile {
  head: SamplingHeapProfileNode;
  samples?: Array<{ size: number; nodeId: number; ordinal: number }>;
}

export interface SamplingHeapProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  /** Estimated bytes allocated by this frame itself (the samples scaled by the sampling interval). */
  selfSize: number;
  children: SamplingHeapProfileNode[];
}

export interface AllocationSite {
  /** Function name and `file:line:column` (1-based), node_modules trimmed to the package path. */
  function: string;
  bytes: number;
  /** Share of all bytes sampled in the window. */
  percent: number;
}

export interface HeapProfileSummary {
  /** Sum of every node's `selfSize`: the bytes allocated in the window, collected objects included. */
  totalBytes: number;
  topSites: AllocationSite[];
  /** Bytes grouped by npm package, `node:` built-in module, `app` (the bundle itself) or `(native) …`. */
  byPackage: Array<{ name: string; bytes: number; percent: number }>;
}

/** Bytes allocated per function (allocation site) in a sampling heap profile, largest first. */
export function summarizeHeapProfile(profile: SamplingHeapProfile, options: { top?: number } = {}): HeapProfileSummary {
  const bySite = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  // Iterative: a deep async stack must not overflow ours.
  const pending: SamplingHeapProfileNode[] = [profile.head];
  for (let node = pending.pop(); node; node = pending.pop()) {
    pending.push(...node.children);
    if (node.selfSize <= 0) continue;
    total += node.selfSize;
    add(bySite, siteOf(node.callFrame), node.selfSize);
    add(byPackage, packageOf(node.callFrame), node.selfSize);
  }
  const share = (bytes: number) => (total > 0 ? Math.round((bytes / total) * 1000) / 10 : 0);
  return {
    totalBytes: total,
    topSites: [...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, options.top ?? 30)
      .map(([name, bytes]) => ({ function: name, bytes, percent: share(bytes) })),
    byPackage: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, bytes]) => ({ name, bytes, percent: share(bytes) })),
  };
}

/** A summary as plain text lines, for the console. */
export function formatHeapProfileSummary(summary: HeapProfileSummary & { requests?: number }): string {
  const perRequest = (bytes: number) => (summary.requests ? `  ${(bytes / summary.requests / 1024).toFixed(2).padStart(7)} KiB/req` : '');
  return [
    `sampled ${(summary.totalBytes / 1024 / 1024).toFixed(1)} MiB allocated${summary.requests ? ` over ${summary.requests} requests` : ''}`,
    'allocation sites (% of bytes):',
    ...summary.topSites.map((site) => `  ${site.percent.toFixed(1).padStart(5)}%${perRequest(site.bytes)}  ${site.function}`),
    'by package:',
    ...summary.byPackage.map((row) => `  ${row.percent.toFixed(1).padStart(5)}%${perRequest(row.bytes)}  ${row.name}`),
  ].join('\n');
}

function siteOf(frame: SamplingHeapProfileNode['callFrame']): string {
  const described = describeFrame(frame);
  // Minified peers put everything on one line: the column tells their functions apart.
  return frame.url && frame.columnNumber !== undefined && frame.columnNumber >= 0 ? `${described}:${frame.columnNumber + 1}` : described;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}
