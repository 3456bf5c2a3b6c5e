import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startMockBedrock, type MockBedrock } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const FIRST = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SECOND = { accessKeyId: 'ASIAQWERTYUIOPEXAMPL', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789' };

// One tracer provider for the file: the gateway's spans, kept in memory.
const spans = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  trace.disable();
  context.disable();
});

describe.each([false, true])('Bedrock in the trace (streaming: %s)', (streaming) => {
  let bedrock: MockBedrock;
  let harness: Harness;

  beforeAll(async () => {
    bedrock = await startMockBedrock({ region: 'us-east-1', credentials: [FIRST, SECOND] });
    harness = await startHarness({
      env: { ID_1: FIRST.accessKeyId, SECRET_1: FIRST.secretAccessKey, ID_2: SECOND.accessKeyId, SECRET_2: SECOND.secretAccessKey, TOKEN_2: SECOND.sessionToken },
      providers: [
        {
          name: 'bedrock',
          type: 'anthropic',
          upstream: 'bedrock',
          region: 'us-east-1',
          baseUrl: bedrock.url,
          keys: [
            { accessKeyId: '${ID_1}', secretAccessKey: '${SECRET_1}' },
            { accessKeyId: '${ID_2}', secretAccessKey: '${SECRET_2}', sessionToken: '${TOKEN_2}' },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await harness.close();
    await bedrock.close();
  });

  it('names the Bedrock model id on the interception span, one upstream span per credential tried, no secret anywhere', async () => {
    bedrock.script(FIRST.accessKeyId, { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests' } });
    const response = await fetch(`${harness.url}/bedrock/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-opus-4-5', max_tokens: 10, stream: streaming, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const id = response.headers.get('x-tollgate-interception-id')!;
    await harness.sink.waitForEnded(id);

    const finished = spans.getFinishedSpans();
    const root = finished.find((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === id)!;
    expect(root.attributes).toMatchObject({ 'gen_ai.request.model': 'claude-opus-4-5', 'tollgate.upstream.model': 'us.anthropic.claude-opus-4-5-20251101-v1:0' });
    const inTrace = finished.filter((span) => span.spanContext().traceId === root.spanContext().traceId);
    expect(inTrace.filter((span) => span.name === 'tollgate.upstream').map((span) => [span.attributes['tollgate.key.hint'], span.attributes['http.response.status_code']])).toEqual([
      ['AKIA...MPLE', 429],
      ['ASIA...AMPL', 200],
    ]);
    const everything = JSON.stringify(inTrace.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })));
    for (const secret of [FIRST.secretAccessKey, SECOND.secretAccessKey, SECOND.sessionToken]) expect(everything).not.toContain(secret);
  });
});
