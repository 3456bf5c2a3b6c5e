import { ApiError, GoogleGenAI } from '@google/genai';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { generateKeyEncryptionKey } from '@tollgate/byok';
import { InterceptionEventWriter } from '@tollgate/persistence';
import { hint } from '@tollgate/keypool';
import {
  FakeClock,
  MOCK_GEMINI_COUNT_TOKENS,
  MOCK_GEMINI_EMBEDDING_DIMENSIONS,
  MOCK_GEMINI_USAGE,
  geminiInvalidKeyBody,
  geminiRateLimitBody,
  mockText,
  startMockUpstream,
  waitFor,
  waitUntil,
  type MockUpstream,
} from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const MODEL = 'gemini-2.5-flash';
const USER_KEY = 'AIzaSyUserOwnKey-0123456789';

/** What the gateway records of the mock's default Gemini usage: prompt minus cached in, candidates plus thoughts out. */
const RECORDED_USAGE = {
  inputTokens: MOCK_GEMINI_USAGE.promptTokenCount - MOCK_GEMINI_USAGE.cachedContentTokenCount,
  outputTokens: MOCK_GEMINI_USAGE.candidatesTokenCount + MOCK_GEMINI_USAGE.thoughtsTokenCount,
  cacheReadInputTokens: MOCK_GEMINI_USAGE.cachedContentTokenCount,
  cacheWriteInputTokens: 0,
  extra: { thoughtsTokenCount: MOCK_GEMINI_USAGE.thoughtsTokenCount },
};

/**
 * The official `@google/genai` SDK, unchanged but for its base URL (and a gateway token as its API key), through a
 * `type: gemini` provider; and the gateway's own rules (key pool, BYOK, model policy, errors) in Google's shape.
 */
