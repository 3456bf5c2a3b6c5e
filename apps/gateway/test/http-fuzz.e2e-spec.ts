import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { SseParser } from '@tollgate/providers';
import { createTestRedisPrefix, startGatewayProcess, testRedisUrl, writeConfigFile, type GatewayProcess, type TestRedisPrefix } from '@tollgate/testing';
import { ALICE_TOKEN } from './support/gateway-harness';
import { fuzzCase, rawRequest, type FuzzCase } from './support/fuzz-requests';
import { BEHAVIOUR_HEADER, CASE_HEADER, RELAYED_MARK_HEADER, startHostileUpstream, type HostileUpstream } from './support/hostile-upstream';

/**
 * A bounded, seeded HTTP fuzz run against a real gateway process and an upstream that answers badly on purpose
 * (docs/fuzzing.md). FUZZ_SEED explores another seed; a failure names the seed and the case index to replay.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 17_005);
const REQUESTS = 2_000;
const CONCURRENCY = 16;
const RAW_REQUESTS = 300;
const POOL_KEYS = ['fuzz-pool-key-0000', 'fuzz-pool-key-1111'];
const USER_PROVIDER_KEY = 'sk-fuzz-user-provider-key-9999';
/** Client-side limit on a response, far above anything the gateway should send back. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The connection failed or was cut before the response ended. */
  transportError?: string;
}

/** Upstream answers that break the connection: the client may see its response cut short. */
const CUTTING_BEHAVIOURS = new Set(['json-truncated', 'broken-http', 'reset', 'gzip-lie']);
/** A passthrough relays the upstream's bytes as they come: a stream that breaks can only be cut there too. */
const CUTTING_PASSTHROUGH_BEHAVIOURS = new Set([...CUTTING_BEHAVIOURS, 'sse-truncated', 'sse-stall']);

function mayBeCut(fuzz: FuzzCase): boolean {
  return (fuzz.bridged ? CUTTING_BEHAVIOURS : CUTTING_PASSTHROUGH_BEHAVIOURS).has(fuzz.behaviour);
}

function send(gatewayUrl: string, agent: Agent, fuzz: FuzzCase, index: number): Promise<Outcome> {
  const url = new URL(gatewayUrl);
  return new Promise((resolveOutcome) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: fuzz.method,
        path: fuzz.path,
        agent,
        headers: {
          ...fuzz.headers,
          // Without a length Node's client sends a GET body unframed, and the server reads it as the next request.
          'content-length': String(fuzz.body.length),
          [BEHAVIOUR_HEADER]: fuzz.behaviour,
          [CASE_HEADER]: String(fuzz.caseNumber),
          'x-fuzz-index': String(index),
        },
        timeout: 30_000,
      },
      (response) => {
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        const done = (transportError?: string) =>
          resolveOutcome({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks), transportError });
        response.once('end', () => done());
        response.once('error', (error) => done(error.message));
        response.once('aborted', () => done('aborted'));
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new Error('client timeout')));
    outgoing.once('error', (error) => resolveOutcome({ body: Buffer.concat(chunks), transportError: error.message }));
    outgoing.end(fuzz.body);
  });
}

/** What is wrong with one answer, or `undefined`. */
function problemWith(fuzz: FuzzCase, outcome: Outcome): string | undefined {
  if (outcome.status === undefined) {
    return mayBeCut(fuzz) ? undefined : `no response: ${outcome.transportError}`;
  }
  const text = outcome.body.toString('utf8');
  for (const secret of [ALICE_TOKEN, USER_PROVIDER_KEY, ...POOL_KEYS]) {
    if (text.includes(secret) || JSON.stringify(outcome.headers).includes(secret)) return `a credential appears in clear in the answer`;
  }
  if (outcome.transportError && !mayBeCut(fuzz)) return `answer cut: ${outcome.transportError}`;
  if (fuzz.bridged && fuzz.behaviour === 'sse-pause-mid-event' && String(outcome.headers?.['content-type']).startsWith('text/event-stream')) {
    return pausedStreamProblem(outcome.body);
  }
  if (fuzz.bridged && BROKEN_STREAM_BEHAVIOURS.has(fuzz.behaviour) && String(outcome.headers?.['content-type']).startsWith('text/event-stream')) {
    return brokenStreamProblem(fuzz, outcome.body);
  }
  const relayed = outcome.headers?.[RELAYED_MARK_HEADER] !== undefined;
  if (outcome.status < 400 || relayed || fuzz.method === 'HEAD') return undefined;

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `gateway-made ${outcome.status} is not JSON: ${text.slice(0, 200)}`;
  }
  if (outcome.status >= 500 && outcome.status !== 502 && outcome.status !== 503 && outcome.status !== 504) {
    return `gateway-made ${outcome.status}: ${text.slice(0, 200)}`;
  }
  return fuzz.shape === 'openai' ? openaiShapeProblem(body) : anthropicShapeProblem(body);
}

