import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MOCK_CHAT_USAGE, testDatabaseServerUrl, testRedisUrl } from '@tollgate/testing';
import { goneReason, INSPECTOR_PORT_ARGS, openInspector } from './allocation.sampler';
import { CONFIGURATIONS, PEERS, SCENARIOS, type BenchOptions, type ConfigurationName, type PeerName } from './bench-options';
import { FULL_PLAN, SMOKE_PLAN, type BenchPlan } from './bench-plan';
import { startStack } from './bench-stack';
import { directTargets, gatewayTargets } from './bench-targets';
import { killAllLaunched, launchNodeProcess } from './child-process.launcher';
import { formatCpuProfileSummary, summarizeCpuProfile, type CpuProfile } from './cpu-profile.summary';
import { formatHeapProfileSummary } from './heap-profile.summary';
import { describeCommit, describeMachine, type CommitInfo, type MachineInfo } from './machine-info';
import { startMockFleet, type MockFleet } from './mock-fleet';
import { ensurePortkeyInstalled, launchPortkey, portkeyCacheDir, portkeyTargets, PORTKEY_DESCRIPTION } from './portkey.peer';
import { readProcessSample } from './process-usage.reader';
import { renderResultsTable, renderTargetChecks } from './results-table.renderer';
import { runScenarios } from './scenario.runner';
import type { TargetResults } from './scenario.results';
import { spansPerInterception } from './spans-per-interception';
import { evaluateTargets, type TargetCheck } from './targets.evaluator';

type RunOptions = Extract<BenchOptions, { command: 'run' }>;

export interface BenchResults {
  schemaVersion: 1;
  mode: 'full' | 'smoke';
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  commit: CommitInfo;
  topology: string[];
  plan: BenchPlan;
  direct: TargetResults;
  /** The bare Node.js proxy: what any Node gateway could at best reach on this machine. */
  floor?: TargetResults;
  /** Other gateways measured the same way (`--peers`); `unavailable` says why one was not. */
  peers?: TargetResults[];
  configurations: TargetResults[];
  /** Full runs only: the targets against this run. */
  targets: TargetCheck[] | null;
}

const REQUIRED_BUNDLES = ['dist/gateway/main.js', 'dist/tollgate/main.js', 'dist/recorder/main.js', 'dist/mock-upstream/main.js', 'dist/bench/main.js'];

