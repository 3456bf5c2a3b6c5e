import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { InterceptionEventWriter } from '@tollgate/persistence';
import { FakeClock, MOCK_EMBEDDING_DIMENSIONS, mockEmbeddingPromptTokens, startMockUpstream, startTestMcpServer, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, KEYS, errorJson, startHarness, type Harness, type HarnessOptions } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const AZURE_KEYS = ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'];
// 4,000 characters: 1,000 prompt tokens at the mock's rate, enough for a cost above one micro-dollar.
const DOCUMENT = 'lorem ipsum '.repeat(333) + 'dolo';

/** `openai`: OpenAI itself; `azure`: the classic deployment form; `azure-v1`: Azure's v1 endpoint. */
const PROVIDERS = [
  { provider: 'openai', upstreamPath: '/openai/v1/embeddings', key: KEYS[0], query: {} },
  { provider: 'azure', upstreamPath: '/azure/openai/deployments/emb-large/embeddings', key: AZURE_KEYS[0], query: { 'api-version': '2024-10-21' } },
  { provider: 'azure-v1', upstreamPath: '/azure/openai/v1/embeddings', key: AZURE_KEYS[0], query: {} },
];

function providers(mock: MockUpstream): Array<Record<string, unknown>> {
  return [
    { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS },
    {
      name: 'azure',
      type: 'openai',
      baseUrl: mock.azureEndpoint,
      auth: 'api-key',
      keys: AZURE_KEYS,
      azure: { apiVersion: '2024-10-21', deployments: { 'text-embedding-3-large': 'emb-large' } },
    },
    { name: 'azure-v1', type: 'openai', baseUrl: mock.azureV1BaseUrl, auth: 'api-key', keys: AZURE_KEYS },
  ];
}

