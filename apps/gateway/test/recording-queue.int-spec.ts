// Batched recording against a real Redis, reached through a TCP proxy the tests cut and restore: requests never wait
// for the queue by default, the backlog is bounded (failurePolicy decides past it), and startedAck: queued refuses
// requests while Redis is down.
import { BullmqBatchClient, RedisTransportProbe } from '@tollgate/gateway';
import {
  createTestRedisPrefix,
  queuedInterceptionEvents,
  startMockUpstream,
  startTcpProxy,
  testRedisUrl,
  type MockUpstream,
  type TcpProxy,
  type TestRedisPrefix,
} from '@tollgate/testing';
import { Queue } from 'bullmq';
import { ALICE_TOKEN, errorJson, startHarness, type Harness } from './support/gateway-harness';

const QUEUE_NAME = 'interceptions';

describe('batched recording on a real Redis', () => {
  let mock: MockUpstream;
  let redisPrefix: TestRedisPrefix;
  let proxy: TcpProxy;
  let queue: Queue;
  let harness: Harness | undefined;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());

  beforeEach(async () => {
    redisPrefix = createTestRedisPrefix();
    const redis = new URL(testRedisUrl());
    proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    queue = new Queue(QUEUE_NAME, { connection: { url: testRedisUrl() }, prefix: redisPrefix.prefix });
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await queue.close();
    await proxy.close();
    await redisPrefix.cleanup();
  });

  async function start(recording: Record<string, unknown>): Promise<Harness> {
    const redisUrl = proxy.rewrite(testRedisUrl());
    const eventSender = new BullmqBatchClient({ redisUrl, queueName: QUEUE_NAME, prefix: redisPrefix.prefix, attempts: 3, backoffMs: 100 });
    const recordingProbe = new RedisTransportProbe({ redisUrl, timeoutMs: 300 });
    await eventSender.connect();
    harness = await startHarness({ mock, eventSender, recordingProbe, recording: { enqueueTimeout: '500ms', ...recording } });
    return harness;
  }

  /** One request recorded end to end: the queue's connection is up before a test cuts it. */
  async function warmUp(gateway: Harness): Promise<void> {
    const id = (await chat(gateway)).headers.get('x-tollgate-interception-id')!;
    expect(await queuedEventsOf([id])).toEqual(both([id]));
  }

  const chat = (gateway: Harness) =>
    fetch(`${gateway.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
  const messages = (gateway: Harness) =>
    fetch(`${gateway.anthropicBaseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN },
      body: JSON.stringify({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });

  async function metric(gateway: Harness, name: string): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
  }

  /** Waits until the queue holds both events of every interception named. */
  async function queuedEventsOf(ids: string[]): Promise<string[]> {
    const wanted = new Set(ids);
    for (let tries = 0; ; tries++) {
      const events = (await queuedInterceptionEvents(queue)).filter(({ event }) => wanted.has(event.interceptionId));
      if (events.length >= ids.length * 2 || tries > 400) return events.map(({ event }) => `${event.interceptionId}:${event.name}`).sort();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const both = (ids: string[]) => ids.flatMap((id) => [`${id}:interception.ended`, `${id}:interception.started`]).sort();

  it('puts many events in few jobs, one per batch', async () => {
    const gateway = await start({ batch: { maxEvents: 8, maxDelay: '50ms' } });
    const responses = await Promise.all(Array.from({ length: 12 }, () => chat(gateway)));
    const ids = responses.map((response) => response.headers.get('x-tollgate-interception-id')!);
    expect(await queuedEventsOf(ids)).toEqual(both(ids));
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs.every((job) => job.name === 'interception.batch' && job.id === `batch_${job.data.batchId}`)).toBe(true);
    expect(jobs.length).toBeLessThanOrEqual(6);
    expect(jobs[0].opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 100 }, removeOnFail: false });
  });

  it('startedAck none: serves while Redis is down and delivers the held events once it is back', async () => {
    const gateway = await start({});
    await warmUp(gateway);
    proxy.cut();
    const responses = [await chat(gateway), await messages(gateway)];
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const ids = responses.map((response) => response.headers.get('x-tollgate-interception-id')!);
    expect(await metric(gateway, 'tollgate_recording_pending_events')).toBe(4);

    proxy.resume();
    expect(await queuedEventsOf(ids)).toEqual(both(ids));
    expect(await metric(gateway, 'tollgate_recording_pending_events')).toBe(0);
    expect(await metric(gateway, 'tollgate_recording_enqueue_failures_total')).toBeGreaterThan(0);
  });

  it('failurePolicy closed: once the bound is reached with Redis down, refuses with 503 in the provider shape, upstream untouched', async () => {
    const gateway = await start({ maxPendingEvents: 4 });
    await warmUp(gateway);
    proxy.cut();
    const served = [await chat(gateway), await chat(gateway)];
    expect(served.map((response) => response.status)).toEqual([200, 200]);
    const upstreamCalls = mock.received.length;

    const openai = await chat(gateway);
    expect(openai.status).toBe(503);
    expect(openai.headers.get('retry-after')).toBe('1');
    expect((await errorJson(openai)).error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    const anthropic = await messages(gateway);
    expect(anthropic.status).toBe(503);
    expect(await errorJson(anthropic)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(mock.received.length).toBe(upstreamCalls);
    expect(await metric(gateway, 'tollgate_recording_refused_total')).toBe(2);
    expect(await metric(gateway, 'tollgate_recording_pending_events')).toBe(4);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);

    proxy.resume();
    const ids = served.map((response) => response.headers.get('x-tollgate-interception-id')!);
    expect(await queuedEventsOf(ids)).toEqual(both(ids));
    expect((await chat(gateway)).status).toBe(200);
  });

  it('failurePolicy open: past the bound serves the request, counts and logs each dropped event', async () => {
    const gateway = await start({ maxPendingEvents: 2, failurePolicy: 'open' });
    await warmUp(gateway);
    proxy.cut();
    const kept = await chat(gateway);
    const dropped = await chat(gateway);
    expect([kept.status, dropped.status]).toEqual([200, 200]);
    const droppedId = dropped.headers.get('x-tollgate-interception-id')!;
    expect(await metric(gateway, 'tollgate_recording_events_dropped_total')).toBe(2);
    const warnings = gateway.logs.map((line) => JSON.parse(line)).filter((entry) => entry.interceptionId === droppedId && entry.level === 'warn');
    expect(warnings.map((entry) => [entry.event, entry.msg])).toEqual([
      ['interception.started', 'recording backlog full: event dropped (failurePolicy: open)'],
      ['interception.ended', 'recording backlog full: event dropped (failurePolicy: open)'],
    ]);

    proxy.resume();
    const keptId = kept.headers.get('x-tollgate-interception-id')!;
    expect(await queuedEventsOf([keptId])).toEqual(both([keptId]));
    expect((await queuedInterceptionEvents(queue)).some(({ event }) => event.interceptionId === droppedId)).toBe(false);
  });

  it('startedAck queued: the started event is in Redis before the answer, and Redis down means 503 (closed)', async () => {
    const gateway = await start({ startedAck: 'queued' });
    const served = await chat(gateway);
    expect(served.status).toBe(200);
    const servedId = served.headers.get('x-tollgate-interception-id')!;
    const queued = await queuedInterceptionEvents(queue);
    expect(queued.some(({ event }) => event.interceptionId === servedId && event.name === 'interception.started')).toBe(true);

    proxy.cut();
    const upstreamCalls = mock.received.length;
    const refused = await chat(gateway);
    expect(refused.status).toBe(503);
    expect((await errorJson(refused)).error.message).toMatch(/cannot record this request right now/);
    expect(mock.received.length).toBe(upstreamCalls);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);

    // Not lost: the refused request is recorded too, as refused, once Redis is back.
    proxy.resume();
    const refusedId = refused.headers.get('x-tollgate-interception-id')!;
    expect(await queuedEventsOf([refusedId])).toEqual(both([refusedId]));
    const ended = (await queuedInterceptionEvents(queue)).find(({ event }) => event.interceptionId === refusedId && event.name === 'interception.ended');
    expect(ended?.event).toMatchObject({ error: { type: 'recording_unavailable' } });
  });

  it('startedAck queued with failurePolicy open: serves while Redis is down, with a warning', async () => {
    const gateway = await start({ startedAck: 'queued', failurePolicy: 'open' });
    await warmUp(gateway);
    proxy.cut();
    const response = await chat(gateway);
    expect(response.status).toBe(200);
    const id = response.headers.get('x-tollgate-interception-id')!;
    const warning = gateway.logs.map((line) => JSON.parse(line)).find((entry) => entry.interceptionId === id && entry.level === 'warn');
    expect(warning?.msg).toBe('recording unavailable; serving anyway (failurePolicy: open)');
    proxy.resume();
    expect(await queuedEventsOf([id])).toEqual(both([id]));
  });
});
