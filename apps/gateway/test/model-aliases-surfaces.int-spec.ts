import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ConfigReloader } from '@tollgate/gateway';
import { InterceptionEventWriter } from '@tollgate/persistence';
import { createLogger, loadConfig } from '@tollgate/platform';
import { MOCK_ANTHROPIC_MODELS, MOCK_OPENAI_MODELS, startMockUpstream, startTestMcpServer, type MockUpstream } from '@tollgate/testing';
import { ALIASES, aliasProviders } from './support/alias-fixtures';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider JSON, asserted field by field
type Json = any;

const OA1 = 'oa-1-long-key';
const OA2 = 'oa-2-long-key';
const AZ1 = 'az-1-long-key';
const AN1 = 'an-1-long-key';
const BR1 = 'br-1-long-key';

const openaiHeaders = { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` };
const anthropicHeaders = { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' };
const chat = (model: string, stream = false) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] });

describe('model aliases: model lists, policies, reload, tracing, recording, SDKs', () => {
  let mock: MockUpstream;
  let harness: Harness | undefined;
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    mock = await startMockUpstream();
  });
  afterAll(async () => {
    await mock.close();
    trace.disable();
    context.disable();
  });
  beforeEach(() => {
    mock.reset();
    spans.reset();
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const start = async (options: Parameters<typeof startHarness>[0] = {}) => {
    harness = await startHarness({ mock, providers: aliasProviders(mock, 1), routing: { aliases: ALIASES }, ...options });
    return harness;
  };
  const get = async (h: Harness, path: string, headers: Record<string, string> = openaiHeaders) => {
    const response = await fetch(`${h.url}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const post = async (h: Harness, path: string, body: string, headers: Record<string, string> = openaiHeaders) => {
    const response = await fetch(`${h.url}${path}`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, text, id: response.headers.get('x-tollgate-interception-id')! };
  };

  describe('model lists', () => {
    it("lists each family's aliases after the provider's models, marked as the gateway's, on every provider of the family", async () => {
      const h = await start();
      for (const provider of ['openai', 'azure']) {
        const list = await get(h, `/${provider}/v1/models`);
        expect(list.status).toBe(200);
        expect(list.body.data.map((model: Json) => model.id)).toEqual([...MOCK_OPENAI_MODELS, 'smart', 'resilient']);
        expect(list.body.data.at(-2)).toEqual({ id: 'smart', object: 'model', created: 0, owned_by: 'tollgate' });
      }
      const anthropic = await get(h, '/anthropic/v1/models', anthropicHeaders);
      expect(anthropic.body.data.map((model: Json) => model.id)).toEqual([...MOCK_ANTHROPIC_MODELS, 'claude']);
      expect(anthropic.body.data.at(-1)).toEqual({ type: 'model', id: 'claude', display_name: 'claude (Tollgate alias)', created_at: '1970-01-01T00:00:00Z' });
      expect(anthropic.body.last_id).toBe('claude');
    });

    it('answers GET /v1/models/{alias} itself, and passes other models through', async () => {
      const h = await start();
      expect(await get(h, '/openai/v1/models/smart')).toEqual({ status: 200, body: { id: 'smart', object: 'model', created: 0, owned_by: 'tollgate' } });
      expect((await get(h, '/anthropic/v1/models/claude', anthropicHeaders)).body).toMatchObject({ type: 'model', id: 'claude' });
      expect(mock.received).toHaveLength(0);
      expect((await get(h, '/openai/v1/models/gpt-real')).body).toMatchObject({ id: 'gpt-real' });
      expect(mock.received).toHaveLength(1);
      // An alias of the other family is not this provider's: passed through.
      expect((await get(h, '/anthropic/v1/models/smart', anthropicHeaders)).body).toMatchObject({ id: 'smart', display_name: 'smart' });
    });

    it('filters aliases by model policy like models: the alias name and at least one target must be allowed', async () => {
      const h = await start({ models: { deny: ['resilient', 'azure/gpt-backup', 'anthropic/claude-primary', 'bedrock/claude-backup'] } });
      expect((await get(h, '/openai/v1/models')).body.data.map((model: Json) => model.id)).toEqual([...MOCK_OPENAI_MODELS, 'smart']);
      expect((await get(h, '/anthropic/v1/models', anthropicHeaders)).body.data.map((model: Json) => model.id)).toEqual(MOCK_ANTHROPIC_MODELS);
      expect((await get(h, '/openai/v1/models/resilient')).status).toBe(403);
    });
  });

  describe('model policy', () => {
    it('skips a target the caller may not use, and refuses when the alias name or every target is denied', async () => {
      const h = await start({ models: { deny: ['openai/gpt-primary', 'anthropic/claude-primary', 'bedrock/claude-backup', 'resilient'] } });
      const skipped = await post(h, '/openai/v1/chat/completions', chat('smart'));
      expect(skipped.status).toBe(200);
      expect(mock.keysSeen()).toEqual([AZ1]);
      expect(await h.sink.waitForEnded(skipped.id)).toMatchObject({ served: { providerName: 'azure', model: 'gpt-backup' } });
      expect(await h.sink.waitForStarted(skipped.id)).toMatchObject({ requestedModel: 'smart' });

      const aliasDenied = await post(h, '/openai/v1/chat/completions', chat('resilient'));
      expect(aliasDenied.status).toBe(403);
      expect(JSON.parse(aliasDenied.text).error).toMatchObject({ code: 'model_not_allowed' });

      const allDenied = await post(h, '/anthropic/v1/messages', JSON.stringify({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), anthropicHeaders);
      expect(allDenied.status).toBe(403);
      expect(JSON.parse(allDenied.text).error.message).toContain("no target of model alias 'claude' is allowed");
      expect(mock.keysSeen()).toEqual([AZ1]);
    });
  });

  describe('live reload', () => {
    it('applies new aliases to the next request, and keeps the running ones when a reload is invalid', async () => {
      const h = await start();
      const reloaded = loadConfig({
        env: {},
        document: {
          providers: aliasProviders(mock, 1),
          auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
          routing: { aliases: [{ name: 'smart', targets: [{ provider: 'azure', model: 'gpt-new' }] }] },
        },
      });
      h.gateway.runtime.applyConfig({ ...h.config, providers: reloaded.providers, routing: reloaded.routing });
      expect((await post(h, '/openai/v1/chat/completions', chat('smart'))).status).toBe(200);
      expect(mock.keysSeen()).toEqual([AZ1]);
      expect((mock.received[0].body as Json).model).toBe('gpt-new');
      expect((await get(h, '/openai/v1/models')).body.data.map((model: Json) => model.id)).toEqual([...MOCK_OPENAI_MODELS, 'smart']);

      const logs: string[] = [];
      const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _encoding, done) => (logs.push(chunk.toString()), done()) }) });
      const invalid = { providers: aliasProviders(mock, 1), routing: { aliases: [{ name: 'smart', targets: [{ provider: 'gone', model: 'x' }] }] } };
      const reloader = new ConfigReloader(h.gateway.runtime, () => loadConfig({ env: {}, document: invalid }), logger);
      expect(reloader.reload('test')).toBe('rejected');
      expect(logs.join('')).toContain('routing.aliases[0].targets[0].provider: unknown provider \\"gone\\"');
      mock.reset();
      expect((await post(h, '/openai/v1/chat/completions', chat('smart'))).status).toBe(200);
      expect((mock.received[0].body as Json).model).toBe('gpt-new');
    });
  });

  describe('tracing', () => {
    it('one span per target tried, children of the interception span, with provider, model and outcome', async () => {
      const h = await start();
      mock.script(OA1, { status: 503 });
      const sent = await post(h, '/openai/v1/chat/completions', chat('smart', true));
      expect(sent.status).toBe(200);
      const finished = spans.getFinishedSpans();
      const root = finished.find((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === sent.id)!;
      expect(root.attributes).toMatchObject({ 'tollgate.alias': 'smart', 'gen_ai.request.model': 'smart' });
      const targets = finished.filter((span) => span.name === 'tollgate.alias.target' && span.spanContext().traceId === root.spanContext().traceId);
      expect(targets.map((span) => span.attributes)).toEqual([
        {
          'tollgate.alias': 'smart',
          'tollgate.alias.target.position': 1,
          'tollgate.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-primary',
          'tollgate.alias.outcome': 'upstream_5xx',
          'http.response.status_code': 503,
          'error.type': 'upstream_5xx',
        },
        {
          'tollgate.alias': 'smart',
          'tollgate.alias.target.position': 2,
          'tollgate.provider.name': 'azure',
          'gen_ai.request.model': 'gpt-backup',
          'tollgate.alias.outcome': 'served',
          'http.response.status_code': 200,
        },
      ]);
      for (const span of targets) expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      // Each target's upstream attempts nest under its span.
      const attempts = finished.filter((span) => span.name === 'tollgate.upstream' && span.spanContext().traceId === root.spanContext().traceId);
      expect(attempts.map((span) => [span.parentSpanContext?.spanId, span.attributes['tollgate.key.hint']])).toEqual([
        [targets[0].spanContext().spanId, 'oa...ey'],
        [targets[1].spanContext().spanId, 'az...ey'],
      ]);
    });
  });

  describe('recorded in Postgres', () => {
    let database: IdentityDatabase;
    beforeAll(async () => {
      database = await createIdentityDatabase();
    });
    afterAll(() => database.drop());

    it.each([false, true])('the alias asked for, the serving provider, model and key hint, priced at the served model (streaming: %s)', async (stream) => {
      const h = await start({ });
      mock.script(OA1, { status: 429, headers: { 'retry-after': '30' } });
      mock.script(OA2, { status: 429, headers: { 'retry-after': '30' } });
      const sent = await post(h, '/openai/v1/chat/completions', chat('smart', stream));
      expect(sent.status).toBe(200);
      await h.sink.waitForEnded(sent.id);
      const events = h.sink.events.filter((event) => event.interceptionId === sent.id);
      const writer = new InterceptionEventWriter(database.dataSource);
      // Started first, ended in a later batch: the end updates the row.
      await writer.applyBatch(events.filter((event) => event.name === 'interception.started'));
      const [before] = await database.dataSource.query('SELECT provider_name, model, requested_model FROM interceptions WHERE id = $1', [sent.id]);
      expect(before).toEqual({ provider_name: 'openai', model: 'gpt-primary', requested_model: 'smart' });
      await writer.applyBatch(events.filter((event) => event.name === 'interception.ended'));
      const [row] = await database.dataSource.query('SELECT provider_name, model, requested_model, credential_hint FROM interceptions WHERE id = $1', [sent.id]);
      expect(row).toEqual({ provider_name: 'azure', model: 'gpt-backup', requested_model: 'smart', credential_hint: 'az...ey' });
    });

    it('both events in one batch become one row naming who served; a plain request has no requested model', async () => {
      const h = await start();
      mock.script(OA1, { status: 500 });
      const aliased = await post(h, '/openai/v1/chat/completions', chat('smart'));
      const plain = await post(h, '/openai/v1/chat/completions', chat('gpt-4o'));
      await h.sink.waitForEnded(aliased.id);
      await h.sink.waitForEnded(plain.id);
      await new InterceptionEventWriter(database.dataSource).applyBatch(h.sink.events.filter((event) => event.interceptionId === aliased.id || event.interceptionId === plain.id));
      const rows = await database.dataSource.query('SELECT id, provider_name, model, requested_model FROM interceptions WHERE id = ANY($1::uuid[]) ORDER BY started_at', [[aliased.id, plain.id]]);
      expect(rows.find((row: Json) => row.id === aliased.id)).toMatchObject({ provider_name: 'azure', model: 'gpt-backup', requested_model: 'smart' });
      expect(rows.find((row: Json) => row.id === plain.id)).toMatchObject({ provider_name: 'openai', model: 'gpt-4o', requested_model: null });
    });
  });

  describe('stored responses', () => {
    it('a response stored by a fallback target is owned in that provider, where its creator reaches it', async () => {
      const h = await start();
      mock.script(OA1, { status: 503 });
      const created = await post(h, '/openai/v1/responses', JSON.stringify({ model: 'smart', input: 'hi' }));
      expect(created.status).toBe(200);
      const id = JSON.parse(created.text).id as string;
      expect((await get(h, `/azure/v1/responses/${id}`)).status).toBe(200);
      expect((await get(h, `/openai/v1/responses/${id}`)).status).toBe(404);
    });
  });

  describe('upstream timeout', () => {
    it.each([false, true])('falls back when the first target does not answer within firstByteTimeout (streaming: %s)', async (stream) => {
      const h = await start({ server: { upstream: { firstByteTimeout: '300ms' } } });
      mock.script(OA1, { delayMs: 3_000 });
      const sent = await post(h, '/openai/v1/chat/completions', chat('smart', stream));
      expect(sent.status).toBe(200);
      expect(mock.keysSeen()).toEqual([OA1, AZ1]);
      expect(await (await fetch(`${h.url}/metrics`)).text()).toContain('tollgate_alias_fallbacks_total{alias="smart",from="openai",to="azure",reason="timeout"} 1');
    });
  });

  describe('official SDKs', () => {
    it('OpenAI and Anthropic clients use aliases blocking and streaming, falling back unseen', async () => {
      const h = await start();
      const openai = new OpenAI({ apiKey: ALICE_TOKEN, baseURL: h.openaiBaseUrl, maxRetries: 0 });
      const anthropic = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: h.anthropicBaseUrl, maxRetries: 0 });

      mock.script(OA1, { status: 502 });
      const completion = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0].message.content).toBeTruthy();
      const stream = await openai.chat.completions.create({ model: 'smart', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text.length).toBeGreaterThan(0);

      mock.script(AN1, { status: 529 });
      const message = await anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      expect(message.content[0].type).toBe('text');
      const streamed = await anthropic.messages.stream({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      expect(streamed.content[0].type).toBe('text');
      // The 502 and the 529 fell back; the other requests were served by their first target.
      expect(mock.keysSeen()).toEqual([OA1, AZ1, OA1, AN1, BR1, AN1]);
      expect((mock.received[1].body as Json).model).toBe('gpt-backup');
      expect((mock.received[4].body as Json).model).toBe('claude-backup');
    });
  });

  describe('the MCP tool loop', () => {
    it.each([false, true])('continues with the target that served the first iteration (streaming: %s)', async (stream) => {
      const mcp = await startTestMcpServer();
      try {
        const h = await start({ mcp: { servers: [{ name: 'docs', url: mcp.url }] } });
        mock.script(OA1, { status: 503 });
        mock.script(AZ1, { toolCall: { name: 'mcp_docs_search', arguments: { query: 'pool' } } });
        const sent = await post(h, '/openai/v1/chat/completions', chat('smart', stream));
        expect(sent.status).toBe(200);
        if (stream) expect(sent.text).toContain('data: [DONE]');
        expect(mock.keysSeen()).toEqual([OA1, AZ1, AZ1]);
        expect(mock.received.slice(1).map((request) => (request.body as Json).model)).toEqual(['gpt-backup', 'gpt-backup']);
        expect(await h.sink.waitForEnded(sent.id)).toMatchObject({ served: { providerName: 'azure', model: 'gpt-backup' } });
      } finally {
        await harness?.close();
        harness = undefined;
        await mcp.close();
      }
    });
  });
});
