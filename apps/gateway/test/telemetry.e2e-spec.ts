import { createTestDatabase, createTestRedisPrefix, startMockUpstream, startOtlpReceiver, type MockUpstream, type OtlpReceiver, type ReceivedSpan, type TestDatabase } from '@tollgate/testing';
import { ALICE_TOKEN } from './support/gateway-harness';
import { startGatewayProcess, writeConfigFile, type GatewayProcess } from '@tollgate/testing';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEYS = ['k0-long-key', 'k1-long-key'];
const PROMPT = 'the secret prompt text that must not be traced';
const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

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
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS }],
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

  const chat = (headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}`, ...headers },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: PROMPT }] }),
    }).then(async (response) => {
      await response.text();
      return response.headers.get('x-tollgate-interception-id')!;
    });

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
    });

    const attempts = inTrace((span) => span.name === 'tollgate.upstream').sort((a, b) => Number(a.attributes['tollgate.attempt']) - Number(b.attributes['tollgate.attempt']));
    expect(attempts.map((span) => [span.attributes['tollgate.attempt'], span.attributes['tollgate.key.hint'], span.attributes['http.response.status_code'], span.kind])).toEqual([
      [1, 'k0...ey', 429, SPAN_KIND.client],
      [2, 'k1...ey', 200, SPAN_KIND.client],
    ]);
    expect(attempts[0].attributes['tollgate.key.transition']).toBe('cooling:rate_limited');
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(interception.spanId);

    const [producer] = inTrace((span) => span.name === 'tollgate.record.interception.started');
    expect(producer.kind).toBe(SPAN_KIND.producer);
    expect(producer.parentSpanId).toBe(interception.spanId);
    expect(consumer.kind).toBe(SPAN_KIND.consumer);
    expect(consumer.service).toBe('tollgate-recorder');
    expect(consumer.parentSpanId).toBe(producer.spanId);
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

  it('exports no key, gateway token or prompt text in any attribute or event', async () => {
    await receiver.waitFor((span) => span.name === 'tollgate.recorder.interception.ended');
    expect(receiver.spans.length).toBeGreaterThan(10);
    const everything = receiver.spans.flatMap((span) => [span.name, ...span.strings]).join('\n');
    for (const secret of [...KEYS, ALICE_TOKEN, PROMPT]) expect(everything).not.toContain(secret);
  });
});