/** Runs the benchmark; resolves with the exit code (1 when a scenario crashed, never for a missed target). */
export async function runBench(options: RunOptions, workspace: string): Promise<number> {
  const plan = options.smoke ? SMOKE_PLAN : FULL_PLAN;
  const startedAt = new Date();
  const started = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const deadline = setTimeout(() => {
    console.error(`bench: deadline of ${plan.deadlineMs / 1000} s exceeded; killing every child process`);
    killAllLaunched();
    process.exit(1);
  }, plan.deadlineMs);
  const missing = REQUIRED_BUNDLES.filter((bundle) => !existsSync(join(workspace, bundle)));
  if (missing.length > 0) throw new Error(`missing bundles (run node tools/build.mjs first): ${missing.join(', ')}`);

  const machine = await describeMachine();
  const commit = describeCommit(workspace);
  log(`${options.smoke ? 'smoke' : 'full'} run on ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, commit ${commit.sha.slice(0, 12)}${commit.dirty ? ' (dirty)' : ''}`);
  log(`background load before start: ${machine.backgroundBusyCores} busy cores, load average ${machine.loadAverage1m}`);
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'tollgate-bench-profiles-')) : undefined;
  const heapProfileDir = options.heapProfile ? mkdtempSync(join(tmpdir(), 'tollgate-bench-heap-profiles-')) : undefined;

  const mocks = await startMockFleet(workspace, plan);
  let direct: TargetResults;
  const configurations: TargetResults[] = [];
  let floor: TargetResults | undefined;
  const peers: TargetResults[] = [];
  const context = (): ConfigurationContext => ({ options, plan, workspace, mocks, profileDir, heapProfileDir, log });
  try {
    log('direct calls to the mock upstreams');
    direct = await runScenarios(
      {
        name: 'direct',
        description: 'the client calls the mock upstream itself: the lower bound',
        targets: directTargets(mocks.urls),
        streamServerPid: mocks.processes.slow.pid,
        components: async () => [{ name: 'mock-upstream', pids: [mocks.processes.fast.pid] }],
        assertAlive: () => assertMocksAlive(mocks),
      },
      options,
      plan,
      log,
    );
    if (options.floor) floor = await runFloor(context());
    for (const name of options.peers) peers.push(await runPeer(name, context()));
    for (const name of options.configurations) configurations.push(await runConfiguration(name, context()));
  } finally {
    await mocks.stop();
    clearTimeout(deadline);
  }

  const results: BenchResults = {
    schemaVersion: 1,
    mode: options.smoke ? 'smoke' : 'full',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    machine,
    commit,
    topology: topology(machine),
    plan,
    direct,
    floor,
    peers: options.peers.length > 0 ? peers : undefined,
    configurations,
    targets: options.smoke ? null : evaluateTargets({ direct, floor, peers, configurations }),
  };
  const complete =
    !options.smoke &&
    options.floor &&
    options.alloc &&
    options.peers.length === PEERS.length &&
    options.scenarios.length === SCENARIOS.length &&
    options.configurations.length === CONFIGURATIONS.length;
  const written = writeResults(results, resolve(workspace, options.outDir), startedAt, complete);
  const references = [...(floor ? [floor] : []), ...peers];
  console.log(`\n${renderResultsTable(direct, [...references, ...configurations])}\n`);
  if (results.targets) console.log(`${renderTargetChecks(results.targets)}\n`);
  for (const config of configurations) {
    for (const profile of config.profiles ?? []) {
      console.log(`CPU profile of the ${config.name} ${profile.process}, saturation window (${profile.file}):`);
      console.log(`${formatCpuProfileSummary({ ...profile, topFunctions: profile.topFunctions.slice(0, 25) })}\n`);
    }
  }
  if (options.heapProfile) {
    for (const target of [...references, ...configurations]) {
      if (!target.allocation) continue;
      console.log(`Allocation sites, ${target.name}, allocation window (${target.allocation.file}):`);
      console.log(`${formatHeapProfileSummary({ totalBytes: target.allocation.allocatedBytes, requests: target.allocation.requests, topSites: target.allocation.topSites.slice(0, 20), byPackage: target.allocation.byPackage })}\n`);
    }
  }
  log(`results: ${written.join(', ')}`);
  // A peer that could not be installed, started or measured is reported, and does not fail the run.
  for (const peer of peers) {
    for (const note of [...(peer.unavailable ? [`not measured: ${peer.unavailable}`] : []), ...peer.errors]) console.error(`PEER ${peer.name}: ${note}`);
  }
  const failures = [direct, ...(floor ? [floor] : []), ...configurations].flatMap((target) => target.errors.map((error) => `${target.name}: ${error}`));
  for (const failure of failures) console.error(`FAILED ${failure}`);
  return failures.length > 0 ? 1 : 0;
}

interface ConfigurationContext {
  options: RunOptions;
  plan: BenchPlan;
  workspace: string;
  mocks: MockFleet;
  profileDir?: string;
  heapProfileDir?: string;
  log: (line: string) => void;
}