/** Upstream streams that break after the first bytes: the client must get one error event, then the end. */
const BROKEN_STREAM_BEHAVIOURS = new Set(['sse-truncated', 'sse-stall']);

function brokenStreamProblem(fuzz: FuzzCase, body: Buffer): string | undefined {
  const parser = new SseParser();
  const events = [...parser.push(body), ...parser.end()];
  const last = events[events.length - 1];
  let data: unknown;
  try {
    data = JSON.parse(last?.data ?? '');
  } catch {
    return `a broken upstream stream did not end with an error event: ${body.toString('utf8').slice(-200)}`;
  }
  // A stream cut inside its very last line ending still carried every event: the gateway may end it normally.
  if (last.data === '[DONE]' || (data as { type?: unknown }).type === 'message_stop') return undefined;
  const problem = fuzz.shape === 'anthropic' ? anthropicShapeProblem(data) : (data as { type?: unknown }).type === 'error' ? undefined : openaiShapeProblem(data);
  return problem ? `broken stream, last event: ${problem}` : undefined;
}

/** An upstream silent mid-event, then whole again: every event the client parses must be intact. */
function pausedStreamProblem(body: Buffer): string | undefined {
  const parser = new SseParser();
  for (const event of [...parser.push(body), ...parser.end()]) {
    if (event.data === '[DONE]') continue;
    try {
      JSON.parse(event.data);
    } catch {
      return `a paused upstream stream reached the client altered: ${JSON.stringify(event.data.slice(0, 200))}`;
    }
  }
  return undefined;
}

function openaiShapeProblem(body: unknown): string | undefined {
  const error = (body as { error?: Record<string, unknown> })?.error;
  const ok =
    typeof error === 'object' &&
    error !== null &&
    typeof error.message === 'string' &&
    typeof error.type === 'string' &&
    (typeof error.code === 'string' || error.code === null) &&
    (body as { type?: unknown }).type === undefined;
  return ok ? undefined : `not the OpenAI error shape: ${JSON.stringify(body).slice(0, 200)}`;
}

function anthropicShapeProblem(body: unknown): string | undefined {
  const envelope = body as { type?: unknown; error?: Record<string, unknown> };
  const ok = envelope?.type === 'error' && typeof envelope.error === 'object' && envelope.error !== null && typeof envelope.error.type === 'string' && typeof envelope.error.message === 'string';
  return ok ? undefined : `not the Anthropic error shape: ${JSON.stringify(body).slice(0, 200)}`;
}

/** Writes raw bytes on a fresh connection and returns what came back before the gateway closed it (or 3 s). */
function sendRaw(gatewayUrl: string, bytes: Buffer): Promise<string> {
  const url = new URL(gatewayUrl);
  return new Promise((resolveAnswer) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolveAnswer(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, 3_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', finish);
    socket.once('error', finish);
  });
}