describe.each(PROVIDERS)('POST /$provider/v1/embeddings', ({ provider, upstreamPath, key, query }) => {
  let mock: MockUpstream;
  let harness: Harness;
  let clock: FakeClock;
  const start = async (options: HarnessOptions = {}) => {
    harness = await startHarness({ mock, clock, providers: providers(mock), ...options });
  };
  const openai = () => new OpenAI({ apiKey: ALICE_TOKEN, baseURL: `${harness.url}/${provider}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(() => {
    mock.reset();
    clock = new FakeClock(T0);
  });
  afterEach(() => harness?.close());

  it('is intercepted: the SDK gets the vectors, the record has the usage, the input as prompt, no output', async () => {
    await start();
    const { data, response } = await openai().embeddings.create({ model: 'text-embedding-3-large', input: ['first text', DOCUMENT] }).withResponse();
    // The SDK asks for base64 and decodes it: the vectors arrive whole.
    expect(data.data.map((item) => item.embedding.length)).toEqual([MOCK_EMBEDDING_DIMENSIONS, MOCK_EMBEDDING_DIMENSIONS]);
    const promptTokens = mockEmbeddingPromptTokens(['first text', DOCUMENT]);
    expect(data.usage).toEqual({ prompt_tokens: promptTokens, total_tokens: promptTokens });

    const received = mock.received[0];
    expect({ path: received.path, query: received.query, credential: received.credential }).toEqual({ path: upstreamPath, query, credential: key });
    expect(received.body).toMatchObject({ model: 'text-embedding-3-large', input: ['first text', DOCUMENT] });

    const interceptionId = response.headers.get('x-tollgate-interception-id')!;
    const started = await harness.sink.waitForStarted(interceptionId);
    const ended = await harness.sink.waitForEnded(interceptionId);
    expect(started).toMatchObject({ providerName: provider, providerType: 'openai', model: 'text-embedding-3-large', streaming: false, metadata: { api: 'openai-embeddings' } });
    expect(ended.error).toBeUndefined();
    expect(ended.tokenUsages).toEqual([
      { providerResponseId: '', inputTokens: promptTokens, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} },
    ]);
    expect(ended.toolUsages).toEqual([]);
    expect(ended.prompt).toEqual({ providerResponseId: '', text: `first text\n${DOCUMENT}` });
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`tollgate_requests_total\\{provider="${provider}",route="openai-embeddings",status="200"\\} 1`));
  });

  it('never streams and injects nothing: stream: true is answered blocking', async () => {
    await start();
    const response = await fetch(`${harness.url}/${provider}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hello', stream: true, encoding_format: 'float' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    expect(text).toBe(JSON.stringify(mock.received[0].answer!.body));
    const ended = await harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
    expect(ended.tokenUsages[0].inputTokens).toBe(mockEmbeddingPromptTokens('hello'));
  });

  it('fails over on 429 with the shared cooldown; the failed key cools for the Retry-After', async () => {
    await start();
    mock.script(key, { status: 429, headers: { 'retry-after-ms': '4000' } });
    await openai().embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(mock.keysSeen()).toHaveLength(2);
    expect(mock.keysSeen()[0]).toBe(key);
    const states = await fetch(`${harness.url}/admin/v1/providers/${provider}/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const [first] = ((await states.json()) as { keys: Array<{ state: string; until?: string }> }).keys;
    expect(first).toMatchObject({ state: 'cooling', until: new Date(T0 + 4000).toISOString() });
  });

  it('is held to the model policy, recorded as refused, and never sent upstream', async () => {
    await start({ models: { deny: ['text-embedding-3-large'] } });
    const refused = openai().embeddings.create({ model: 'text-embedding-3-large', input: 'hello' });
    await expect(refused).rejects.toMatchObject({ status: 403, error: { code: 'model_not_allowed' } });
    expect(mock.received).toHaveLength(0);
    const allowed = await openai().embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(allowed.data).toHaveLength(1);
  });

  it('settles token limits with the real usage', async () => {
    await start({ limits: { default: { tokensPerMinute: 3000 } } });
    const response = await fetch(`${harness.url}/${provider}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: DOCUMENT }),
    });
    expect(response.status).toBe(200);
    await harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
    const limits = (await (await fetch(`${harness.url}/v1/me/limits`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } })).json()) as { items: unknown[] };
    expect(limits.items).toContainEqual(expect.objectContaining({ kind: 'token', limit: 3000, remaining: 3000 - mockEmbeddingPromptTokens(DOCUMENT) }));
  });

  it('answers a bad request in the OpenAI shape without calling upstream', async () => {
    await start();
    const response = await fetch(`${harness.url}/${provider}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ input: 'no model' }),
    });
    expect(response.status).toBe(400);
    expect((await errorJson(response)).error).toMatchObject({ type: 'invalid_request_error', message: 'request body must have a "model" string' });
    expect(mock.received).toHaveLength(0);
  });
});

describe('embeddings in the database', () => {
  let database: IdentityDatabase;
  let mock: MockUpstream;
  let harness: Harness;

  beforeAll(async () => {
    database = await createIdentityDatabase();
    mock = await startMockUpstream();
    harness = await startHarness({ mock, providers: providers(mock) });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await mock?.close();
    await database?.drop();
  });

  it('are recorded with input tokens and their cost; a token-id input records no prompt', async () => {
    const send = async (provider: string, input: unknown) => {
      const response = await fetch(`${harness.url}/${provider}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
        body: JSON.stringify({ model: 'text-embedding-3-large', input }),
      });
      expect(response.status).toBe(200);
      await response.text();
      const id = response.headers.get('x-tollgate-interception-id')!;
      await harness.sink.waitForEnded(id);
      return id;
    };
    const withText = await send('azure', DOCUMENT);
    const withTokens = await send('openai', [[1, 2, 3, 4, 5]]);

    const writer = new InterceptionEventWriter(database.dataSource);
    const { outcomes } = await writer.applyBatch(harness.sink.events);
    expect(outcomes.every((outcome) => outcome === 'recorded')).toBe(true);

    const rows: Array<{ id: string; model: string; input: string; output: string; cost: string; priced: boolean; prompts: string }> = await database.dataSource.query(
      `SELECT i.id, i.model, t.input_tokens::text AS input, t.output_tokens::text AS output, t.cost_micros::text AS cost, t.priced,
              (SELECT count(*) FROM user_prompts p WHERE p.interception_id = i.id)::text AS prompts
         FROM interceptions i JOIN token_usages t ON t.interception_id = i.id ORDER BY i.started_at`,
    );
    const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
    // text-embedding-3-large: $0.13 per million input tokens; 1,000 tokens → 130 µ$. The deployment name is not recorded.
    expect(byId[withText]).toMatchObject({ model: 'text-embedding-3-large', input: '1000', output: '0', cost: '130', priced: true, prompts: '1' });
    expect(byId[withTokens]).toMatchObject({ model: 'text-embedding-3-large', input: '5', output: '0', cost: '1', priced: true, prompts: '0' });
  });
});

describe('embeddings traced, with MCP tools configured', () => {
  const spans = new InMemorySpanExporter();

  beforeAll(() => {
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('is one embeddings operation in the trace, its input tokens on it, and no tool is injected', async () => {
    const mcp = await startTestMcpServer();
    const mock = await startMockUpstream();
    const harness = await startHarness({ mock, providers: providers(mock), mcp: { servers: [{ name: 'docs', url: mcp.url }] } });
    try {
      const response = await fetch(`${harness.url}/azure/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
        body: JSON.stringify({ model: 'text-embedding-3-large', input: 'hello there' }),
      });
      expect(response.status).toBe(200);
      await response.text();
      const id = response.headers.get('x-tollgate-interception-id')!;
      await harness.sink.waitForEnded(id);
      expect(mock.received[0].body).toEqual({ model: 'text-embedding-3-large', input: 'hello there' });

      const root = spans.getFinishedSpans().find((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === id)!;
      expect(root.attributes).toMatchObject({
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'text-embedding-3-large',
        'gen_ai.usage.input_tokens': mockEmbeddingPromptTokens('hello there'),
        'gen_ai.usage.output_tokens': 0,
        'tollgate.route': 'openai-embeddings',
      });
      const upstream = spans.getFinishedSpans().filter((span) => span.name === 'tollgate.upstream' && span.spanContext().traceId === root.spanContext().traceId);
      expect(upstream).toHaveLength(1);
    } finally {
      await harness.close();
      await mock.close();
      await mcp.close();
    }
  });
});