async function runConfiguration(name: ConfigurationName, context: ConfigurationContext): Promise<TargetResults> {
  const { options, plan, workspace, mocks, profileDir, heapProfileDir, log } = context;
  log(`starting configuration "${name}"`);
  let stack;
  try {
    stack = await startStack(name, {
      workspace,
      redisUrl: testRedisUrl(),
      databaseServerUrl: testDatabaseServerUrl(),
      mockUrls: mocks.urls,
      cpuProfileDir: profileDir,
      inspect: options.alloc,
    });
  } catch (error) {
    log(`configuration "${name}" did not start: ${(error as Error).message}`);
    return { name, description: '', errors: [`start: ${(error as Error).message}`] };
  }
  let saturationWindow: { startedAt: number; endedAt: number } | undefined;
  let results: TargetResults;
  let interceptions: number | undefined;
  try {
    results = await runScenarios(
      {
        name,
        description: stack.description,
        targets: stack.targets,
        streamServerPid: stack.gateway.pid,
        components: async () => [...(await stack.components()), { name: 'mock-upstream', pids: [mocks.processes.fast.pid] }],
        recording: stack.recording,
        countRows: () => stack.countRows(),
        meterRedisScripts: stack.meterRedisScripts,
        assertAlive: () => {
          if (stack.gateway.exited) throw new Error(`the gateway exited; its output:\n${stack.gateway.output().slice(-2_000)}`);
          assertMocksAlive(mocks);
        },
        onSaturationWindow: (startedAt, endedAt) => {
          saturationWindow = { startedAt, endedAt };
        },
        openInspector: stack.openInspector,
        gone: stack.gone,
        heapProfileFile: heapProfileDir && join(heapProfileDir, `${name}-gateway.heapprofile`),
        readback: {
          scrape: stack.scrapeMetrics,
          outputTokensPerAnswer: MOCK_CHAT_USAGE.completion_tokens,
        },
      },
      options,
      plan,
      log,
    );
    results.idleRssBytes = stack.idleRssBytes;
    if (name === 'tracing') interceptions = await stack.interceptionsServed().catch(() => undefined);
  } finally {
    log(`stopping configuration "${name}"`);
    const { cpuProfiles, otlp } = await stack.stop();
    // Spans over the configuration's whole run (start-up to the exit flush) ÷ the interceptions served in it.
    if (otlp && interceptions !== undefined) results!.spans = spansPerInterception(otlp.spans, interceptions, otlp.undecoded);
    if (cpuProfiles.length > 0) {
      results!.profiles = cpuProfiles.map(({ process, file }) => {
        const spawnedAt = stack.spawnedAt[process as keyof typeof stack.spawnedAt];
        const window = saturationWindow && { fromMs: saturationWindow.startedAt - spawnedAt, toMs: saturationWindow.endedAt - spawnedAt };
        const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
        return { ...summarizeCpuProfile(profile, { top: 40, ...window }), process, file };
      });
    }
  }
  return results;
}

/** The bare Node.js proxy in its own process, measured like a configuration (no recorder). */
async function runFloor(context: ConfigurationContext): Promise<TargetResults> {
  const { options, plan, workspace, mocks, heapProfileDir, log } = context;
  log('bare Node.js proxy (the floor)');
  const proxy = await launchNodeProcess({
    name: 'node-proxy',
    script: join(workspace, 'dist/bench/main.js'),
    nodeArgs: options.alloc ? INSPECTOR_PORT_ARGS : [],
    args: ['bare-proxy', ...Object.entries(mocks.urls).map(([flavour, url]) => `${flavour}=${url}`)],
    cwd: workspace,
    env: {},
    readyWhen: /listening on (http:\/\/\S+)/,
    readyTimeoutMs: 10_000,
  });
  try {
    const idleRssBytes = readProcessSample(proxy.pid)?.rssBytes;
    const results = await runScenarios(
      {
        name: 'node-proxy',
        description: 'a bare Node.js proxy (node:http server + undici, no auth, key pool, recording or tracing): the floor',
        targets: gatewayTargets(proxy.ready, 'tg_unused_by_the_bare_proxy'),
        streamServerPid: proxy.pid,
        components: async () => [
          { name: 'node-proxy', pids: [proxy.pid] },
          { name: 'mock-upstream', pids: [mocks.processes.fast.pid] },
        ],
        assertAlive: () => {
          if (proxy.exited) throw new Error(`the bare proxy exited; its output:\n${proxy.output().slice(-2_000)}`);
          assertMocksAlive(mocks);
        },
        openInspector: options.alloc ? () => openInspector(proxy) : undefined,
        gone: () => goneReason(proxy),
        heapProfileFile: heapProfileDir && join(heapProfileDir, 'node-proxy.heapprofile'),
      },
      { ...options, scenarios: options.scenarios.filter((scenario) => scenario !== 'recorder') },
      plan,
      log,
    );
    results.idleRssBytes = idleRssBytes;
    return results;
  } finally {
    await proxy.stop(3_000);
  }
}

