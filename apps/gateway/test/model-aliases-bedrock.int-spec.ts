import { createServer } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import Anthropic from '@anthropic-ai/sdk';
import { FakeClock, MOCK_BEDROCK_TEXT, startMockBedrock, startMockUpstream, type MockBedrock, type MockUpstream } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

// AWS's documentation example credentials: never real.
const FIRST = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SECOND = { accessKeyId: 'ASIAQWERTYUIOPEXAMPL', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789' };
const DIRECT_KEY = 'sk-ant-direct-long-key';
const BEDROCK_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const THROTTLED = { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } };

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// One tracer provider for the whole file: the gateway's tracer is looked up once.
const spans = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  trace.disable();
  context.disable();
});

describe.each([false, true])('model alias Anthropic ⇄ Claude on Bedrock (streaming: %s)', (streaming) => {
  let mock: MockUpstream;
  let bedrock: MockBedrock;
  let harness: Harness;
  let downPort: number;

  beforeAll(async () => {
    mock = await startMockUpstream();
    bedrock = await startMockBedrock({ region: 'us-east-1', credentials: [FIRST, SECOND] });
    downPort = await closedPort();
  });
  afterAll(async () => {
    await bedrock.close();
    await mock.close();
  });
  beforeEach(async () => {
    mock.reset();
    bedrock.reset();
    spans.reset();
    harness = await startHarness({
      mock,
      clock: new FakeClock(Date.parse('2026-12-03T10:00:00Z')),
      env: { AWS_ID_1: FIRST.accessKeyId, AWS_SECRET_1: FIRST.secretAccessKey, AWS_ID_2: SECOND.accessKeyId, AWS_SECRET_2: SECOND.secretAccessKey, AWS_TOKEN_2: SECOND.sessionToken },
      providers: [
        { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: [DIRECT_KEY] },
        { name: 'anthropic-down', type: 'anthropic', baseUrl: `http://127.0.0.1:${downPort}/anthropic/v1`, keys: ['sk-ant-down-long-key'] },
        {
          name: 'bedrock',
          type: 'anthropic',
          upstream: 'bedrock',
          region: 'us-east-1',
          baseUrl: bedrock.url,
          keys: [
            { accessKeyId: '${AWS_ID_1}', secretAccessKey: '${AWS_SECRET_1}' },
            { accessKeyId: '${AWS_ID_2}', secretAccessKey: '${AWS_SECRET_2}', sessionToken: '${AWS_TOKEN_2}' },
          ],
        },
      ],
      routing: {
        aliases: [
          { name: 'claude', targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }, { provider: 'bedrock', model: 'claude-sonnet-4-5' }] },
          { name: 'claude-down', targets: [{ provider: 'anthropic-down', model: 'claude-sonnet-4-5' }, { provider: 'bedrock', model: 'claude-sonnet-4-5' }] },
          { name: 'claude-aws-first', targets: [{ provider: 'bedrock', model: 'claude-sonnet-4-5' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
        ],
      },
    });
  });
  afterEach(() => harness.close());

  /** One message through the official SDK on the direct provider's route, blocking or streaming. */
  const ask = async (model: string, provider = 'anthropic') => {
    const client = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: `${harness.url}/${provider}`, maxRetries: 0 });
    const request = { model, max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };
    if (!streaming) {
      const { data, response } = await client.messages.create(request).withResponse();
      return { message: data, id: response.headers.get('x-tollgate-interception-id')! };
    }
    const stream = client.messages.stream(request);
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    const id = (await stream.withResponse()).response.headers.get('x-tollgate-interception-id')!;
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    return { message, id };
  };
  const textOf = (message: Anthropic.Message) => message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  const metrics = async () => (await fetch(`${harness.url}/metrics`)).text();
  const expectServedByBedrock = async (id: string, message: Anthropic.Message, identities: string[]) => {
    expect(textOf(message)).toBe(MOCK_BEDROCK_TEXT);
    // Signed with each credential tried (the mock checks every signature), the model mapped to the Bedrock id.
    expect(bedrock.refused).toEqual([]);
    expect(bedrock.received.map((request) => request.identity)).toEqual(identities);
    expect(bedrock.received.map((request) => request.modelId)).toEqual(identities.map(() => BEDROCK_ID));
    expect(bedrock.received.at(-1)!.operation).toBe(streaming ? 'invoke-with-response-stream' : 'invoke');
    const ended = await harness.sink.waitForEnded(id);
    expect(ended).toMatchObject({ served: { providerName: 'bedrock', model: 'claude-sonnet-4-5' }, credentialHint: identities.at(-1) === FIRST.accessKeyId ? 'AKIA...MPLE' : 'ASIA...AMPL' });
    expect(ended.error).toBeUndefined();
    expect((await harness.sink.waitForStarted(id)).requestedModel).toBe('claude');
    expect(JSON.stringify(harness.logs)).not.toContain(FIRST.secretAccessKey);
  };

  it('the direct pool exhausted (every key 429): served by Bedrock, SigV4-signed, recorded, one span per target', async () => {
    mock.script(DIRECT_KEY, { status: 429, headers: { 'retry-after': '30' } });
    const { message, id } = await ask('claude');
    expect(mock.keysSeen()).toEqual([DIRECT_KEY]);
    await expectServedByBedrock(id, message, [FIRST.accessKeyId]);
    expect(await metrics()).toContain('tollgate_alias_fallbacks_total{alias="claude",from="anthropic",to="bedrock",reason="rate_limited"} 1');

    const finished = spans.getFinishedSpans();
    const root = finished.find((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === id)!;
    const targets = finished.filter((span) => span.name === 'tollgate.alias.target' && span.spanContext().traceId === root.spanContext().traceId);
    expect(targets.map((span) => [span.attributes['tollgate.provider.name'], span.attributes['tollgate.alias.outcome']])).toEqual([
      ['anthropic', 'rate_limited'],
      ['bedrock', 'served'],
    ]);
    const attempts = finished.filter((span) => span.name === 'tollgate.upstream' && span.spanContext().traceId === root.spanContext().traceId);
    expect(attempts.map((span) => [span.parentSpanContext?.spanId, span.attributes['tollgate.key.hint']])).toEqual([
      [targets[0].spanContext().spanId, 'sk-a...-key'],
      [targets[1].spanContext().spanId, 'AKIA...MPLE'],
    ]);
  });

  it('a direct 5xx (529 overloaded): served by Bedrock', async () => {
    mock.script(DIRECT_KEY, { status: 529 });
    const { message, id } = await ask('claude');
    await expectServedByBedrock(id, message, [FIRST.accessKeyId]);
    expect(await metrics()).toContain('tollgate_alias_fallbacks_total{alias="claude",from="anthropic",to="bedrock",reason="upstream_5xx"} 1');
  });

  it('the direct provider unreachable (connection refused): served by Bedrock', async () => {
    const { message, id } = await ask('claude-down');
    expect(bedrock.received).toHaveLength(1);
    expect(textOf(message)).toBe(MOCK_BEDROCK_TEXT);
    expect(await harness.sink.waitForEnded(id)).toMatchObject({ served: { providerName: 'bedrock', model: 'claude-sonnet-4-5' }, credentialHint: 'AKIA...MPLE' });
    expect(await metrics()).toContain('tollgate_alias_fallbacks_total{alias="claude-down",from="anthropic-down",to="bedrock",reason="connection"} 1');
  });

  it('Bedrock first, throttled on every credential: served by the direct Anthropic provider', async () => {
    bedrock.script(FIRST.accessKeyId, THROTTLED);
    bedrock.script(SECOND.accessKeyId, THROTTLED);
    const { message, id } = await ask('claude-aws-first');
    expect(bedrock.received.map((request) => request.identity)).toEqual([FIRST.accessKeyId, SECOND.accessKeyId]);
    expect(bedrock.refused).toEqual([]);
    expect(mock.keysSeen()).toEqual([DIRECT_KEY]);
    expect((mock.received[0].body as { model: string }).model).toBe('claude-sonnet-4-5');
    expect(textOf(message)).not.toBe(MOCK_BEDROCK_TEXT);
    expect(await harness.sink.waitForEnded(id)).toMatchObject({ served: { providerName: 'anthropic', model: 'claude-sonnet-4-5' }, credentialHint: 'sk-a...-key' });
    expect(await metrics()).toContain('tollgate_alias_fallbacks_total{alias="claude-aws-first",from="bedrock",to="anthropic",reason="rate_limited"} 1');
  });

  it('reached on the Bedrock provider route too, the alias starting at the direct provider', async () => {
    mock.script(DIRECT_KEY, { status: 503 });
    const { message, id } = await ask('claude', 'bedrock');
    await expectServedByBedrock(id, message, [FIRST.accessKeyId]);
  });
});