describe('Gemini API through the gateway', () => {
  let mock: MockUpstream;
  let harness: Harness;
  let clock: FakeClock;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    mock.reset();
    clock = new FakeClock(T0);
    harness = await startHarness({
      mock,
      clock,
      providers: [{ name: 'gemini', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: KEYS }],
      models: { deny: ['gemini-*-preview'] },
    });
  });
  afterEach(() => harness.close());

  // The SDK (3.x) calls the stable `v1` API unless told `apiVersion: 'v1beta'`; both are served.
  const sdk = (apiKey = ALICE_TOKEN, headers: Record<string, string> = {}) =>
    new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${harness.url}/gemini`, headers } });
  /** The interception's two events, once recorded (the only Gemini interception of the test unless `index`). */
  const recorded = async (index = 0) => {
    const started = await waitForEvent(() => harness.sink.events.filter((event) => event.name === 'interception.started')[index]);
    if (started.name !== 'interception.started') throw new Error('unreachable');
    return { started, ended: await harness.sink.waitForEnded(started.interceptionId) };
  };
  const keyStates = async () => {
    const response = await fetch(`${harness.url}/admin/v1/providers/gemini/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: Array<{ state: string; reason?: string; until?: string }> }).keys;
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': ALICE_TOKEN }) =>
    fetch(`${harness.url}/gemini${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const CONTENTS = { contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] };

  describe('the official SDK', () => {
    it('blocking generateContent: the answer, and the usage, model and key recorded', async () => {
      const answer = await sdk().models.generateContent({ model: MODEL, contents: 'Say hello' });
      expect(answer.text).toBe(mockText());
      expect(answer.usageMetadata).toEqual(MOCK_GEMINI_USAGE);

      const upstream = mock.received[0];
      expect(upstream.path).toBe(`/gemini/v1/models/${MODEL}:generateContent`);
      expect(upstream.credential).toBe(KEYS[0]);
      expect(JSON.stringify(upstream.headers)).not.toContain(ALICE_TOKEN);
      const { started, ended } = await recorded();
      expect(started).toMatchObject({ providerType: 'gemini', providerName: 'gemini', model: MODEL, streaming: false, metadata: { api: 'gemini-generate-content' } });
      expect(ended.credentialHint).toBe(hint(KEYS[0]));
      expect(ended.tokenUsages).toEqual([{ providerResponseId: expect.any(String), ...RECORDED_USAGE }]);
      expect(ended.prompt?.text).toBe('Say hello');
      expect(ended.error).toBeUndefined();

      const beta = new GoogleGenAI({ apiKey: ALICE_TOKEN, apiVersion: 'v1beta', httpOptions: { baseUrl: `${harness.url}/gemini` } });
      expect((await beta.models.generateContent({ model: MODEL, contents: 'Say hello' })).text).toBe(mockText());
      expect(mock.received[1].path).toBe(`/gemini/v1beta/models/${MODEL}:generateContent`);
    });

    it('streaming generateContent (alt=sse): the chunks, the last usage recorded', async () => {
      let text = '';
      let lastUsage: unknown;
      for await (const chunk of await sdk().models.generateContentStream({ model: MODEL, contents: 'Say hello' })) {
        text += chunk.text ?? '';
        lastUsage = chunk.usageMetadata;
      }
      expect(text).toBe(mockText());
      expect(lastUsage).toEqual(MOCK_GEMINI_USAGE);
      expect(mock.received[0].path).toBe(`/gemini/v1/models/${MODEL}:streamGenerateContent`);
      expect(mock.received[0].query).toEqual({ alt: 'sse' });
      const { started, ended } = await recorded();
      expect(started).toMatchObject({ providerType: 'gemini', model: MODEL, streaming: true });
      expect(ended.tokenUsages).toEqual([{ providerResponseId: expect.any(String), ...RECORDED_USAGE }]);
      expect(ended.error).toBeUndefined();
    });

    it('embedContent and batchEmbedContents: the vectors, recorded without usage (the API reports none)', async () => {
      const single = await sdk().models.embedContent({ model: 'gemini-embedding-001', contents: 'one' });
      expect(single.embeddings?.[0].values).toHaveLength(MOCK_GEMINI_EMBEDDING_DIMENSIONS);
      const batch = await sdk().models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two', 'three'] });
      expect(batch.embeddings).toHaveLength(3);
      expect(mock.received.map((request) => request.path)).toEqual([
        '/gemini/v1/models/gemini-embedding-001:batchEmbedContents',
        '/gemini/v1/models/gemini-embedding-001:batchEmbedContents',
      ]);
      for (const index of [0, 1]) {
        const { started, ended } = await recorded(index);
        expect(started).toMatchObject({ providerType: 'gemini', model: 'gemini-embedding-001', streaming: false, metadata: { api: 'gemini-embeddings' } });
        expect(ended).toMatchObject({ credentialHint: hint(KEYS[0]), tokenUsages: [] });
        expect(ended.error).toBeUndefined();
      }
    });

    it('countTokens and the model list pass through with a pool key; the list is filtered by model policy', async () => {
      const counted = await sdk().models.countTokens({ model: MODEL, contents: 'Say hello' });
      expect(counted.totalTokens).toBe(MOCK_GEMINI_COUNT_TOKENS);
      const names: string[] = [];
      for await (const model of await sdk().models.list()) names.push(model.name ?? '');
      expect(names).toEqual(['models/gemini-2.5-flash', 'models/gemini-2.5-pro', 'models/gemini-embedding-001']);
      expect((await sdk().models.get({ model: MODEL })).name).toBe(`models/${MODEL}`);
      expect(mock.received.map((request) => request.credential)).toEqual([KEYS[0], KEYS[0], KEYS[0]]);
      expect(harness.sink.events).toEqual([]);

      harness.gateway.runtime.applyConfig({ ...harness.config, models: { allow: ['gemini-2.5-pro'] } });
      const allowed: string[] = [];
      for await (const model of await sdk().models.list()) allowed.push(model.name ?? '');
      expect(allowed).toEqual(['models/gemini-2.5-pro']);
    });

    it('a model the policy refuses: 403 PERMISSION_DENIED in Google shape, nothing sent upstream', async () => {
      const refused = sdk().models.generateContent({ model: 'gemini-3-pro-preview', contents: 'hi' });
      await expect(refused).rejects.toBeInstanceOf(ApiError);
      await expect(refused).rejects.toMatchObject({ status: 403 });
      for (const path of ['/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse', '/v1beta/models/gemini-3-pro-preview:countTokens']) {
        const response = await post(path, CONTENTS);
        expect(response.status).toBe(403);
        const body = (await response.json()) as { error: { code: number; status: string; message: string } };
        expect(body).toEqual({ error: { code: 403, status: 'PERMISSION_DENIED', message: expect.stringContaining("model 'gemini-3-pro-preview' is not allowed") } });
      }
      const model = await fetch(`${harness.url}/gemini/v1beta/models/gemini-3-pro-preview`, { headers: { 'x-goog-api-key': ALICE_TOKEN } });
      expect(model.status).toBe(403);
      expect(mock.received).toEqual([]);
      const { started, ended } = await recorded();
      expect(started.model).toBe('gemini-3-pro-preview');
      expect(ended.error?.type).toBe('model_not_allowed');
    });
  });

  describe.each([false, true])('key pool (streaming: %s)', (streaming) => {
    const path = `/v1beta/models/${MODEL}:${streaming ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;

    it('a 429 RESOURCE_EXHAUSTED fails over; its RetryInfo delay is the key cooldown', async () => {
      mock.script(KEYS[0], { status: 429, body: geminiRateLimitBody('1.5s') });
      const response = await post(path, CONTENTS);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Hello');
      expect(mock.keysSeen()).toEqual([KEYS[0], KEYS[1]]);
      expect((await keyStates())[0]).toMatchObject({ state: 'cooling', reason: 'rate_limited', until: new Date(T0 + 1500).toISOString() });

      mock.script(KEYS[1], { status: 429, body: geminiRateLimitBody('37s') });
      mock.script(KEYS[2], { status: 429, body: geminiRateLimitBody('37s') });
      const exhausted = await post(path, CONTENTS);
      expect(exhausted.status).toBe(429);
      expect(exhausted.headers.get('retry-after')).toBe('2');
      expect(await exhausted.json()).toEqual({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: expect.stringContaining('rate-limited') } });
      expect((await keyStates()).map((key) => key.until)).toEqual([T0 + 1500, T0 + 37_000, T0 + 37_000].map((ms) => new Date(ms).toISOString()));
    });

    it('a 400 API_KEY_INVALID disables the key and fails over; any other 400 is the answer', async () => {
      mock.script(KEYS[0], { status: 400, body: geminiInvalidKeyBody() });
      const response = await post(path, CONTENTS);
      expect(response.status).toBe(200);
      expect(mock.keysSeen()).toEqual([KEYS[0], KEYS[1]]);
      expect((await keyStates())[0]).toMatchObject({ state: 'disabled', reason: 'unauthorized' });

      const invalid = { error: { code: 400, message: 'Invalid JSON payload received. Unknown name "foo".', status: 'INVALID_ARGUMENT' } };
      mock.script(KEYS[1], { status: 400, body: invalid });
      const refused = await post(path, { ...CONTENTS, foo: 1 });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual(invalid);
      expect(mock.keysSeen()).toEqual([KEYS[0], KEYS[1], KEYS[1]]);
      expect((await keyStates())[1].state).toBe('valid');
    });
  });

  describe('credentials', () => {
    it('the gateway token in the key query parameter is taken and never sent upstream', async () => {
      const response = await post(`/v1beta/models/${MODEL}:generateContent?key=${ALICE_TOKEN}`, CONTENTS, {});
      expect(response.status).toBe(200);
      const upstream = mock.received[0];
      expect(upstream.query).toEqual({});
      expect(upstream.headers['x-goog-api-key']).toBe(KEYS[0]);

      const streamed = await post(`/v1beta/models/${MODEL}:streamGenerateContent?key=${ALICE_TOKEN}&alt=sse`, CONTENTS, {});
      expect(streamed.status).toBe(200);
      await streamed.text();
      expect(mock.received[1].query).toEqual({ alt: 'sse' });
    });

    it.each([
      ['x-goog-api-key', (path: string) => path, { 'x-goog-api-key': USER_KEY, 'x-tollgate-token': ALICE_TOKEN }],
      ['the key query parameter', (path: string) => `${path}${path.includes('?') ? '&' : '?'}key=${USER_KEY}`, { 'x-tollgate-token': ALICE_TOKEN }],
      ['the key query parameter (token in x-goog-api-key)', (path: string) => `${path}${path.includes('?') ? '&' : '?'}key=${USER_KEY}`, { 'x-goog-api-key': ALICE_TOKEN }],
    ])('BYOK through %s: one attempt with the user key, in x-goog-api-key', async (_where, withKey, headers) => {
      for (const path of [`/v1beta/models/${MODEL}:generateContent`, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`]) {
        mock.reset();
        mock.script(USER_KEY, { status: 429, body: geminiRateLimitBody('5s') });
        const limited = await post(withKey(path), CONTENTS, headers);
        expect(limited.status).toBe(429);
        expect(mock.keysSeen()).toEqual([USER_KEY]);
        const served = await post(withKey(path), CONTENTS, headers);
        expect(served.status).toBe(200);
        await served.text();
        expect(mock.received[1].headers['x-goog-api-key']).toBe(USER_KEY);
        expect(mock.received[1].query.key).toBeUndefined();
        expect(JSON.stringify(mock.received[1].headers)).not.toContain(ALICE_TOKEN);
      }
      expect((await keyStates()).map((key) => key.state)).toEqual(['valid', 'valid', 'valid']);
      const { started, ended } = await recorded();
      expect(started).toMatchObject({ credentialKind: 'byok', credentialSource: 'request', credentialHint: hint(USER_KEY) });
      expect(ended.credentialHint).toBe(hint(USER_KEY));
    });

    it('no gateway token: 401 UNAUTHENTICATED; an unknown route: 404 NOT_FOUND (Google shape)', async () => {
      const missing = await post(`/v1beta/models/${MODEL}:generateContent`, CONTENTS, { 'x-goog-api-key': USER_KEY });
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ error: { code: 401, status: 'UNAUTHENTICATED', message: expect.any(String) } });
      const unknown = await post('/v1beta/tunedModels/mine:generateContent', CONTENTS);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: { code: 404, status: 'NOT_FOUND', message: expect.any(String) } });
      const stable = await post(`/v1/models/${MODEL}:generateContent`, CONTENTS);
      expect(stable.status).toBe(200);
      expect(mock.received.map((request) => request.path)).toEqual([`/gemini/v1/models/${MODEL}:generateContent`]);
    });
  });

  describe('streams', () => {
    it('the SSE bytes reach the client exactly as the upstream sent them', async () => {
      const response = await post(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, CONTENTS);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const sent = mock.received[0].answer?.events ?? [];
      expect(await response.text()).toBe(sent.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join(''));
    });

    it('an upstream that breaks mid-stream ends with one Google-shaped SSE error event; the usage seen is recorded', async () => {
      mock.script(KEYS[0], { dropAfterChunks: 2 });
      const response = await post(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, CONTENTS);
      const text = await response.text();
      expect(response.status).toBe(200);
      const last = text.trimEnd().split('\r\n\r\n').pop()!.split('\n\n').pop()!;
      expect(JSON.parse(last.slice('data: '.length))).toEqual({ error: { code: 500, status: 'INTERNAL', message: expect.stringContaining('upstream stream broke') } });
      const { ended } = await recorded();
      expect(ended.error?.type).toBe('upstream_stream_error');
      expect(ended.tokenUsages[0]).toMatchObject({ inputTokens: MOCK_GEMINI_USAGE.promptTokenCount, outputTokens: 0 });
    });

    it("streamGenerateContent without alt=sse is Google's JSON array, relayed whole and recorded", async () => {
      const response = await post(`/v1beta/models/${MODEL}:streamGenerateContent`, CONTENTS);
      expect(response.status).toBe(200);
      const chunks = (await response.json()) as unknown[];
      expect(chunks.length).toBeGreaterThan(1);
      const { started, ended } = await recorded();
      expect(started.streaming).toBe(false);
      expect(ended.tokenUsages).toEqual([{ providerResponseId: expect.any(String), ...RECORDED_USAGE }]);
    });
  });
});

describe('Gemini requests under limits, budgets and the circuit breaker', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    await harness?.mock.close();
  });

  const start = async (options: Parameters<typeof startHarness>[0] = {}) => {
    const mock = await startMockUpstream();
    harness = await startHarness({ ...options, mock, providers: [{ name: 'gemini', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: [KEYS[0]] }] });
    return harness;
  };
  const generate = (target: Harness, streaming: boolean, body: unknown = { contents: [{ parts: [{ text: 'hi' }] }] }, model = 'gemini-2.5-flash') =>
    fetch(`${target.url}/gemini/v1beta/models/${model}:${streaming ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': ALICE_TOKEN },
      body: JSON.stringify(body),
    });
  const tokensRemaining = async (target: Harness) => {
    const response = await fetch(`${target.url}/v1/me/limits`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    return ((await response.json()) as { items: Array<{ kind: string; remaining: number }> }).items.find((item) => item.kind === 'token')?.remaining;
  };

  it.each([false, true])('a token limit reserves generationConfig.maxOutputTokens and settles with the real usage (streaming: %s)', async (streaming) => {
    // A still clock: the bucket refills nothing while the test reads it.
    const target = await start({ clock: new FakeClock(T0), limits: { default: { tokensPerMinute: 10_000 } } });
    const body = { contents: [{ parts: [{ text: 'hi' }] }], generationConfig: { maxOutputTokens: 50 } };
    const response = await generate(target, streaming, body);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe(String(10_000 - Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 4) - 50));
    await response.text();
    await waitUntil(async () => (await tokensRemaining(target)) === 10_000 - MOCK_GEMINI_USAGE.totalTokenCount, 'the limit to settle with the usage');
  });

  it('a budget prices the path model and refuses in Google shape once spent', async () => {
    // 20 µ$: the default 4,096 output tokens of gemini-2.5-flash would cost more; 1 output token does not.
    const target = await start({ budgets: { default: { amount: 0.00002, period: 'day' } } });
    const refused = await generate(target, false);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: expect.any(String) } });
    const small = { contents: [{ parts: [{ text: 'hi' }] }], generationConfig: { maxOutputTokens: 1 } };
    const served = await generate(target, true, small);
    expect(served.status).toBe(200);
    await served.text();
    // The answer cost 36 µ$ (more than the budget): the next request is refused.
    await waitFor(async () => (await generate(target, false, small)).status, (status) => status === 429, 'the budget to be spent');
  });

  it('five 503s open the breaker for the model; it answers 503 UNAVAILABLE in Google shape, other models still pass', async () => {
    const target = await start();
    target.mock.script('*', ...Array.from({ length: 5 }, () => ({ status: 503 })));
    for (let i = 0; i < 5; i++) {
      const failed = await generate(target, i % 2 === 1);
      expect(failed.status).toBe(503);
      expect(await failed.json()).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
    }
    const open = await generate(target, true);
    expect(open.status).toBe(503);
    expect(await open.json()).toEqual({ error: { code: 503, message: 'circuit breaker is open', status: 'UNAVAILABLE' } });
    expect((await generate(target, false, undefined, 'gemini-2.5-pro')).status).toBe(200);
    expect(target.mock.received).toHaveLength(6);
  });
});

