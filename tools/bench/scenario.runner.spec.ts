import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBenchOptions, type BenchOptions } from './bench-options';
import { SMOKE_PLAN, type BenchPlan } from './bench-plan';
import type { HttpTarget } from './bench-targets';
import { parsePrometheusText } from './prometheus-text.parser';
import { runScenarios, type ScenarioSubject } from './scenario.runner';

type RunOptions = Extract<BenchOptions, { command: 'run' }>;

const PLAN: BenchPlan = {
  ...SMOKE_PLAN,
  warmup: { connections: 2, durationMs: 100 },
  latency: { ratePerSecond: 200, durationMs: 250, connections: 2 },
};

/**
 * A stand-in gateway: answers every POST at once and exposes the counters its /metrics would have. Its request
 * durations sit in one bucket from 0 to 60 s, so the bench's measured p50 falls in it however fast the host answers
 * (with a first bucket ending at 0.5 ms the test failed now and then in full runs: a p50 measured below 0.5 ms is
 * the one way this fake's p50 could disagree).
 */
function fakeGateway(): Promise<{ server: Server; target: HttpTarget; scrape: () => Promise<ReturnType<typeof parsePrometheusText>> }> {
  let served = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      served += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const scrape = async () =>
    parsePrometheusText(
      [
        `tollgate_request_duration_seconds_bucket{route="openai-chat",le="60"} ${served}`,
        `tollgate_request_duration_seconds_bucket{route="openai-chat",le="+Inf"} ${served}`,
        `tollgate_request_duration_seconds_count{route="openai-chat"} ${served}`,
        `tollgate_upstream_attempt_duration_seconds_bucket{route="openai-chat",le="0.0005"} ${served}`,
        `tollgate_upstream_attempt_duration_seconds_bucket{route="openai-chat",le="+Inf"} ${served}`,
        `tollgate_upstream_attempt_duration_seconds_count{route="openai-chat"} ${served}`,
        `tollgate_tokens_total{kind="output"} ${served * 7}`,
      ].join('\n'),
    );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, scrape, target: { origin: `http://127.0.0.1:${port}`, path: '/fast/v1/chat/completions', headers: { 'content-type': 'application/json' } } });
    }),
  );
}

function subjectOf(target: HttpTarget, overrides: Partial<ScenarioSubject>): ScenarioSubject {
  return {
    name: 'embedded',
    description: '',
    targets: { fast: target, paced: target, slow: target },
    streamServerPid: process.pid,
    components: async () => [],
    assertAlive: () => undefined,
    ...overrides,
  };
}

const options = (argv: string[]) => parseBenchOptions(argv) as RunOptions;
const quiet = () => undefined;

describe('runScenarios', () => {
  let gateway: Awaited<ReturnType<typeof fakeGateway>>;
  beforeAll(async () => {
    gateway = await fakeGateway();
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => gateway.server.close(() => resolve()));
    gateway.server.closeAllConnections();
    await closed;
  });

  it('reads the gateway\'s metrics back around the latency window, after the warm-up has settled', async () => {
    const subject = subjectOf(gateway.target, { readback: { scrape: gateway.scrape, outputTokensPerAnswer: 7 } });
    const results = await runScenarios(subject, options(['--scenarios', 'latency', '--no-alloc']), PLAN, quiet);
    expect(results.errors).toEqual([]);
    const [window] = results.metricsReadback!.windows;
    expect(window.requests).toEqual({ counted: 50, answered: 50, sent: 50, agree: true });
    expect(window.outputTokens).toMatchObject({ counted: 350, agree: true });
    expect(results.metricsReadback!.agree).toBe(true);
  });

  it('reports a process that dies when its inspector opens as allocation not measured, and keeps the rest', async () => {
    const gone = 'tollgate exited (SIGTRAP): Check failed: jit_page.has_value().';
    const subject = subjectOf(gateway.target, {
      openInspector: () => Promise.reject(new Error(`opening the inspector: ${gone}`)),
      gone: () => gone,
    });
    const results = await runScenarios(subject, options(['--scenarios', 'latency']), PLAN, quiet);
    expect(results.errors).toEqual([]);
    expect(results.latency?.ok).toBe(50);
    expect(results.allocation).toBeUndefined();
    expect(results.allocationNotMeasured).toBe(`the process died in the allocation window (${gone})`);
  });
});
