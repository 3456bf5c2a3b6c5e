import { Writable } from 'node:stream';
import { Client } from 'pg';
import { MemoryKeyStateStore } from '@tollgate/keypool';
import type { INestMicroservice } from '@nestjs/common';
import { BullmqBatchClient, createGatewayApp, type GatewayApp } from '@tollgate/gateway';
import { createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger, loadConfig } from '@tollgate/platform';
import {
  MOCK_ANTHROPIC_USAGE,
  MOCK_CHAT_USAGE,
  MOCK_RESPONSES_USAGE,
  createTestDatabase,
  createTestRedisPrefix,
  startMockUpstream,
  waitUntil,
  type MockUpstream,
  type TestDatabase,
} from '@tollgate/testing';
import { startTestRecorder } from './recorder-test.harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'tg_recording_e2e_token';
const KEYS = ['k0-long-key', 'k1-long-key'];
const silent = () => createLogger({ level: 'warn', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

interface InterceptionRow {
  initiator_id: string;
  provider: string;
  provider_name: string;
  model: string;
  streaming: boolean;
  client: string;
  credential_kind: string;
  credential_hint: string;
  started_at: Date;
  ended_at: Date | null;
  error_type: string | null;
  error_message: string | null;
}

/** Requests of every kind through a real gateway, batches on the BullMQ queue in Redis and a real recorder, into Postgres. */
describe('recording: gateway → BullMQ batches → recorder → Postgres', () => {
  let mock: MockUpstream;
  let database: TestDatabase;
  let dataSource: TollgateDataSource;
  let redisPrefix: ReturnType<typeof createTestRedisPrefix>;
  let worker: INestMicroservice;
  let gateway: GatewayApp;
  let url: string;
  let db: Client;

  beforeAll(async () => {
    [mock, database] = await Promise.all([startMockUpstream(), createTestDatabase()]);
    redisPrefix = createTestRedisPrefix();
    const logger = silent();
    dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger });
    await runMigrations(dataSource);
    const queue = { queueName: 'tollgate-interceptions', prefix: `${redisPrefix.prefix}bull` };
    worker = await startTestRecorder({ dataSource, prefix: queue.prefix, queueName: queue.queueName, batchSize: 50, batchMaxWaitMs: 10 });
    const eventSender = new BullmqBatchClient({ redisUrl: REDIS_URL, queueName: queue.queueName, prefix: queue.prefix, attempts: 5, backoffMs: 100 });
    await eventSender.connect();
    const config = loadConfig({
      env: {},
      document: {
        server: { port: 0, shutdown: { grace: 0 } },
        providers: [
          { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS },
          { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: KEYS },
        ],
        auth: { tokens: [{ token: TOKEN, user: 'carol' }] },
      },
    });
    gateway = await createGatewayApp({
      config,
      logger,
      keyStateStore: new MemoryKeyStateStore(),
      eventSender,
    });
    url = await gateway.listen(0, '127.0.0.1');
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await gateway.close();
    await worker.close();
    await db.end();
    await dataSource.destroy();
    await Promise.all([mock.close(), redisPrefix.cleanup()]);
    await database.drop();
  });
  beforeEach(async () => {
    mock.reset();
    // Key state is shared by key fingerprint across providers: start every test with all keys valid.
    for (const provider of gateway.runtime.providers.all()) for (const position of [0, 1]) await provider.pool.enable(position);
  });

  async function send(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    const auth = path.startsWith('/anthropic') ? { 'x-api-key': TOKEN } : { authorization: `Bearer ${TOKEN}` };
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0', ...auth, ...headers },
      body: JSON.stringify(body),
    });
    await response.text();
    return { status: response.status, id: response.headers.get('x-tollgate-interception-id')! };
  }

  async function recorded(id: string) {
    const ended = async () => (await db.query('SELECT id FROM interceptions WHERE id = $1 AND ended_at IS NOT NULL', [id])).rows.length === 1;
    await waitUntil(ended, `interception ${id} recorded`);
    const query = async <T>(sql: string) => (await db.query<T & Record<string, unknown>>(sql, [id])).rows;
    const [interception] = await query<InterceptionRow>('SELECT * FROM interceptions WHERE id = $1');
    const usages = await query<{ input_tokens: string; output_tokens: string; cache_read_input_tokens: string; cache_write_input_tokens: string; extra: Record<string, number> }>(
      'SELECT input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, extra FROM token_usages WHERE interception_id = $1',
    );
    const prompts = await query<{ prompt: string }>('SELECT prompt FROM user_prompts WHERE interception_id = $1');
    const tools = await query<{ tool: string; input: string; injected: boolean }>('SELECT tool, input, injected FROM tool_usages WHERE interception_id = $1');
    return {
      interception,
      usages: usages.map((usage) => ({
        input: Number(usage.input_tokens),
        output: Number(usage.output_tokens),
        cacheRead: Number(usage.cache_read_input_tokens),
        cacheWrite: Number(usage.cache_write_input_tokens),
        extra: usage.extra,
      })),
      prompts: prompts.map((row) => row.prompt),
      tools,
    };
  }

  const chatUsage = { input: MOCK_CHAT_USAGE.prompt_tokens - 2, output: MOCK_CHAT_USAGE.completion_tokens, cacheRead: 2, cacheWrite: 0 };
  const responsesUsage = { input: MOCK_RESPONSES_USAGE.input_tokens - 3, output: MOCK_RESPONSES_USAGE.output_tokens, cacheRead: 3, cacheWrite: 0 };
  const anthropicUsage = {
    input: MOCK_ANTHROPIC_USAGE.input_tokens,
    output: MOCK_ANTHROPIC_USAGE.output_tokens,
    cacheRead: MOCK_ANTHROPIC_USAGE.cache_read_input_tokens,
    cacheWrite: MOCK_ANTHROPIC_USAGE.cache_creation_input_tokens,
  };

  it.each([
    ['openai chat', false, '/openai/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'chat prompt' }] }, 'openai', chatUsage],
    ['openai chat', true, '/openai/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'chat prompt' }] }, 'openai', chatUsage],
    ['responses', false, '/openai/v1/responses', { model: 'gpt-test', input: 'chat prompt' }, 'openai', responsesUsage],
    ['responses', true, '/openai/v1/responses', { model: 'gpt-test', input: 'chat prompt' }, 'openai', responsesUsage],
    ['anthropic', false, '/anthropic/v1/messages', { model: 'claude-test', max_tokens: 9, messages: [{ role: 'user', content: 'chat prompt' }] }, 'anthropic', anthropicUsage],
    ['anthropic', true, '/anthropic/v1/messages', { model: 'claude-test', max_tokens: 9, messages: [{ role: 'user', content: 'chat prompt' }] }, 'anthropic', anthropicUsage],
  ])('%s (stream: %s) is recorded with initiator, model, usage and prompt', async (_api, stream, path, body, provider, usage) => {
    const before = new Date();
    const { status, id } = await send(path, { ...body, stream });
    expect(status).toBe(200);
    const row = await recorded(id);
    expect(row.interception).toMatchObject({
      initiator_id: 'carol',
      provider,
      provider_name: provider,
      model: body.model,
      streaming: stream,
      client: 'curl',
      credential_kind: 'centralized',
      credential_hint: 'k0...ey',
      error_type: null,
    });
    expect(row.interception.started_at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 5);
    expect(row.interception.ended_at!.getTime()).toBeGreaterThanOrEqual(row.interception.started_at.getTime());
    expect(row.usages).toHaveLength(1);
    expect(row.usages[0]).toMatchObject(usage);
    expect(row.prompts).toEqual(['chat prompt']);
    expect(row.tools).toEqual([]);
  });

  it('records the tool calls the model chose, blocking and streaming', async () => {
    for (const stream of [false, true]) {
      mock.script('*', { toolCall: { name: 'lookup', arguments: { q: 'tollgate' } } });
      const { id } = await send('/anthropic/v1/messages', {
        model: 'claude-test',
        max_tokens: 9,
        stream,
        tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
        messages: [{ role: 'user', content: 'find it' }],
      });
      const row = await recorded(id);
      expect(row.tools).toEqual([{ tool: 'lookup', input: '{"q":"tollgate"}', injected: false }]);
    }
  });

  it('a centralized request that failed over k0 → k1 ends with hint k1...ey', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '1' } });
    const { status, id } = await send('/openai/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    expect(status).toBe(200);
    expect((await recorded(id)).interception.credential_hint).toBe('k1...ey');
  });

  it('a BYOK request keeps the hint of the client key', async () => {
    const { id } = await send('/openai/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }, {
      authorization: 'Bearer sk-byok-user-key-1234567',
      'x-tollgate-token': TOKEN,
    });
    expect((await recorded(id)).interception).toMatchObject({ credential_kind: 'byok', credential_hint: 'sk-b...4567' });
  });

  it('an interception where every key failed ends with the last key tried and the error', async () => {
    for (const key of KEYS) mock.script(key, { status: 401 });
    const { status, id } = await send('/anthropic/v1/messages', { model: 'claude-test', max_tokens: 9, messages: [{ role: 'user', content: 'x' }] });
    expect(status).toBe(502);
    expect((await recorded(id)).interception).toMatchObject({
      credential_hint: 'k1...ey',
      error_type: 'all_keys_failed',
      error_message: 'all configured keys failed authentication',
    });
  });
});