describe('Gemini interceptions in Postgres and in traces', () => {
  const spans = new InMemorySpanExporter();
  let database: IdentityDatabase;
  let harness: Harness;

  beforeAll(async () => {
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    database = await createIdentityDatabase();
    const mock = await startMockUpstream();
    harness = await startHarness({ mock, providers: [{ name: 'gemini', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: KEYS }] });
  }, 60_000);
  afterAll(async () => {
    await harness.close();
    await harness.mock.close();
    await database.drop();
    trace.disable();
    context.disable();
  });

  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${harness.url}/gemini${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': ALICE_TOKEN },
      body: JSON.stringify(body),
    });
    await response.text();
    const id = response.headers.get('x-tollgate-interception-id')!;
    await harness.sink.waitForEnded(id);
    await new InterceptionEventWriter(database.dataSource).applyBatch(harness.sink.events.filter((event) => event.interceptionId === id));
    const [row] = await database.dataSource.query(
      `SELECT provider AS provider_type, model, streaming, credential_hint, cost_micros, input_tokens, output_tokens, cache_read_input_tokens
         FROM interceptions LEFT JOIN (SELECT interception_id, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              sum(cache_read_input_tokens) AS cache_read_input_tokens FROM token_usages GROUP BY interception_id) usage ON usage.interception_id = interceptions.id
        WHERE id = $1`,
      [id],
    );
    const span = spans.getFinishedSpans().find((finished) => finished.name === 'tollgate.interception' && finished.attributes['tollgate.interception.id'] === id);
    return { row, attributes: span?.attributes };
  };

  it.each([false, true])('generateContent (streaming: %s): usage and cost in Postgres; a chat span of gcp.gemini', async (streaming) => {
    const path = `/v1beta/models/gemini-2.5-flash:${streaming ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
    const { row, attributes } = await call(path, { contents: [{ parts: [{ text: 'hi' }] }] });
    // 10 uncached × $0.30 + 13 out × $2.50 + 4 cached × $0.03 per million: 3 + 32.5 + 0.12 → 36 µ$.
    expect(row).toMatchObject({ provider_type: 'gemini', model: 'gemini-2.5-flash', streaming, credential_hint: hint(KEYS[0]), cost_micros: '36' });
    expect([row.input_tokens, row.output_tokens, row.cache_read_input_tokens].map(Number)).toEqual([
      RECORDED_USAGE.inputTokens,
      RECORDED_USAGE.outputTokens,
      RECORDED_USAGE.cacheReadInputTokens,
    ]);
    expect(attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'gen_ai.response.model': 'gemini-2.5-flash',
      'gen_ai.usage.input_tokens': MOCK_GEMINI_USAGE.promptTokenCount,
      'gen_ai.usage.output_tokens': RECORDED_USAGE.outputTokens,
      'tollgate.stream': streaming,
    });
  });

  it('embeddings: recorded with model and key, no token usage and no cost; an embeddings span', async () => {
    const { row, attributes } = await call('/v1beta/models/gemini-embedding-001:embedContent', { content: { parts: [{ text: 'hi' }] } });
    expect(row).toMatchObject({ provider_type: 'gemini', model: 'gemini-embedding-001', credential_hint: hint(KEYS[0]), cost_micros: '0', input_tokens: null });
    expect(attributes).toMatchObject({ 'gen_ai.provider.name': 'gcp.gemini', 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'gemini-embedding-001' });
  });
});

describe('a stored Gemini key', () => {
  const STORED_KEY = 'AIzaSyStoredKey-9876543210';
  let identity: IdentityDatabase;
  let harness: Harness;
  let token: string;

  const api = async (method: string, path: string, bearer: string, body?: unknown) => {
    const response = await fetch(`${harness.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    const mock = await startMockUpstream();
    harness = await startHarness({
      mock,
      identityStore: identity.store,
      env: { TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('test1') },
      identity: { pollInterval: '100ms' },
      providers: [{ name: 'gemini', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: KEYS }],
    });
    expect((await api('POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'gem-user' })).status).toBe(201);
    token = (await api('POST', '/admin/v1/users/gem-user/tokens', ADMIN_TOKEN, { name: 'laptop' })).json.token as string;
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await harness?.mock.close();
    await identity?.drop();
  });

  it('is checked for the AIza shape and verified with the model list, then used for Gemini requests', async () => {
    const refused = await api('PUT', '/v1/me/keys/gemini', token, { key: 'sk-not-a-gemini-key' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('a Gemini API key starts with AIza');

    const saved = await api('PUT', '/v1/me/keys/gemini', token, { key: STORED_KEY, verify: true });
    expect(saved.status).toBe(200);
    const check = harness.mock.received[0];
    expect([check.method, check.path, check.headers['x-goog-api-key']]).toEqual(['GET', '/gemini/v1beta/models', STORED_KEY]);

    for (const path of ['generateContent', 'streamGenerateContent?alt=sse']) {
      const response = await fetch(`${harness.url}/gemini/v1beta/models/gemini-2.5-flash:${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': token },
        body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
    }
    expect(harness.mock.received.slice(1).map((request) => request.headers['x-goog-api-key'])).toEqual([STORED_KEY, STORED_KEY]);
    const started = await waitFor(
      () => harness.sink.events.filter((event) => event.name === 'interception.started'),
      (events) => events.length === 2,
      'both interceptions to be recorded',
    );
    expect(started.map((event) => event.name === 'interception.started' && [event.credentialSource, event.credentialHint])).toEqual([
      ['stored', hint(STORED_KEY)],
      ['stored', hint(STORED_KEY)],
    ]);
  });
});

async function waitForEvent<T>(find: () => T | undefined): Promise<T> {
  return (await waitFor(find, (found) => found !== undefined, 'the interception to be recorded', 5_000)) as T;
}
