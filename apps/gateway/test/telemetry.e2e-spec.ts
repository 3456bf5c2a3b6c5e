import { createTestDatabase, createTestRedisPrefix, startMockUpstream, startOtlpReceiver, type MockUpstream, type OtlpReceiver, type ReceivedSpan, type TestDatabase } from '@tollgate/testing';
import { ALICE_TOKEN } from './support/gateway-harness';
import { startGatewayProcess, writeConfigFile, type GatewayProcess } from '@tollgate/testing';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEYS = ['k0-long-key', 'k1-long-key'];
// A provider of its own for the all-keys-rate-limited case, so its cooling keys do not affect the other tests.
const LIMITED_KEYS = ['k2-limited-key', 'k3-limited-key'];
const BYOK_KEY = 'sk-byok-users-own-provider-key-0123456789';
const PROMPT = 'the secret prompt text that must not be traced';
const ANSWER = 'the secret answer text that must not be traced either';
const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS_ERROR = 2;
// MOCK_CHAT_USAGE: 12 prompt tokens (2 of them cached) and 7 completion tokens.
const USAGE = { 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 7 };

describe('one trace from the gateway through the queue into the recorder', () => {
  let receiver: OtlpReceiver;
  let mock: MockUpstream;
  let database: TestDatabase;
  let redisPrefix: ReturnType<typeof createTestRedisPrefix>;
  let gateway: GatewayProcess;
  let recorder: GatewayProcess;

  beforeAll(async () => {
    [receiver, mock, database] = await Promise.all([startOtlpReceiver(), startMockUpstream(), createTestDatabase()]);
    redisPrefix = createTestRedisPrefix();
    const configPath = writeConfigFile({
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS },
        { name: 'limited', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: LIMITED_KEYS },
        { name: 'gemini', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: KEYS },
      ],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
      keyPool: { redisKeyPrefix: `${redisPrefix.prefix}kp:` },
      recording: { queuePrefix: `${redisPrefix.prefix}bull` },
      server: { shutdown: { grace: 0, drainTimeout: '5s' } },
      logging: { level: 'info' },
    });
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' };
    [gateway, recorder] = await Promise.all([
      startGatewayProcess('gateway', configPath, { REDIS_URL, ...otel }),
      startGatewayProcess('recorder', configPath, { REDIS_URL, DATABASE_URL: database.url, PORT: '0', ...otel }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gateway?.stop(), recorder?.stop()]);
    await Promise.all([mock.close(), receiver.close(), redisPrefix.cleanup()]);
    await database.drop();
  });

  const chat = (headers: Record<string, string> = {}, options: { provider?: string; stream?: boolean } = {}) =>
    fetch(`${gateway.url}/${options.provider ?? 'openai'}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}`, ...headers },
      body: JSON.stringify({ model: 'gpt-test', stream: options.stream ?? false, messages: [{ role: 'user', content: PROMPT }] }),
    }).then(async (response) => {
      await response.text();
      return response.headers.get('x-tollgate-interception-id')!;
    });
  const interceptionSpan = (interceptionId: string) =>
    receiver.waitFor((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === interceptionId);
  const spansIn = (traceId: string, name: string) => receiver.spans.filter((span) => span.traceId === traceId && span.name === name);

  it('links server, interception, both upstream attempts, the producer, the consumer and its SQL', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '30' } });
    const interceptionId = await chat();

    const interception = await receiver.waitFor((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === interceptionId);
    const traceId = interception.traceId;
    const consumer = await receiver.waitFor((span) => span.name === 'tollgate.recorder.interception.started' && span.traceId === traceId);
    const isPostgres = (span: ReceivedSpan) => span.attributes['db.system.name'] === 'postgresql' || span.attributes['db.system'] === 'postgresql';
    const sql = await receiver.waitFor((span) => span.traceId === traceId && span.service === 'tollgate-recorder' && isPostgres(span));
    const inTrace = (predicate: (span: ReceivedSpan) => boolean) => receiver.spans.filter((span) => span.traceId === traceId && predicate(span));

    const [server] = inTrace((span) => span.kind === SPAN_KIND.server && span.service === 'tollgate-gateway');
    expect(interception.parentSpanId).toBe(server.spanId);
    expect(interception.kind).toBe(SPAN_KIND.internal);
    expect(interception.attributes).toMatchObject({
      'tollgate.provider.name': 'openai',
      'tollgate.route': 'openai-chat',
      'tollgate.credential.kind': 'centralized',
      'tollgate.user.id': 'alice',
      'gen_ai.request.model': 'gpt-test',
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.model': 'gpt-test',
      'tollgate.stream': false,
      ...USAGE,
    });
    expect(interception.statusCode).not.toBe(STATUS_ERROR);

    const selections = inTrace((span) => span.name === 'tollgate.keypool.select');
    expect(selections.map((span) => [span.attributes['tollgate.key.position'], span.attributes['tollgate.key.hint'], span.attributes['tollgate.keypool.outcome']])).toEqual([
      [0, 'k0...ey', 'selected'],
      [1, 'k1...ey', 'selected'],
    ]);
    for (const selection of selections) {
      expect(selection.kind).toBe(SPAN_KIND.internal);
      expect(selection.parentSpanId).toBe(interception.spanId);
    }

    const attempts = inTrace((span) => span.name === 'tollgate.upstream').sort((a, b) => Number(a.attributes['tollgate.attempt']) - Number(b.attributes['tollgate.attempt']));
    expect(attempts.map((span) => [span.attributes['tollgate.attempt'], span.attributes['tollgate.key.hint'], span.attributes['http.response.status_code'], span.kind])).toEqual([
      [1, 'k0...ey', 429, SPAN_KIND.client],
      [2, 'k1...ey', 200, SPAN_KIND.client],
    ]);
    expect(attempts[0].attributes['tollgate.key.transition']).toBe('cooling:rate_limited');
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(interception.spanId);

    // The event leaves in a batch: one producer span per batch, linked to the interception of each event in it.
    const producer = await receiver.waitFor((span) => span.name === 'tollgate.record.batch' && span.links.some((link) => link.spanId === interception.spanId));
    expect(producer.kind).toBe(SPAN_KIND.producer);
    expect(producer.service).toBe('tollgate-gateway');
    expect(producer.links.find((link) => link.spanId === interception.spanId)).toMatchObject({ traceId });
    expect(consumer.kind).toBe(SPAN_KIND.consumer);
    expect(consumer.service).toBe('tollgate-recorder');
    expect(consumer.parentSpanId).toBe(interception.spanId);
    expect(consumer.attributes['tollgate.interception.id']).toBe(interceptionId);

    const recorderSpans = new Map(inTrace((span) => span.service === 'tollgate-recorder').map((span) => [span.spanId, span]));
    let ancestor: ReceivedSpan | undefined = sql;
    while (ancestor && ancestor.name.startsWith('tollgate.recorder.') === false) ancestor = recorderSpans.get(ancestor.parentSpanId ?? '');
    expect(ancestor?.name).toMatch(/^tollgate\.recorder\.interception\./);
  });

  it('continues an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const interceptionId = await chat({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const interception = await receiver.waitFor((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === interceptionId);
    expect(interception.traceId).toBe(traceId);
    await receiver.waitFor((span) => span.name === 'tollgate.recorder.interception.ended' && span.traceId === traceId);
    expect(mock.received.at(-1)?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-`));
  });

  it('marks a streamed interception and records the usage of its last chunk', async () => {
    const interceptionId = await chat({}, { stream: true });
    const interception = await interceptionSpan(interceptionId);
    expect(interception.attributes).toMatchObject({ 'tollgate.stream': true, 'gen_ai.response.model': 'gpt-test', ...USAGE });
    expect(interception.statusCode).not.toBe(STATUS_ERROR);
  });

  it('sets ERROR status with the error type on an interception whose keys are all rate-limited', async () => {
    for (const key of LIMITED_KEYS) mock.script(key, { status: 429, headers: { 'retry-after': '30' } });
    const interceptionId = await chat({}, { provider: 'limited' });
    const interception = await interceptionSpan(interceptionId);
    expect(interception.statusCode).toBe(STATUS_ERROR);
    expect(interception.statusMessage).toBe('rate_limited');
    expect(interception.attributes).toMatchObject({ 'error.type': 'rate_limited', 'tollgate.provider.name': 'limited', 'tollgate.stream': false });
    expect(interception.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');

    const selections = spansIn(interception.traceId, 'tollgate.keypool.select').map((span) => span.attributes);
    expect(selections).toEqual([
      expect.objectContaining({ 'tollgate.key.position': 0, 'tollgate.key.hint': 'k2...ey', 'tollgate.keypool.outcome': 'selected' }),
      expect.objectContaining({ 'tollgate.key.position': 1, 'tollgate.key.hint': 'k3...ey', 'tollgate.keypool.outcome': 'selected' }),
      expect.objectContaining({ 'tollgate.keypool.outcome': 'exhausted' }),
    ]);
    expect(selections[2]).not.toHaveProperty('tollgate.key.hint');
    const attempts = spansIn(interception.traceId, 'tollgate.upstream').map((span) => span.attributes['http.response.status_code']);
    expect(attempts).toEqual([429, 429]);
  });

  it('a Gemini stream: a gcp.gemini chat span, and the gateway token in ?key= redacted from the server span', async () => {
    const response = await fetch(`${gateway.url}/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=${ALICE_TOKEN}&alt=sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: PROMPT }] }] }),
    });
    await response.text();
    const interception = await interceptionSpan(response.headers.get('x-tollgate-interception-id')!);
    expect(interception.attributes).toMatchObject({ 'gen_ai.provider.name': 'gcp.gemini', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gemini-2.5-flash', 'tollgate.stream': true });
    const server = await receiver.waitFor((span) => span.spanId === interception.parentSpanId);
    expect(server.kind).toBe(SPAN_KIND.server);
    expect(server.attributes['url.query']).toBe('key=REDACTED&alt=sse');
    // The upstream call went without the key parameter: nothing to redact on the client span.
    expect(mock.received.find((request) => request.provider === 'gemini')?.query).toEqual({ alt: 'sse' });
    for (const span of receiver.spans.filter((candidate) => candidate.traceId === interception.traceId)) {
      expect(JSON.stringify(span)).not.toContain(ALICE_TOKEN);
    }
  });

  it('exports no key, gateway token, prompt or answer text anywhere in a span, its status, events or resource', async () => {
    mock.script('*', { text: ANSWER }, { text: ANSWER }, { text: ANSWER });
    const interceptionIds = [
      await chat(),
      await chat({}, { stream: true }),
      // BYOK: the user's own provider key travels to the upstream, never onto a span.
      await chat({ authorization: `Bearer ${BYOK_KEY}`, 'x-tollgate-token': ALICE_TOKEN }),
      // Rate-limited (its keys cool from the test before): an error interception with no upstream call.
      await chat({}, { provider: 'limited' }),
    ];
    expect(mock.received.some((request) => request.credential === BYOK_KEY)).toBe(true);
    expect((await interceptionSpan(interceptionIds[2])).attributes['tollgate.credential.kind']).toBe('byok');
    const traceIds = new Set<string>();
    for (const interceptionId of interceptionIds) {
      const { traceId } = await interceptionSpan(interceptionId);
      traceIds.add(traceId);
      await receiver.waitFor((span) => span.name === 'tollgate.recorder.interception.ended' && span.traceId === traceId);
      await receiver.waitFor((span) => span.name === 'tollgate.record.batch' && span.links.some((link) => link.traceId === traceId));
    }

    // These requests' traces: both services, upstream calls, SQL, and an error status with its message.
    const scanned = receiver.spans.filter((span) => traceIds.has(span.traceId) || span.links.some((link) => traceIds.has(link.traceId)));
    expect(new Set(scanned.map((span) => span.service))).toEqual(new Set(['tollgate-gateway', 'tollgate-recorder']));
    expect(scanned.some((span) => span.statusMessage === 'rate_limited')).toBe(true);
    expect(scanned.length).toBeGreaterThan(20);
    const everything = receiver.spans.flatMap((span) => span.strings).join('\n');
    expect(everything).toContain('service.name'); // resource attributes are part of the scan
    for (const secret of [...KEYS, ...LIMITED_KEYS, BYOK_KEY, ALICE_TOKEN, PROMPT, ANSWER]) expect(everything).not.toContain(secret);
  });
});

