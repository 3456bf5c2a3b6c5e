import { join } from 'node:path';
import type { BenchPlan } from './bench-plan';
import { UPSTREAM_FLAVOURS, type UpstreamFlavour } from './bench-targets';
import { launchNodeProcess, type LaunchedProcess } from './child-process.launcher';

/** The mock upstreams, one process each, so none of them shares an event loop with the load generator. */
export interface MockFleet {
  urls: Record<UpstreamFlavour, string>;
  processes: Record<UpstreamFlavour, LaunchedProcess>;
  stop(): Promise<void>;
}

export async function startMockFleet(workspace: string, plan: BenchPlan): Promise<MockFleet> {
  const flags: Record<UpstreamFlavour, string[]> = {
    fast: [],
    paced: ['--chunks', String(plan.streaming.chunks), '--chunk-delay-ms', String(plan.streaming.chunkDelayMs)],
    slow: ['--chunks', String(plan.streams.chunks), '--chunk-delay-ms', String(plan.streams.chunkDelayMs)],
  };
  const launched = await Promise.all(
    UPSTREAM_FLAVOURS.map((flavour) =>
      launchNodeProcess({
        name: `mock-${flavour}`,
        script: join(workspace, 'dist/mock-upstream/main.js'),
        args: ['--port', '0', '--no-record', ...flags[flavour]],
        cwd: workspace,
        env: {},
        readyWhen: /listening on (http:\/\/\S+)/,
        readyTimeoutMs: 15_000,
      }),
    ),
  );
  const processes = Object.fromEntries(UPSTREAM_FLAVOURS.map((flavour, i) => [flavour, launched[i]])) as Record<UpstreamFlavour, LaunchedProcess>;
  return {
    urls: Object.fromEntries(UPSTREAM_FLAVOURS.map((flavour) => [flavour, processes[flavour].ready])) as Record<UpstreamFlavour, string>,
    processes,
    async stop() {
      await Promise.all(launched.map((mock) => mock.stop(3_000)));
    },
  };
}