/**
 * A peer gateway in its own process, measured like the floor (no recorder scenario). It is installed on demand into
 * a cache directory outside the project; when it cannot be installed or started, its column says why.
 */
async function runPeer(name: PeerName, context: ConfigurationContext): Promise<TargetResults> {
  const { options, plan, workspace, mocks, heapProfileDir, log } = context;
  log(`peer gateway "${name}"`);
  const preload = join(workspace, 'tools/bench/loopback-listen.preload.cjs');
  const started = await ensurePortkeyInstalled(portkeyCacheDir(), log)
    .then((entry) => launchPortkey(entry, preload, options.alloc ? INSPECTOR_PORT_ARGS : []))
    .then(
      (peer) => ({ peer }),
      (error: unknown) => ({ reason: firstLine((error as Error).message) }),
    );
  if ('reason' in started) {
    log(`peer "${name}" not measured: ${started.reason}`);
    return { name, description: PORTKEY_DESCRIPTION, unavailable: started.reason, errors: [] };
  }
  const { peer } = started;
  try {
    const idleRssBytes = readProcessSample(peer.pid)?.rssBytes;
    const results = await runScenarios(
      {
        name,
        description: PORTKEY_DESCRIPTION,
        targets: portkeyTargets(peer.ready, mocks.urls),
        streamServerPid: peer.pid,
        components: async () => [
          { name, pids: [peer.pid] },
          { name: 'mock-upstream', pids: [mocks.processes.fast.pid] },
        ],
        assertAlive: () => {
          if (peer.exited) throw new Error(`${name} exited; its output:\n${peer.output().slice(-2_000)}`);
          assertMocksAlive(mocks);
        },
        // Nothing about a peer may end the run: an inspector that does not open only costs its allocation row.
        openInspector: options.alloc ? () => openInspector(peer) : undefined,
        gone: () => goneReason(peer),
        heapProfileFile: heapProfileDir && join(heapProfileDir, `${name}.heapprofile`),
      },
      { ...options, scenarios: options.scenarios.filter((scenario) => scenario !== 'recorder') },
      plan,
      log,
    );
    results.idleRssBytes = idleRssBytes;
    return results;
  } finally {
    await peer.stop(3_000);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}

function assertMocksAlive(mocks: MockFleet): void {
  for (const mock of Object.values(mocks.processes)) {
    if (mock.exited) throw new Error(`${mock.name} exited; its output:\n${mock.output().slice(-2_000)}`);
  }
}

function topology(machine: MachineInfo): string[] {
  return [
    `one machine, ${machine.cpus} CPUs, loopback only; nothing is pinned, every process competes for the same cores`,
    'load generator: this process (autocannon for saturation, undici for the paced, streaming and concurrent-stream clients)',
    'mock upstreams: three processes of dist/mock-upstream (fast; paced 200-chunk streams; slow long streams), recording off',
    'bare Node.js proxy (the floor): one process of dist/bench (node:http + undici, nothing else)',
    `peer gateways (--peers): one process each, installed outside the project (${PORTKEY_DESCRIPTION}), bound to 127.0.0.1 by a --require preload`,
    'allocation (--alloc): gateway, floor and peer processes started with --inspect-port=127.0.0.1:0 (no inspector open); SIGUSR1 opens it after the scenarios, for the sampling heap profiler\'s own window',
    'gateway: one process per configuration, started as in production (node dist/…/main.js)',
    'redis, limits and tracing configurations: recorder process, the local Redis and Postgres servers, and (tracing) an OTLP receiver process that counts spans',
  ];
}

function writeResults(results: BenchResults, outDir: string, startedAt: Date, complete: boolean): string[] {
  mkdirSync(outDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const files = [join(outDir, `${stamp}${complete ? '' : results.mode === 'smoke' ? '-smoke' : '-partial'}.json`)];
  // A complete full run also becomes latest.json, the result the documentation quotes (the only one under version
  // control); smoke runs and runs of a subset never replace it.
  if (complete) files.push(join(outDir, 'latest.json'));
  for (const file of files) writeFileSync(file, text);
  return files;
}