describe('the standard sampler variables', () => {
  let receiver: OtlpReceiver;
  let mock: MockUpstream;
  let redisPrefix: ReturnType<typeof createTestRedisPrefix>;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    [receiver, mock] = await Promise.all([startOtlpReceiver(), startMockUpstream()]);
    redisPrefix = createTestRedisPrefix();
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS }],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
      keyPool: { redisKeyPrefix: `${redisPrefix.prefix}kp:` },
      recording: { queuePrefix: `${redisPrefix.prefix}bull` },
      server: { shutdown: { grace: 0, drainTimeout: '5s' } },
    });
    // Sample no new trace, but follow a caller's decision: what `parentbased_traceidratio` with ratio 0 means.
    gateway = await startGatewayProcess('gateway', configPath, {
      REDIS_URL,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([mock.close(), receiver.close(), redisPrefix.cleanup()]);
  });

  const chat = (headers: Record<string, string>) =>
    fetch(`${gateway.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}`, ...headers },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    }).then(async (response) => {
      await response.text();
      return response.headers.get('x-tollgate-interception-id')!;
    });

  it('traces a request whose caller sampled it, and none of the requests that start a trace here', async () => {
    const unsampled = await chat({});
    const sampledTrace = '0af7651916cd43dd8448eb211c80319c';
    const sampled = await chat({ traceparent: `00-${sampledTrace}-b7ad6b7169203331-01` });
    const span = await receiver.waitFor((candidate) => candidate.name === 'tollgate.interception' && candidate.attributes['tollgate.interception.id'] === sampled);
    expect(span.traceId).toBe(sampledTrace);
    // Spans are exported in the order they end: had the first request been traced, its spans would be here already.
    expect(receiver.spans.some((candidate) => candidate.attributes['tollgate.interception.id'] === unsampled)).toBe(false);
    expect(receiver.spans.filter((candidate) => candidate.name === 'tollgate.interception')).toHaveLength(1);
  });
});
