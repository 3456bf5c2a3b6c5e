import { formatHeapProfileSummary, summarizeHeapProfile, type SamplingHeapProfileNode } from './heap-profile.summary';

let nextId = 1;
const node = (functionName: string, url: string, lineNumber: number, selfSize: number, children: SamplingHeapProfileNode[] = [], columnNumber = -1): SamplingHeapProfileNode => ({
  id: nextId++,
  callFrame: { functionName, url, lineNumber, columnNumber },
  selfSize,
  children,
});

// (root) → dispatch (app) → [Pipeline (ioredis) → exec (ioredis), parse (node:internal)], and a minified peer on one line.
const PROFILE = {
  head: node('(root)', '', -1, 0, [
    node('dispatch', 'file:///srv/tollgate/dist/gateway/bundle.js', 2967, 8192, [
      node('Pipeline', 'file:///srv/tollgate/node_modules/ioredis/built/Pipeline.js', 40, 16384, [
        node('exec', 'file:///srv/tollgate/node_modules/ioredis/built/Pipeline.js', 200, 8192),
      ]),
      node('parse', 'node:internal/deps/undici/undici', 10, 4096),
    ]),
    node('e', 'file:///cache/portkey/node_modules/@portkey-ai/gateway/build/start-server.js', 1, 2048, [], 100),
    node('e', 'file:///cache/portkey/node_modules/@portkey-ai/gateway/build/start-server.js', 1, 1024, [], 900),
    // The same site reached through another path adds up.
    node('dispatch', 'file:///srv/tollgate/dist/gateway/bundle.js', 2967, 1024),
  ]),
};

describe('summarizeHeapProfile', () => {
  it('sums every node’s self size, recursively', () => {
    expect(summarizeHeapProfile(PROFILE).totalBytes).toBe(8192 + 16384 + 8192 + 4096 + 2048 + 1024 + 1024);
  });

  it('ranks allocation sites by bytes, merging the same site on different paths', () => {
    const { topSites } = summarizeHeapProfile(PROFILE);
    expect(topSites[0]).toEqual({ function: 'Pipeline ioredis/built/Pipeline.js:41', bytes: 16384, percent: 40 });
    expect(topSites[1]).toEqual({ function: 'dispatch dist/gateway/bundle.js:2968', bytes: 9216, percent: 22.5 });
  });

  it('tells the functions of a one-line minified bundle apart by column', () => {
    const names = summarizeHeapProfile(PROFILE).topSites.map((site) => site.function);
    expect(names).toContain('e @portkey-ai/gateway/build/start-server.js:2:101');
    expect(names).toContain('e @portkey-ai/gateway/build/start-server.js:2:901');
  });

  it('groups bytes by package and keeps only the top sites asked for', () => {
    const summary = summarizeHeapProfile(PROFILE, { top: 2 });
    expect(summary.topSites).toHaveLength(2);
    expect(summary.byPackage.map((row) => row.name)).toEqual(['ioredis', 'app', 'node:internal', '@portkey-ai/gateway']);
    expect(formatHeapProfileSummary({ ...summary, requests: 4 })).toContain('4.00 KiB/req  Pipeline ioredis/built/Pipeline.js:41');
  });
});
