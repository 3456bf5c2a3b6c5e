import { ALICE_TOKEN, errorJson, startHarness, type Harness } from './support/gateway-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], ...extra });
const messagesBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra });

describe('gateway HTTP rules', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      server: { maxBodyBytes: 4096, anthropicPingInterval: '100ms', upstream: { firstByteTimeout: '300ms', idleTimeout: '400ms' } },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.mock.reset();
    harness.sink.events.length = 0;
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${harness.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const asAlice = { authorization: `Bearer ${ALICE_TOKEN}` };
  const anthropicAsAlice = { 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' };

  describe('routing', () => {
    it.each([
      ['GET', '/openai/v1/files', 'openai'],
      ['POST', '/openai/v1/completions', 'openai'],
      ['DELETE', '/openai/v1/models/x', 'openai'],
      ['POST', '/anthropic/v1/models', 'anthropic'],
      ['GET', '/anthropic/v1/messages', 'anthropic'],
      ['GET', '/unknown-provider/v1/models', 'openai'],
      ['GET', '/', 'openai'],
    ])('%s %s → 404 in the %s shape, nothing upstream', async (method, path, shape) => {
      const response = await fetch(`${harness.url}${path}`, { method, headers: asAlice });
      expect(response.status).toBe(404);
      const body = await errorJson(response);
      expect(body.error.message).toBe(`route not supported: ${method} ${path}`);
      if (shape === 'anthropic') expect(body.type).toBe('error');
      else expect(body.error).toHaveProperty('param', null);
      expect(harness.mock.received).toHaveLength(0);
    });

    it('keeps the query string and the base URL path on the upstream call', async () => {
      const response = await fetch(`${harness.url}/openai/v1/models?limit=2&after=x`, { headers: asAlice });
      expect(response.status).toBe(200);
      expect(harness.mock.received[0].path).toBe('/openai/v1/models');
      expect(harness.mock.received[0].query).toEqual({ limit: '2', after: 'x' });
    });

    it('serves health, readiness and metrics without a token', async () => {
      expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${harness.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { keyState: 'memory' } });
      const metrics = await (await fetch(`${harness.url}/metrics`)).text();
      expect(metrics).toContain('tollgate_key_pool_keys{provider="openai",state="valid"} 3');
      expect(metrics).toMatch(/tollgate_requests_total\{provider="openai",route="passthrough",status="200"\} [1-9]/);
    });
  });

  describe('gateway tokens', () => {
    it.each([
      ['X-Tollgate-Token', { 'x-tollgate-token': ALICE_TOKEN }],
      ['Authorization: Bearer', { authorization: `Bearer ${ALICE_TOKEN}` }],
      ['X-Api-Key', { 'x-api-key': ALICE_TOKEN }],
    ])('accepts the token in %s; it never goes upstream; the request is centralized', async (_name, headers) => {
      const response = await post('/openai/v1/chat/completions', chatBody(), headers);
      expect(response.status).toBe(200);
      const received = harness.mock.received[0];
      expect(received.credential).toBe('k0-long-key');
      expect(JSON.stringify(received.headers)).not.toContain(ALICE_TOKEN);
      const id = response.headers.get('x-tollgate-interception-id')!;
      expect(await harness.sink.waitForStarted(id)).toMatchObject({ initiatorId: 'alice', credentialKind: 'centralized', credentialHint: '' });
    });

    it.each([
      ['openai', '/openai/v1/chat/completions', chatBody(), {}],
      ['openai', '/openai/v1/chat/completions', chatBody(), { authorization: 'Bearer tg_unknown_token' }],
      ['anthropic', '/anthropic/v1/messages', messagesBody(), { 'x-api-key': 'sk-ant-user-key-without-token' }],
      ['anthropic', '/anthropic/v1/messages', messagesBody(), { 'x-tollgate-token': 'tg_revoked_or_unknown' }],
    ])('401 in the %s shape without a known token, nothing upstream', async (shape, path, body, headers) => {
      const response = await post(path, body, headers);
      expect(response.status).toBe(401);
      const json = await errorJson(response);
      if (shape === 'openai') expect(json.error).toMatchObject({ type: 'authentication_error' });
      else expect(json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(harness.mock.received).toHaveLength(0);
    });

    it('passthrough routes need a token too', async () => {
      expect((await fetch(`${harness.url}/openai/v1/models`)).status).toBe(401);
      expect(harness.mock.received).toHaveLength(0);
    });
  });

  describe('bring your own key', () => {
    it('OpenAI: forwards the client bearer unchanged, records a BYOK hint', async () => {
      const response = await post('/openai/v1/chat/completions', chatBody(), { 'x-tollgate-token': ALICE_TOKEN, authorization: 'Bearer sk-user-own-key-123' });
      expect(response.status).toBe(200);
      expect(harness.mock.received[0].headers.authorization).toBe('Bearer sk-user-own-key-123');
      expect(harness.mock.received[0].headers['x-tollgate-token']).toBeUndefined();
      const id = response.headers.get('x-tollgate-interception-id')!;
      expect(await harness.sink.waitForStarted(id)).toMatchObject({ credentialKind: 'byok', credentialHint: 'sk...23' });
    });

    it('Anthropic: x-api-key wins over a bearer', async () => {
      await post('/anthropic/v1/messages', messagesBody(), {
        'x-tollgate-token': ALICE_TOKEN,
        'x-api-key': 'sk-ant-from-x-api-key',
        authorization: 'Bearer sk-ant-from-bearer',
      });
      expect(harness.mock.received[0].credential).toBe('sk-ant-from-x-api-key');
    });

    it('Anthropic: a bearer alone is forwarded', async () => {
      await post('/anthropic/v1/messages', messagesBody(), { 'x-tollgate-token': ALICE_TOKEN, authorization: 'Bearer sk-ant-from-bearer' });
      expect(harness.mock.received[0].headers.authorization).toBe('Bearer sk-ant-from-bearer');
    });
  });

  describe('request validation', () => {
    it.each([
      ['malformed JSON', '{"model": "gpt-test", '],
      ['missing model', JSON.stringify({ messages: [] })],
      ['non-object body', '[1,2,3]'],
    ])('400 for %s, nothing upstream', async (_case, body) => {
      const openai = await post('/openai/v1/chat/completions', body, asAlice);
      expect(openai.status).toBe(400);
      expect((await errorJson(openai)).error.type).toBe('invalid_request_error');
      const anthropic = await post('/anthropic/v1/messages', body, anthropicAsAlice);
      expect(anthropic.status).toBe(400);
      expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(harness.mock.received).toHaveLength(0);
    });

    it('413 for a body over maxBodyBytes', async () => {
      const response = await post('/openai/v1/chat/completions', chatBody({ padding: 'x'.repeat(5000) }), asAlice);
      expect(response.status).toBe(413);
      expect((await errorJson(response)).error.message).toContain('4096');
      expect(harness.mock.received).toHaveLength(0);
    });
  });

  describe('request forwarding', () => {
    it('adds include_usage to streaming chat and changes nothing else, byte for byte', async () => {
      const sent = '{ "model":"gpt-test",  "seed": 12345678901234567890, "stream": true, "messages":[{"role":"user","content":"hé"}], "future_field": {"a":[1,2]} }';
      const response = await post('/openai/v1/chat/completions', sent, asAlice);
      await response.text();
      expect(harness.mock.received[0].rawBody.toString()).toBe(`{"stream_options":{"include_usage":true},${sent.slice(1)}`);
    });

    it('forwards non-streaming chat, Responses and Anthropic bodies unchanged', async () => {
      const chat = '{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"seed":12345678901234567890}';
      const responses = '{"model":"gpt-test","input":"x","stream":true,"new":1}';
      const messages = '{"model":"claude-test","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]}';
      await (await post('/openai/v1/chat/completions', chat, asAlice)).text();
      await (await post('/openai/v1/responses', responses, asAlice)).text();
      await (await post('/anthropic/v1/messages', messages, anthropicAsAlice)).text();
      expect(harness.mock.received.map((request) => request.rawBody.toString())).toEqual([chat, responses, messages]);
    });
  });

  describe('upstream errors', () => {
    it('relays upstream 4xx/5xx with status, Retry-After and body; every bridged response has an interception id', async () => {
      harness.mock.script('*', { status: 503, headers: { 'retry-after': '7', 'x-request-id': 'req_123' }, body: { error: { message: 'overloaded', type: 'server_error' } } });
      const response = await post('/openai/v1/chat/completions', chatBody(), asAlice);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(response.headers.get('x-request-id')).toBe('req_123');
      expect(response.headers.get('x-tollgate-interception-id')).toMatch(UUID);
      expect(await response.json()).toEqual({ error: { message: 'overloaded', type: 'server_error' } });
      expect(harness.mock.keysSeen()).toEqual(['k0-long-key']);
      const ended = await harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
      expect(ended.error).toEqual({ type: 'upstream_error', message: 'upstream answered 503: overloaded' });
    });

    it('a pre-stream upstream error on a streaming request is plain HTTP, not SSE', async () => {
      harness.mock.script('*', { status: 400 });
      const response = await post('/anthropic/v1/messages', messagesBody({ stream: true }), anthropicAsAlice);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect((await errorJson(response)).type).toBe('error');
    });

    it.each([
      ['openai chat', '/openai/v1/chat/completions', chatBody({ stream: true }), /\ndata: \{"error":\{"type":"api_error".*"message":"upstream stream broke/, 'data: {"error"'],
      ['anthropic', '/anthropic/v1/messages', messagesBody({ stream: true }), /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"upstream stream broke/, 'event: error'],
      ['responses', '/openai/v1/responses', JSON.stringify({ model: 'gpt-test', input: 'x', stream: true }), /event: error\ndata: \{"type":"error"/, 'event: error'],
    ])('%s: a connection broken mid-stream becomes one SSE error event under the 200', async (_api, path, body, errorEvent, marker) => {
      harness.mock.script('*', { dropAfterChunks: 2 });
      const response = await post(path, body, path.startsWith('/anthropic') ? anthropicAsAlice : asAlice);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const text = await response.text();
      expect(text).toMatch(errorEvent);
      expect(text.split(marker)).toHaveLength(2);
      const ended = await harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
      expect(ended.error?.type).toBe('upstream_stream_error');
    });

    it('an upstream error event mid-stream is relayed verbatim and recorded', async () => {
      harness.mock.script('*', { errorAfterChunks: 2 });
      const direct = await (await fetch(`${harness.mock.anthropicBaseUrl}v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'direct-key', 'content-type': 'application/json' },
        body: messagesBody({ stream: true }),
      })).text();
      const upstreamErrorEvent = direct.slice(direct.indexOf('event: error'));
      harness.mock.script('*', { errorAfterChunks: 2 });
      const response = await post('/anthropic/v1/messages', messagesBody({ stream: true }), anthropicAsAlice);
      const text = await response.text();
      expect(text.endsWith(upstreamErrorEvent)).toBe(true);
      const ended = await harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
      expect(ended.error?.type).toEqual(expect.any(String));
    });

    it('504 in the provider shape when the upstream does not answer in time', async () => {
      harness.mock.script('*', { delayMs: 3_000 });
      const response = await post('/anthropic/v1/messages', messagesBody(), anthropicAsAlice);
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
      const ended = await harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
      expect(ended.error?.type).toBe('gateway_timeout');
    });

    it('a stream that stalls after bytes were sent ends with one SSE error event (idle timeout)', async () => {
      harness.mock.script('*', { stallAfterChunks: 1 });
      const response = await post('/openai/v1/chat/completions', chatBody({ stream: true }), asAlice);
      const text = await response.text();
      expect(text).toMatch(/data: \{"error":\{"type":"timeout"/);
    });
  });

  describe('streaming behaviour', () => {
    it('client disconnect aborts the upstream call and ends the interception as client_disconnected', async () => {
      harness.mock.script('*', { chunks: 100, chunkDelayMs: 50 });
      const response = await post('/openai/v1/chat/completions', chatBody({ stream: true }), asAlice);
      const id = response.headers.get('x-tollgate-interception-id')!;
      const reader = response.body!.getReader();
      await reader.read();
      await reader.cancel();
      await harness.mock.waitForAbort(0, 3_000);
      const ended = await harness.sink.waitForEnded(id);
      expect(ended.error?.type).toBe('client_disconnected');
    });

    it('sends Anthropic pings during upstream silence', async () => {
      harness.mock.script('*', { chunks: 2, chunkDelayMs: 350 });
      const text = await (await post('/anthropic/v1/messages', messagesBody({ stream: true }), anthropicAsAlice)).text();
      expect(text).toContain('event: ping\ndata: {"type": "ping"}\n\n');
    });

    it('OpenAI streams get no pings', async () => {
      harness.mock.script('*', { chunks: 2, chunkDelayMs: 350 });
      const text = await (await post('/openai/v1/chat/completions', chatBody({ stream: true }), asAlice)).text();
      expect(text).not.toContain('ping');
    });

    it('a streamed response through the gateway is byte-identical to the same stream fetched directly', async () => {
      // A fixed body (multi-byte characters, CRLF, comments) so both fetches get the very same upstream bytes.
      const upstreamBytes =
        'event: message_start\r\ndata: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":3,"output_tokens":1}}}\r\n\r\n' +
        ': a comment line\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo 🌍"}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n';
      const body = messagesBody({ stream: true });
      harness.mock.script('*', { body: upstreamBytes }, { body: upstreamBytes });
      const direct = Buffer.from(
        await (await fetch(`${harness.mock.anthropicBaseUrl}v1/messages`, { method: 'POST', headers: { 'x-api-key': 'direct' }, body })).arrayBuffer(),
      );
      const proxied = Buffer.from(await (await post('/anthropic/v1/messages', body, anthropicAsAlice)).arrayBuffer());
      expect(proxied.equals(direct)).toBe(true);
      expect(direct.toString()).toBe(upstreamBytes);
    });

    it('a generated multi-chunk stream arrives with the same bytes, ids aside', async () => {
      const normalise = (text: string) => text.replace(/"(id|item_id|created|created_at|completed_at)":("[^"]*"|\d+)/g, '"$1":_');
      const body = JSON.stringify({ model: 'gpt-test', input: 'x', stream: true });
      harness.mock.script('*', { chunks: 40 }, { chunks: 40 });
      const direct = await (await fetch(`${harness.mock.openaiBaseUrl}responses`, { method: 'POST', headers: { authorization: 'Bearer direct' }, body })).text();
      const proxied = await (await post('/openai/v1/responses', body, asAlice)).text();
      expect(normalise(proxied)).toBe(normalise(direct));
      expect(proxied.length).toBe(direct.length);
    });

    it('sets the SSE response headers', async () => {
      const response = await post('/openai/v1/responses', JSON.stringify({ model: 'gpt-test', input: 'x', stream: true }), asAlice);
      await response.text();
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-accel-buffering')).toBe('no');
      expect(response.headers.get('x-tollgate-interception-id')).toMatch(UUID);
    });
  });
});