function decodeChunked(raw: string): string {
  let body = '';
  let rest = raw;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd < 0 || !(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** Every answer on the wire must be HTTP; an error among them must be JSON in a provider's error shape. */
function rawAnswerProblems(answer: string): string[] {
  const problems: string[] = [];
  for (const response of answer.split(/(?=HTTP\/1\.1 \d{3} )/).filter((part) => part !== '')) {
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(response)?.[1];
    if (!status) {
      problems.push(`not an HTTP answer: ${JSON.stringify(response.slice(0, 120))}`);
      continue;
    }
    if (Number(status) < 400) continue;
    const head = response.slice(0, response.indexOf('\r\n\r\n'));
    const rawBody = response.slice(head.length + 4);
    const body = /^transfer-encoding: *chunked/im.test(head) ? decodeChunked(rawBody) : rawBody;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      problems.push(`${status} answer body is not JSON: ${JSON.stringify(body.slice(0, 120))}`);
      continue;
    }
    if (openaiShapeProblem(parsed) && anthropicShapeProblem(parsed)) problems.push(`${status} not in a provider's error shape: ${body.slice(0, 160)}`);
  }
  return problems;
}

async function heapUsedBytes(gatewayUrl: string): Promise<number> {
  const metrics = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const line = metrics.split('\n').find((entry) => entry.startsWith('tollgate_process_nodejs_heap_size_used_bytes '));
  return Number(line?.split(' ')[1]);
}

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

function describeCase(fuzz: FuzzCase, index: number): string {
  const body = fuzz.body.length > 120 ? `${fuzz.body.subarray(0, 120).toString('utf8')}… (${fuzz.body.length} bytes)` : fuzz.body.toString('utf8');
  return `#${index} (seed ${SEED}) ${fuzz.method} ${fuzz.path.slice(0, 120)} upstream=${fuzz.behaviour}/${fuzz.caseNumber} headers=${Object.keys(fuzz.headers).join(',')} body=${JSON.stringify(body)}`;
}

describe('HTTP fuzz: random and mutated requests, hostile upstream', () => {
  let upstream: HostileUpstream;
  let gateway: GatewayProcess;
  let redisPrefix: TestRedisPrefix;

  beforeAll(async () => {
    upstream = await startHostileUpstream();
    redisPrefix = createTestRedisPrefix();
    const configPath = writeConfigFile({
      server: {
        maxBodyBytes: '256KiB',
        upstream: { connectTimeout: '2s', firstByteTimeout: '3s', idleTimeout: '1500ms' },
        // Pings during every upstream pause the hostile upstream makes (sse-pause-mid-event, sse-stall).
        anthropicPingInterval: '100ms',
        shutdown: { grace: 0, drainTimeout: '2s' },
      },
      providers: [
        // Cooldowns of 0: a key an upstream 429/401 marked is usable again at once, so every case reaches the upstream.
        { name: 'openai', type: 'openai', baseUrl: `${upstream.url}/openai/v1`, keys: POOL_KEYS, authFailure: 'cooldown', authCooldown: 0, defaultCooldown: 0, maxCooldown: 0 },
        { name: 'anthropic', type: 'anthropic', baseUrl: `${upstream.url}/anthropic`, keys: POOL_KEYS, authFailure: 'cooldown', authCooldown: 0, defaultCooldown: 0, maxCooldown: 0 },
      ],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
      circuitBreaker: { enabled: false },
      keyPool: { redisKeyPrefix: `${redisPrefix.prefix}:keys:` },
      recording: { queuePrefix: redisPrefix.prefix, failurePolicy: 'open' },
    });
    gateway = await startGatewayProcess('gateway', configPath, { REDIS_URL: testRedisUrl() });
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    await redisPrefix?.cleanup();
  });

  it(`survives ${REQUESTS} seeded cases: alive, no unhandled rejection, bounded memory, every gateway error in the route's shape`, async () => {
    const cases = fc.sample(fuzzCase({ token: ALICE_TOKEN, providerKey: USER_PROVIDER_KEY }), { seed: SEED, numRuns: REQUESTS });
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const problems: string[] = [];
    const statuses = new Map<number | string, number>();
    let heapAfterWarmUp = 0;
    let next = 0;
    const started = Date.now();

    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const outcome = await send(gateway.url, agent, cases[index], index);
        const key = outcome.status ?? 'cut';
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const problem = problemWith(cases[index], outcome);
        if (problem) problems.push(`${problem}\n    ${describeCase(cases[index], index)}`);
        if (index === 200) heapAfterWarmUp = await heapUsedBytes(gateway.url);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    const elapsedMs = Date.now() - started;

    const heapAtEnd = await heapUsedBytes(gateway.url);
    const resident = residentBytes(gateway.child.pid!);
    const health = await fetch(`${gateway.url}/healthz`);
    const output = gateway.output();
    // Recorded in docs/fuzzing.md.
    process.stdout.write(
      `http fuzz: seed ${SEED}, ${REQUESTS} requests in ${elapsedMs} ms, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `upstream saw ${upstream.received()}, heap ${Math.round(heapAfterWarmUp / 2 ** 20)} → ${Math.round(heapAtEnd / 2 ** 20)} MiB, RSS ${Math.round(resident / 2 ** 20)} MiB\n`,
    );

    expect(problems.slice(0, 10)).toEqual([]);
    expect(gateway.child.exitCode).toBeNull();
    expect(health.status).toBe(200);
    expect(output).not.toMatch(/unhandled|uncaught|"level":"fatal"/i);
    expect(heapAtEnd).toBeLessThan(heapAfterWarmUp + 96 * 2 ** 20);
    expect(resident).toBeLessThan(768 * 2 ** 20);
  }, 180_000);

  it('replays the cases other seeds found (regressions)', async () => {
    const agent = new Agent({ keepAlive: false });
    const regression = (method: string, path: string, shape: 'openai' | 'anthropic', stream?: Partial<FuzzCase>): FuzzCase => ({
      method,
      path,
      shape,
      bridged: false,
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, 'content-type': 'application/json' },
      body: Buffer.alloc(0),
      behaviour: 'json-ok',
      caseNumber: 0,
      ...stream,
    });
    const streaming = (model: string, behaviour: FuzzCase['behaviour']): Partial<FuzzCase> => ({
      bridged: true,
      behaviour,
      body: Buffer.from(JSON.stringify({ model, stream: true, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })),
    });
    const cases = [
      // Seed 3, case #1113: Fastify's FST_ERR_BAD_URL body instead of the OpenAI shape.
      regression('GET', '/zz-unknown/route/%ff%fe', 'openai'),
      regression('POST', '/v1/%c0%af', 'openai'),
      regression('GET', '/openai/v1/models/%ff', 'openai'),
      regression('GET', '/anthropic/v1/models/%ff%fe', 'anthropic'),
      // Upstream silent mid-event past the ping interval: the ping used to land inside the unfinished event.
      regression('POST', '/anthropic/v1/messages', 'anthropic', streaming('claude-fuzz', 'sse-pause-mid-event')),
      // Seed 17005 (generator of eb37b8e), case #359: the error event glued onto a line cut mid-way.
      regression('POST', '/openai/v1/chat/completions', 'openai', { ...streaming('gpt-fuzz', 'sse-truncated'), caseNumber: 1_483_235_304 }),
      regression('POST', '/anthropic/v1/messages', 'anthropic', { ...streaming('claude-fuzz', 'sse-truncated'), caseNumber: 200 }),
    ];
    const problems: string[] = [];
    for (const [index, fuzz] of cases.entries()) {
      const outcome = await send(gateway.url, agent, fuzz, index);
      const problem = problemWith(fuzz, outcome) ?? (outcome.status! < 400 && !outcome.headers?.[RELAYED_MARK_HEADER] ? `answered ${outcome.status}` : undefined);
      if (problem) problems.push(`${problem}\n    ${fuzz.method} ${fuzz.path}`);
    }
    agent.destroy();
    expect(problems).toEqual([]);
  });

  it(`survives ${RAW_REQUESTS} seeded malformed HTTP/1.1 messages on raw sockets, answering errors in a provider's shape`, async () => {
    const messages = fc.sample(rawRequest(ALICE_TOKEN), { seed: SEED, numRuns: RAW_REQUESTS });
    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const index = next++;
        for (const problem of rawAnswerProblems(await sendRaw(gateway.url, messages[index]))) {
          problems.push(`${problem}\n    #${index} (seed ${SEED}) sent ${JSON.stringify(messages[index].subarray(0, 200).toString('latin1'))}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(problems.slice(0, 10)).toEqual([]);
    expect(gateway.child.exitCode).toBeNull();
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect(gateway.output()).not.toMatch(/unhandled|uncaught|"level":"fatal"/i);
  }, 120_000);
});
