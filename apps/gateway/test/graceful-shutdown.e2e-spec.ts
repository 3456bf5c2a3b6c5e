import { Queue } from 'bullmq';
import { Client } from 'pg';
import {
  createTestDatabase,
  createTestRedisPrefix,
  queuedInterceptionEvents,
  startMockUpstream,
  testRedisUrl,
  waitUntil,
  type MockUpstream,
  type TestDatabase,
  type TestRedisPrefix,
} from '@tollgate/testing';
import { ALICE_TOKEN } from './support/gateway-harness';
import { startGatewayProcess, writeConfigFile, type GatewayProcess } from '@tollgate/testing';

const streamingChat = (gatewayUrl: string) =>
  fetch(`${gatewayUrl}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
    body: JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'drain me' }] }),
  }).then(async (response) => ({ id: response.headers.get('x-tollgate-interception-id')!, text: await response.text() }));

describe('SIGTERM drains the all-in-one gateway', () => {
  let mock: MockUpstream;
  let database: TestDatabase;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    mock = await startMockUpstream();
    database = await createTestDatabase();
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-long-key'] }],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
      server: { shutdown: { grace: '1s', drainTimeout: '20s' } },
    });
    gateway = await startGatewayProcess('tollgate', configPath, { DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await mock.close();
    await database.drop();
  });

  it('finishes every stream in flight, turns unready at once, refuses new connections after the grace, records every interception', async () => {
    mock.script('*', ...Array.from({ length: 3 }, () => ({ chunks: 12, chunkDelayMs: 150 })));
    const streams = Array.from({ length: 3 }, () => streamingChat(gateway.url));
    await mock.waitForRequest(2);

    const exited = gateway.stop('SIGTERM');
    const readiness = await fetch(`${gateway.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ status: 'draining' });

    // Once the grace is over the listener closes: a new connection is refused while the streams still run.
    const refused = () => fetch(`${gateway.url}/healthz`).then(() => false, () => true);
    await waitUntil(refused, 'new connections refused after the grace');

    const results = await Promise.all(streams);
    for (const { text } of results) expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await exited).toBe(0);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const rows = await client.query<{ id: string; ended_at: Date | null; error_type: string | null }>(
        'SELECT id, ended_at, error_type FROM interceptions WHERE id = ANY($1::uuid[])',
        [results.map((result) => result.id)],
      );
      expect(rows.rows).toHaveLength(3);
      for (const row of rows.rows) {
        expect(row.ended_at).not.toBeNull();
        expect(row.error_type).toBeNull();
      }
      const usages = await client.query('SELECT count(*)::int AS n FROM token_usages WHERE interception_id = ANY($1::uuid[])', [results.map((r) => r.id)]);
      expect(usages.rows[0].n).toBe(3);
    } finally {
      await client.end();
    }
  });
});

describe('SIGTERM drains the standalone gateway (Redis, BullMQ recording)', () => {
  const QUEUE_NAME = 'tollgate-interceptions';
  let mock: MockUpstream;
  let redis: TestRedisPrefix;
  let gateway: GatewayProcess;
  let queue: Queue;

  beforeAll(async () => {
    mock = await startMockUpstream();
    redis = createTestRedisPrefix();
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-long-key'] }],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
      server: { shutdown: { grace: '500ms', drainTimeout: '20s' } },
      keyPool: { redisKeyPrefix: `${redis.prefix}:keys:` },
      recording: { queueName: QUEUE_NAME, queuePrefix: redis.prefix },
    });
    gateway = await startGatewayProcess('gateway', configPath, { REDIS_URL: testRedisUrl() });
    queue = new Queue(QUEUE_NAME, { connection: { url: testRedisUrl() }, prefix: redis.prefix });
  });
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await queue?.close();
    await mock.close();
    await redis.cleanup();
  });

  it('finishes the stream in flight, queues its interception.ended before exiting, and exits 0', async () => {
    mock.script('*', { chunks: 12, chunkDelayMs: 150 });
    let streamDone = false;
    const stream = streamingChat(gateway.url).finally(() => (streamDone = true));
    await mock.waitForRequest(0);

    const exited = gateway.stop('SIGTERM');
    expect(streamDone).toBe(false);
    const { id, text } = await stream;
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await exited).toBe(0);

    // Nothing consumes the queue here: both events wait for a recorder, in batch jobs.
    const queued = (await queuedInterceptionEvents(queue))
      .filter(({ event }) => event.interceptionId === id)
      .sort((a, b) => (a.event.name === 'interception.started' ? -1 : b.event.name === 'interception.started' ? 1 : 0));
    expect(queued.map(({ event, jobState }) => [event.name, jobState])).toEqual([
      ['interception.started', 'waiting'],
      ['interception.ended', 'waiting'],
    ]);
    const [started, ended] = queued.map(({ event }) => event);
    expect(started).toMatchObject({ name: 'interception.started', interceptionId: id, streaming: true });
    expect(ended).toMatchObject({ name: 'interception.ended', interceptionId: id, credentialHint: 'k0...ey', tokenUsages: [expect.anything()] });
    expect(ended).not.toHaveProperty('error');
    expect(gateway.output()).toMatch(/"msg":"shut down cleanly"/);
  });
});
