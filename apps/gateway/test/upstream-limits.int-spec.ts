import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockUpstream, startTestMcpServer, type MockUpstream, type TestMcpServer } from '@tollgate/testing';
import { ALICE_TOKEN, KEYS, errorJson, startHarness, type Harness } from './support/gateway-harness';

const LIMIT = 4096;
const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], ...extra });
const messagesBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra });
const asAlice = { authorization: `Bearer ${ALICE_TOKEN}`, 'content-type': 'application/json' };
const anthropicAsAlice = { 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };

/** An upstream whose stream is one `data:` line that never ends: 16 KiB every 5 ms until the gateway hangs up. */
class EndlessLineUpstream {
  bytesSent = 0;
  hungUp = false;
  private readonly server: Server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"choices":[{"delta":{"content":"');
    const chunk = 'a'.repeat(16 * 1024);
    const pump = setInterval(() => {
      this.bytesSent += chunk.length;
      response.write(chunk);
    }, 5);
    response.on('close', () => {
      clearInterval(pump);
      this.hungUp = true;
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('limits on upstream responses', () => {
  let harness: Harness;
  let mock: MockUpstream;
  const endless = new EndlessLineUpstream();

  beforeAll(async () => {
    mock = await startMockUpstream();
    const endlessBaseUrl = await endless.start();
    harness = await startHarness({
      mock,
      server: { upstream: { maxResponseBytes: LIMIT, maxEventBytes: LIMIT } },
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS },
        { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: KEYS },
        { name: 'endless', type: 'openai', baseUrl: endlessBaseUrl, keys: KEYS },
      ],
    });
  });
  afterAll(async () => {
    await harness.close();
    await mock.close();
    await endless.close();
  });
  beforeEach(() => mock.reset());

  const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${harness.url}${path}`, { method: 'POST', body, headers });
  const endedOf = (response: Response) => harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);

  describe('blocking answers over server.upstream.maxResponseBytes', () => {
    it('OpenAI chat → 502 upstream_response_too_large in the OpenAI shape, recorded', async () => {
      mock.script('*', { text: 'x'.repeat(LIMIT * 2) });
      const response = await post('/openai/v1/chat/completions', chatBody(), asAlice);
      expect(response.status).toBe(502);
      expect(await errorJson(response)).toEqual({
        error: { type: 'api_error', code: 'upstream_response_too_large', param: null, message: `the upstream response body exceeds ${LIMIT} bytes (server.upstream.maxResponseBytes)` },
      });
      expect((await endedOf(response)).error?.type).toBe('upstream_response_too_large');
    });

    it('Anthropic messages → 502 in the Anthropic shape', async () => {
      mock.script('*', { text: 'x'.repeat(LIMIT * 2) });
      const response = await post('/anthropic/v1/messages', messagesBody(), anthropicAsAlice);
      expect(response.status).toBe(502);
      expect(await errorJson(response)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect((await endedOf(response)).error?.type).toBe('upstream_response_too_large');
    });

    it('a body without a content-length stops being read at the limit', async () => {
      endless.hungUp = false;
      const response = await post('/endless/v1/chat/completions', chatBody(), asAlice);
      expect(response.status).toBe(502);
      expect((await errorJson(response)).error.code).toBe('upstream_response_too_large');
      for (let waited = 0; !endless.hungUp && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(endless.hungUp).toBe(true);
    });

    it('an answer under the limit is relayed as it is', async () => {
      const response = await post('/openai/v1/chat/completions', chatBody(), asAlice);
      expect(response.status).toBe(200);
      expect((await endedOf(response)).error).toBeUndefined();
    });
  });

  describe('usage numbers out of range', () => {
    it('completion_tokens: 1e308 is clamped and the interception is ended, its prompt kept', async () => {
      const answer = {
        id: 'chatcmpl-huge',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-test',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 1e308, total_tokens: 1e308 },
      };
      mock.script('*', { body: answer });
      const response = await post('/openai/v1/chat/completions', chatBody(), asAlice);
      expect(response.status).toBe(200);
      // The captured-events sink validates every event against the contract, as the recorder does.
      const ended = await endedOf(response);
      expect(ended.tokenUsages).toEqual([expect.objectContaining({ inputTokens: 3, outputTokens: 1e12 })]);
      expect(ended.prompt?.text).toBe('hi');
    });
  });

  describe('streamed events over server.upstream.maxEventBytes', () => {
    it.each([
      ['OpenAI chat', '/openai/v1/chat/completions', chatBody({ stream: true }), asAlice, /(^|\n\n)data: \{"error":\{"type":"api_error".*exceeds 4096 bytes/],
      ['Anthropic', '/anthropic/v1/messages', messagesBody({ stream: true }), anthropicAsAlice, /(^|\n\n)event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"an upstream SSE event exceeds 4096/],
    ])('%s: the stream is cut with one error event and the interception says why', async (_api, path, body, headers, errorEvent) => {
      mock.script('*', { text: 'y'.repeat(LIMIT * 2), chunks: 1 });
      const response = await post(path, body, headers);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(errorEvent);
      expect(text.split('exceeds 4096 bytes')).toHaveLength(2);
      const ended = await endedOf(response);
      expect(ended.error).toEqual({ type: 'upstream_event_too_large', message: `an upstream SSE event exceeds ${LIMIT} bytes (server.upstream.maxEventBytes)` });
    });

    it('a line that never ends is cut at the limit and the upstream connection dropped', async () => {
      endless.hungUp = false;
      endless.bytesSent = 0;
      const response = await post('/endless/v1/chat/completions', chatBody({ stream: true }), asAlice);
      const text = await response.text();
      expect(text).toMatch(/(^|\n\n)data: \{"error":\{"type":"api_error".*exceeds 4096 bytes/);
      const ended = await endedOf(response);
      expect(ended.error?.type).toBe('upstream_event_too_large');
      for (let waited = 0; !endless.hungUp && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(endless.hungUp).toBe(true);
      expect(endless.bytesSent).toBeLessThan(1024 * 1024);
    });
  });

  describe('through the MCP tool loop (an upstream call per iteration)', () => {
    let mcp: TestMcpServer;
    let looping: Harness;

    beforeAll(async () => {
      mcp = await startTestMcpServer();
      looping = await startHarness({ mock, server: { upstream: { maxResponseBytes: LIMIT, maxEventBytes: LIMIT } }, mcp: { servers: [{ name: 'docs', url: mcp.url }] } });
    });
    afterAll(async () => {
      await looping.close();
      await mcp.close();
    });

    const toolCallThenHuge = () => mock.script('*', { toolCall: { name: 'mcp_docs_search', arguments: { query: 'pool' } } }, { text: 'z'.repeat(LIMIT * 2), chunks: 1 });
    const postLooping = (body: string) => fetch(`${looping.url}/openai/v1/chat/completions`, { method: 'POST', body, headers: asAlice });

    it('blocking: an answer over the limit after a tool call → 502 upstream_response_too_large', async () => {
      toolCallThenHuge();
      const response = await postLooping(chatBody());
      expect(response.status).toBe(502);
      expect((await errorJson(response)).error.code).toBe('upstream_response_too_large');
      expect((await looping.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!)).error?.type).toBe('upstream_response_too_large');
      expect(mock.received).toHaveLength(2);
    });

    it('streaming: an event over the limit after a tool call ends the stream with one error event', async () => {
      toolCallThenHuge();
      const response = await postLooping(chatBody({ stream: true }));
      const text = await response.text();
      expect(text.split('exceeds 4096 bytes')).toHaveLength(2);
      expect((await looping.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!)).error?.type).toBe('upstream_event_too_large');
    });
  });
});
