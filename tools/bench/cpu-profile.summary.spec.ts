import { summarizeCpuProfile, type CpuProfile } from './cpu-profile.summary';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('dispatch', 'file:///srv/tollgate/dist/gateway/main.js', 2967) },
    { id: 4, callFrame: frame('addJob', 'file:///srv/tollgate/node_modules/bullmq/dist/cjs/classes/queue.js', 178) },
    { id: 5, callFrame: frame('execute', 'file:///srv/tollgate/node_modules/@opentelemetry/api/build/context.js', 9) },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('emit', 'node:events', 488) },
  ],
  //           idle  dispatch addJob otel  gc   emit  addJob(late)
  samples: [2, 3, 4, 5, 6, 7, 4],
  timeDeltas: [4000, 3000, 1000, 500, 500, 1000, 9000],
};

describe('summarizeCpuProfile', () => {
  it('ranks functions by self time as a share of the busy time, idle excluded', () => {
    const summary = summarizeCpuProfile(PROFILE);
    expect(summary.sampledMs).toBe(19);
    expect(summary.busyMs).toBe(15);
    expect(summary.idlePercent).toBe(21.1);
    expect(summary.topFunctions[0]).toEqual({ function: 'addJob bullmq/dist/cjs/classes/queue.js:179', selfMs: 10, percent: 66.7 });
    expect(summary.topFunctions[1]).toEqual({ function: 'dispatch dist/gateway/main.js:2968', selfMs: 3, percent: 20 });
    expect(summary.garbageCollectorPercent).toBe(3.3);
  });

  it('groups self time by package', () => {
    const names = summarizeCpuProfile(PROFILE).byPackage.map((row) => row.name);
    expect(names).toEqual(['bullmq', 'app', 'node:events', '@opentelemetry/api', '(native) (garbage collector)']);
  });

  it('keeps only the samples inside the window', () => {
    // Samples end at 4, 7, 8, 8.5, 9, 10 and 19 ms; the window 5..10 ms keeps dispatch … emit.
    const summary = summarizeCpuProfile(PROFILE, { fromMs: 5, toMs: 10 });
    expect(summary.sampledMs).toBe(6);
    expect(summary.idlePercent).toBe(0);
    const names = summary.topFunctions.map((row) => row.function.replace(/ \S+:\d+$/, ''));
    expect(names).toEqual(['dispatch', 'addJob', 'emit', 'execute', '(garbage collector)']);
  });
});
