import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  MOCK_ANTHROPIC_COUNT_TOKENS,
  MOCK_ANTHROPIC_STREAM_START_OUTPUT_TOKENS,
  MOCK_ANTHROPIC_USAGE,
  MOCK_CHAT_USAGE,
  MOCK_DEFAULT_CHUNKS,
  MOCK_GEMINI_COUNT_TOKENS,
  MOCK_GEMINI_EMBEDDING_DIMENSIONS,
  MOCK_GEMINI_MODELS,
  MOCK_GEMINI_USAGE,
  MOCK_RESPONSES_USAGE,
  geminiInvalidKeyBody,
  geminiRateLimitBody,
  mockText,
  startMockUpstream,
  type MockUpstream,
} from './index';

interface SseFrame {
  event: string | undefined;
  data: string;
}

/** Splits a complete SSE text into frames (every frame ends with a blank line). */
function parseSse(text: string): SseFrame[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      return { event, data };
    });
}

/** Reads a streamed body until it ends, fails, or `stopWhen` holds; never throws. */
async function readBody(
  response: Response,
  stopWhen: (text: string) => boolean = () => false,
): Promise<{ text: string; error: unknown }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
      if (stopWhen(text)) return { text, error: undefined };
    }
  } catch (error) {
    return { text, error };
  }
}

function countOccurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('mock upstream', () => {
  let mock: MockUpstream;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    mock = await startMockUpstream();
    openai = new OpenAI({ apiKey: 'sk-openai-1', baseURL: mock.openaiBaseUrl, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'sk-ant-1', baseURL: mock.anthropicBaseUrl, maxRetries: 0 });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => mock.reset());

  const post = (path: string, body: unknown, credential = 'sk-fetch', signal?: AbortSignal): Promise<Response> =>
    fetch(`${mock.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });

  describe('OpenAI chat completions', () => {
    it('answers a blocking request with the default text, the echoed model and the default usage', async () => {
      const completion = await openai.chat.completions.create({
        model: 'gpt-test-model',
        messages: [{ role: 'user', content: 'hi' }],
      });

      expect(completion.object).toBe('chat.completion');
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.model).toBe('gpt-test-model');
      expect(completion.choices[0].message.content).toBe(mockText(MOCK_DEFAULT_CHUNKS));
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.usage).toEqual(MOCK_CHAT_USAGE);
      expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(2);
    });

    it('streams chunks ending in [DONE], with a usage-only final chunk when include_usage is asked', async () => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-stream',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
      expect(contentChunks).toHaveLength(MOCK_DEFAULT_CHUNKS);
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(mockText());
      expect(chunks.every((chunk) => chunk.model === 'gpt-stream' && chunk.id === chunks[0].id)).toBe(true);
      const last = chunks[chunks.length - 1];
      expect(last.choices).toEqual([]);
      expect(last.usage).toEqual(MOCK_CHAT_USAGE);
      expect(chunks[chunks.length - 2].choices[0].finish_reason).toBe('stop');

      const raw = await (await post('/openai/v1/chat/completions', { model: 'm', stream: true })).text();
      expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(raw).not.toContain('"usage"');
    });

    it('answers a scripted tool call, blocking and streamed as argument fragments', async () => {
      const toolCall = { name: 'get_weather', arguments: { city: 'Paris', days: 3 } };
      const tools = [
        { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
      ];
      mock.script('sk-openai-1', { toolCall }, { toolCall, chunks: 4 });

      const blocking = await openai.chat.completions.create({ model: 'm', messages: [], tools });
      const message = blocking.choices[0].message;
      expect(blocking.choices[0].finish_reason).toBe('tool_calls');
      expect(message.content).toBeNull();
      const call = message.tool_calls![0];
      expect(call.type === 'function' && call.function.name).toBe('get_weather');
      expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual(toolCall.arguments);

      const streamed = await openai.chat.completions.stream({ model: 'm', messages: [], tools }).finalChatCompletion();
      const streamedCall = streamed.choices[0].message.tool_calls![0];
      expect(streamed.choices[0].finish_reason).toBe('tool_calls');
      expect(streamedCall.type === 'function' && streamedCall.function.name).toBe('get_weather');
      expect(streamedCall.type === 'function' && JSON.parse(streamedCall.function.arguments)).toEqual(
        toolCall.arguments,
      );

      const raw = await (
        await post('/openai/v1/chat/completions', { model: 'm', stream: true, tools }, 'sk-raw')
      ).text();
      expect(raw).not.toContain('tool_calls'); // no script for this key: a plain text answer
      mock.script('sk-raw', { toolCall, chunks: 4 });
      const fragments = parseSse(
        await (await post('/openai/v1/chat/completions', { model: 'm', stream: true, tools }, 'sk-raw')).text(),
      )
        .filter((frame) => frame.data !== '[DONE]')
        .map((frame) => JSON.parse(frame.data).choices[0].delta.tool_calls?.[0]?.function?.arguments)
        .filter((fragment) => fragment);
      expect(fragments).toHaveLength(4);
      expect(JSON.parse(fragments.join(''))).toEqual(toolCall.arguments);
    });
  });

  describe('OpenAI responses', () => {
    it('answers a blocking request in the Responses format with usage details', async () => {
      const response = await openai.responses.create({ model: 'gpt-resp', input: 'hi' });

      expect(response.object).toBe('response');
      expect(response.id).toMatch(/^resp_/);
      expect(response.status).toBe('completed');
      expect(response.model).toBe('gpt-resp');
      expect(response.output_text).toBe(mockText());
      expect(response.usage).toEqual(MOCK_RESPONSES_USAGE);
      expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(4);
    });

    it('streams typed events with consecutive sequence numbers, ending in response.completed with usage', async () => {
      const stream = await openai.responses.create({ model: 'gpt-resp', input: 'hi', stream: true });
      const events = [];
      for await (const event of stream) events.push(event);

      expect(events[0].type).toBe('response.created');
      expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
      const deltas = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
      expect(deltas).toHaveLength(MOCK_DEFAULT_CHUNKS);
      expect(deltas.join('')).toBe(mockText());
      const completed = events[events.length - 1];
      expect(completed.type).toBe('response.completed');
      expect(completed.type === 'response.completed' && completed.response.usage).toEqual(MOCK_RESPONSES_USAGE);

      const final = await openai.responses.stream({ model: 'gpt-resp', input: 'hi' }).finalResponse();
      expect(final.output_text).toBe(mockText());
    });

    it('answers a scripted function call, blocking and streamed', async () => {
      const toolCall = { name: 'lookup', arguments: { id: 42 } };
      mock.script('sk-openai-1', { toolCall }, { toolCall, chunks: 3 });

      const blocking = await openai.responses.create({ model: 'm', input: 'hi' });
      const item = blocking.output[0];
      expect(item.type).toBe('function_call');
      expect(item.type === 'function_call' && item.name).toBe('lookup');
      expect(item.type === 'function_call' && JSON.parse(item.arguments)).toEqual({ id: 42 });

      const stream = await openai.responses.create({ model: 'm', input: 'hi', stream: true });
      const events = [];
      for await (const event of stream) events.push(event);
      const fragments = events.flatMap((event) =>
        event.type === 'response.function_call_arguments.delta' ? [event.delta] : [],
      );
      expect(fragments).toHaveLength(3);
      expect(JSON.parse(fragments.join(''))).toEqual({ id: 42 });
      expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
      expect(events.map((event) => event.type)).toContain('response.function_call_arguments.done');
    });

    it('answers the generic stored-response and conversation endpoints', async () => {
      expect(await openai.responses.retrieve('resp_abc')).toMatchObject({ id: 'resp_abc', status: 'completed' });
      expect(await openai.responses.cancel('resp_abc')).toMatchObject({ id: 'resp_abc', status: 'cancelled' });
      expect(await openai.responses.delete('resp_abc')).toMatchObject({ id: 'resp_abc', deleted: true });
      const conversation = await openai.conversations.create({ metadata: { topic: 'x' } });
      expect(conversation.id).toMatch(/^conv_/);
      expect(conversation.metadata).toEqual({ topic: 'x' });
      expect(await openai.conversations.delete(conversation.id)).toMatchObject({ deleted: true });
      expect(mock.received.map((request) => `${request.method} ${request.path}`)).toEqual([
        'GET /openai/v1/responses/resp_abc',
        'POST /openai/v1/responses/resp_abc/cancel',
        'DELETE /openai/v1/responses/resp_abc',
        'POST /openai/v1/conversations',
        `DELETE /openai/v1/conversations/${conversation.id}`,
      ]);
    });

    it('lists and retrieves models', async () => {
      const models = await openai.models.list();
      expect(models.data.length).toBeGreaterThan(0);
      expect(models.data.every((model) => model.object === 'model')).toBe(true);
      expect(await openai.models.retrieve('gpt-anything')).toMatchObject({ id: 'gpt-anything', object: 'model' });
    });
  });

  describe('Anthropic messages', () => {
    it('answers a blocking request with text and the default usage', async () => {
      const message = await anthropic.messages.create({
        model: 'claude-test',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hi' }],
      });

      expect(message.id).toMatch(/^msg_01/);
      expect(message.model).toBe('claude-test');
      expect(message.content).toEqual([{ type: 'text', text: mockText() }]);
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage).toEqual(MOCK_ANTHROPIC_USAGE);
    });

    it('streams message_start … message_stop, with usage in message_start and message_delta', async () => {
      const stream = await anthropic.messages.create({
        model: 'claude-test',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      const events = [];
      for await (const event of stream) events.push(event);

      const types = events.map((event) => event.type);
      expect(types[0]).toBe('message_start');
      expect(types.slice(1, 2)).toEqual(['content_block_start']);
      expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      const start = events[0];
      expect(start.type === 'message_start' && start.message.usage).toMatchObject({
        input_tokens: MOCK_ANTHROPIC_USAGE.input_tokens,
        cache_read_input_tokens: MOCK_ANTHROPIC_USAGE.cache_read_input_tokens,
        cache_creation_input_tokens: MOCK_ANTHROPIC_USAGE.cache_creation_input_tokens,
        output_tokens: MOCK_ANTHROPIC_STREAM_START_OUTPUT_TOKENS,
      });
      const delta = events.find((event) => event.type === 'message_delta');
      expect(delta?.type === 'message_delta' && delta.usage.output_tokens).toBe(MOCK_ANTHROPIC_USAGE.output_tokens);
      const texts = events.flatMap((event) =>
        event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? [event.delta.text] : [],
      );
      expect(texts).toHaveLength(MOCK_DEFAULT_CHUNKS);
      expect(texts.join('')).toBe(mockText());

      const final = await anthropic.messages
        .stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
        .finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: mockText() }]);
      expect(final.usage.output_tokens).toBe(MOCK_ANTHROPIC_USAGE.output_tokens);
      expect(final.usage.input_tokens).toBe(MOCK_ANTHROPIC_USAGE.input_tokens);
    });

    it('answers a scripted tool_use, blocking and streamed with input_json_delta', async () => {
      const toolCall = { name: 'search', arguments: { query: 'tollgate', limit: 5 } };
      mock.script('sk-ant-1', { toolCall }, { toolCall, chunks: 6 });
      const request = { model: 'claude-test', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };

      const blocking = await anthropic.messages.create(request);
      expect(blocking.stop_reason).toBe('tool_use');
      expect(blocking.content[0]).toMatchObject({ type: 'tool_use', name: 'search', input: toolCall.arguments });
      expect(blocking.content[0].type === 'tool_use' && blocking.content[0].id).toMatch(/^toolu_01/);

      const stream = anthropic.messages.stream(request);
      const fragments: string[] = [];
      stream.on('inputJson', (fragment) => fragments.push(fragment));
      const final = await stream.finalMessage();
      expect(fragments).toHaveLength(6);
      expect(final.stop_reason).toBe('tool_use');
      expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'search', input: toolCall.arguments });
    });

    it('counts tokens, lists models, and takes the bearer token when there is no x-api-key', async () => {
      const counted = await anthropic.messages.countTokens({
        model: 'claude-test',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(counted.input_tokens).toBe(MOCK_ANTHROPIC_COUNT_TOKENS);
      const models = await anthropic.models.list();
      expect(models.data.length).toBeGreaterThan(0);
      expect(await anthropic.models.retrieve('claude-x')).toMatchObject({ id: 'claude-x', type: 'model' });

      const viaBearer = await post('/anthropic/v1/messages', { model: 'c', max_tokens: 5, messages: [] }, 'sk-bearer');
      expect(viaBearer.status).toBe(200);
      expect(mock.keysSeen()).toEqual(['sk-ant-1', 'sk-ant-1', 'sk-ant-1', 'sk-bearer']);
    });
  });

  describe('Gemini', () => {
    // The official SDK against the mock is covered through the gateway (apps/gateway/test/gemini.int-spec.ts).
    const call = async (path: string, body: unknown = {}, key = 'AIza-mock-1', method = 'POST') => {
      const response = await fetch(`${mock.geminiBaseUrl}${path}`, { method, headers: { 'x-goog-api-key': key }, body: method === 'GET' ? undefined : JSON.stringify(body) });
      return { status: response.status, text: await response.text() };
    };
    const json = async (path: string, body?: unknown, key?: string, method?: string) => JSON.parse((await call(path, body, key, method)).text);

    it('answers generateContent and its SSE stream (CRLF events, usage complete on the last one)', async () => {
      const answer = await json('v1beta/models/gemini-2.5-flash:generateContent', { contents: [{ parts: [{ text: 'hi' }] }] });
      expect(answer).toMatchObject({ candidates: [{ content: { parts: [{ text: mockText() }], role: 'model' }, finishReason: 'STOP' }], usageMetadata: MOCK_GEMINI_USAGE, modelVersion: 'gemini-2.5-flash' });

      const streamed = await call('v1/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
      const events = streamed.text.split('\r\n\r\n').filter(Boolean).map((event) => JSON.parse(event.slice('data: '.length)));
      expect(events).toHaveLength(MOCK_DEFAULT_CHUNKS + 1);
      expect(events.map((event) => event.candidates[0].content.parts[0].text).join('')).toBe(mockText());
      expect(events[0].usageMetadata).toEqual({ promptTokenCount: MOCK_GEMINI_USAGE.promptTokenCount, totalTokenCount: MOCK_GEMINI_USAGE.promptTokenCount });
      expect(events[events.length - 1]).toMatchObject({ usageMetadata: MOCK_GEMINI_USAGE, modelVersion: 'gemini-2.5-pro' });
      expect(mock.received[1].query).toEqual({ alt: 'sse' });
      // Without alt=sse: the same chunks as one JSON array.
      expect(await json('v1beta/models/gemini-2.5-pro:streamGenerateContent')).toHaveLength(MOCK_DEFAULT_CHUNKS + 1);
    });

    it('answers a function call, embeddings, countTokens and the model list; takes the key query parameter', async () => {
      mock.script('AIza-mock-1', { toolCall: { name: 'get_weather', arguments: { city: 'Paris' } } });
      const called = await json('v1beta/models/gemini-2.5-flash:generateContent');
      expect(called.candidates[0].content.parts).toEqual([{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }]);
      const batch = await json('v1beta/models/gemini-embedding-001:batchEmbedContents', { requests: [{}, {}] });
      expect(batch.embeddings.map((embedding: { values: number[] }) => embedding.values.length)).toEqual([MOCK_GEMINI_EMBEDDING_DIMENSIONS, MOCK_GEMINI_EMBEDDING_DIMENSIONS]);
      const single = await fetch(`${mock.geminiBaseUrl}v1beta/models/gemini-embedding-001:embedContent?key=AIza-query`, { method: 'POST', body: '{}' });
      expect(((await single.json()) as { embedding: { values: number[] } }).embedding.values).toHaveLength(MOCK_GEMINI_EMBEDDING_DIMENSIONS);
      expect((await json('v1beta/models/gemini-2.5-flash:countTokens')).totalTokens).toBe(MOCK_GEMINI_COUNT_TOKENS);
      const list = await json('v1beta/models', undefined, undefined, 'GET');
      expect(list.models.map((model: { name: string }) => model.name)).toEqual(MOCK_GEMINI_MODELS.map((id) => `models/${id}`));
      expect((await json('v1beta/models/gemini-x', undefined, undefined, 'GET')).name).toBe('models/gemini-x');
      expect(mock.keysSeen()).toEqual(['AIza-mock-1', 'AIza-mock-1', 'AIza-query', 'AIza-mock-1', 'AIza-mock-1', 'AIza-mock-1']);
    });

    it("answers Google-shaped errors: a 429 with RetryInfo by default, an invalid key's 400, unknown paths", async () => {
      const url = `${mock.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent`;
      const call = (key: string) => fetch(url, { method: 'POST', headers: { 'x-goog-api-key': key }, body: '{}' });
      mock.script('AIza-limited', { status: 429 });
      expect(await (await call('AIza-limited')).json()).toEqual(geminiRateLimitBody('37s'));
      mock.script('AIza-invalid', { status: 400, body: geminiInvalidKeyBody() });
      const invalid = await call('AIza-invalid');
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } });
      const unknown = await fetch(`${mock.url}/gemini/v1beta/tunedModels/x:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': 'AIza-x' }, body: '{}' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
      mock.script('AIza-broken', { errorAfterChunks: 1 });
      const broken = await fetch(`${url.replace(':generateContent', ':streamGenerateContent')}?alt=sse`, { method: 'POST', headers: { 'x-goog-api-key': 'AIza-broken' }, body: '{}' });
      expect(await broken.text()).toMatch(/data: \{"error":\{"code":503,"message":"[^"]+","status":"UNAVAILABLE"\}\}\r\n\r\n$/);
    });
  });

  describe('scripting', () => {
    it('consumes steps per credential in order, then falls back to the default answer', async () => {
      mock.script('sk-a', { status: 429, headers: { 'retry-after': '3' } }, { status: 500 });
      const clientA = new OpenAI({ apiKey: 'sk-a', baseURL: mock.openaiBaseUrl, maxRetries: 0 });
      const clientB = new OpenAI({ apiKey: 'sk-b', baseURL: mock.openaiBaseUrl, maxRetries: 0 });
      const request = { model: 'm', messages: [] };

      const rateLimited = await clientA.chat.completions.create(request).catch((error: unknown) => error);
      expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
      const rateLimitError = rateLimited as InstanceType<typeof OpenAI.RateLimitError>;
      expect(rateLimitError.headers?.get('retry-after')).toBe('3');
      expect(rateLimitError.code).toBe('rate_limit_exceeded');
      expect((await clientB.chat.completions.create(request)).choices[0].message.content).toBe(mockText());
      const serverError = await clientA.chat.completions.create(request).catch((error: unknown) => error);
      expect(serverError).toBeInstanceOf(OpenAI.InternalServerError);
      expect((await clientA.chat.completions.create(request)).usage).toEqual(MOCK_CHAT_USAGE);
      expect(mock.keysSeen()).toEqual(['sk-a', 'sk-b', 'sk-a', 'sk-a']);
    });

    it("uses '*' steps for any credential, after that credential's own steps", async () => {
      mock.script('*', { status: 503 }, { status: 401 });
      mock.script('sk-own', { status: 402 });

      expect((await post('/openai/v1/chat/completions', { model: 'm' }, 'sk-own')).status).toBe(402);
      expect((await post('/openai/v1/chat/completions', { model: 'm' }, 'sk-own')).status).toBe(503);
      expect((await post('/openai/v1/chat/completions', { model: 'm' }, 'sk-other')).status).toBe(401);
      expect((await post('/openai/v1/chat/completions', { model: 'm' }, 'sk-other')).status).toBe(200);
    });

    it('answers provider-shaped error bodies', async () => {
      mock.script('sk-ant-1', { status: 529 }, { status: 429, headers: { 'retry-after': '7' } });
      const request = { model: 'c', max_tokens: 5, messages: [{ role: 'user' as const, content: 'hi' }] };

      const overloaded = await anthropic.messages.create(request).catch((error: unknown) => error);
      expect(overloaded).toBeInstanceOf(Anthropic.APIError);
      expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
      expect((overloaded as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { type: 'overloaded_error' },
      });
      const limited = await anthropic.messages.create(request).catch((error: unknown) => error);
      expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
      expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('7');

      mock.script('sk-fetch', { status: 401 });
      const unauthorized = await post('/openai/v1/responses', { model: 'm' });
      expect(unauthorized.status).toBe(401);
      expect(await unauthorized.json()).toEqual({
        error: expect.objectContaining({ type: 'invalid_request_error', code: 'invalid_api_key', param: null }),
      });
    });

    it('overrides the whole body, as JSON or verbatim text', async () => {
      mock.script('sk-fetch', { body: { custom: true }, status: 201 }, { status: 502, body: '<html>bad gateway</html>' });

      const custom = await post('/openai/v1/chat/completions', { model: 'm', stream: true });
      expect(custom.status).toBe(201);
      expect(custom.headers.get('content-type')).toBe('application/json');
      expect(await custom.json()).toEqual({ custom: true });
      const html = await post('/openai/v1/chat/completions', { model: 'm' });
      expect(html.status).toBe(502);
      expect(await html.text()).toBe('<html>bad gateway</html>');
    });

    it('waits delayMs before sending the headers', async () => {
      mock.script('sk-fetch', { delayMs: 120 });
      const started = performance.now();
      const response = await post('/openai/v1/chat/completions', { model: 'm' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
      expect(response.status).toBe(200);
    });

    it('streams the requested number of chunks, paced by chunkDelayMs', async () => {
      mock.script('sk-fetch', { chunks: 200 }, { chunks: 3, chunkDelayMs: 40, text: 'abcdef' });

      const many = parseSse(await (await post('/anthropic/v1/messages', { model: 'c', stream: true })).text());
      expect(many.filter((frame) => frame.event === 'content_block_delta')).toHaveLength(200);
      expect(
        many
          .filter((frame) => frame.event === 'content_block_delta')
          .map((frame) => JSON.parse(frame.data).delta.text)
          .join(''),
      ).toBe(mockText(200));

      const started = performance.now();
      const slow = parseSse(await (await post('/anthropic/v1/messages', { model: 'c', stream: true })).text());
      expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 40 - 10);
      const texts = slow
        .filter((frame) => frame.event === 'content_block_delta')
        .map((frame) => JSON.parse(frame.data).delta.text);
      expect(texts).toEqual(['ab', 'cd', 'ef']);
    });
  });

  describe('stream interruptions', () => {
    it('sends an in-stream error event after N chunks, in each provider format', async () => {
      mock.script('sk-openai-1', { errorAfterChunks: 2 }, { errorAfterChunks: 1 });
      mock.script('sk-ant-1', { errorAfterChunks: 3 });

      const chatDeltas: string[] = [];
      const chatError = await (async () => {
        const stream = await openai.chat.completions.create({ model: 'm', messages: [], stream: true });
        for await (const chunk of stream) chatDeltas.push(chunk.choices[0]?.delta.content ?? '');
      })().catch((error: unknown) => error);
      expect(chatError).toBeInstanceOf(OpenAI.APIError);
      expect((chatError as Error).message).toContain('The server had an error');
      expect(chatDeltas.join('')).toBe('Hello from');

      const responseEvents: string[] = [];
      const responsesError = await (async () => {
        const stream = await openai.responses.create({ model: 'm', input: 'hi', stream: true });
        for await (const event of stream) responseEvents.push(event.type);
      })().catch((error: unknown) => error);
      expect(responsesError).toBeInstanceOf(OpenAI.APIError);
      expect(responseEvents.filter((type) => type === 'response.output_text.delta')).toHaveLength(1);
      expect(responseEvents).not.toContain('response.completed');

      const anthropicTexts: string[] = [];
      const anthropicError = await (async () => {
        const stream = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: [], stream: true });
        for await (const event of stream) {
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
            anthropicTexts.push(event.delta.text);
          }
        }
      })().catch((error: unknown) => error);
      expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
      expect((anthropicError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        error: { type: 'overloaded_error' },
      });
      expect(anthropicTexts).toHaveLength(3);
    });

    it('drops the connection after N chunks (not recorded as a client abort)', async () => {
      mock.script('sk-fetch', { dropAfterChunks: 2 });

      const response = await post('/openai/v1/responses', { model: 'm', stream: true });
      expect(response.status).toBe(200);
      const { text, error } = await readBody(response);
      expect(error).toBeDefined();
      expect(countOccurrences(text, 'event: response.output_text.delta')).toBe(2);
      expect(text).not.toContain('response.completed');
      expect(mock.received[0].aborted).toBe(false);
    });

    it('stalls after N chunks until the client aborts, which waitForAbort observes', async () => {
      mock.script('sk-fetch', { stallAfterChunks: 1 });
      const client = new AbortController();

      const response = await post('/openai/v1/chat/completions', { model: 'm', stream: true }, 'sk-fetch', client.signal);
      const { text } = await readBody(response, (soFar) => soFar.includes('"content":"Hello"'));
      expect(text).not.toContain('[DONE]');
      expect(mock.received[0].aborted).toBe(false);
      client.abort();

      const aborted = await mock.waitForAbort(0, 2_000);
      expect(aborted.aborted).toBe(true);
      expect(aborted.credential).toBe('sk-fetch');
    });

    it('drops or stalls a blocking request before the headers when N is 0', async () => {
      mock.script('sk-fetch', { dropAfterChunks: 0 }, { stallAfterChunks: 0 });

      await expect(post('/openai/v1/chat/completions', { model: 'm' })).rejects.toThrow();
      const client = new AbortController();
      const stalled = post('/openai/v1/chat/completions', { model: 'm' }, 'sk-fetch', client.signal);
      await mock.waitForRequest(1, 2_000);
      client.abort();
      await expect(stalled).rejects.toThrow();
      await mock.waitForAbort(1, 2_000);
      expect(mock.received.map((request) => request.aborted)).toEqual([false, true]);
    });

    it('sends headers and half of a blocking body before dropping when N > 0', async () => {
      mock.script('sk-fetch', { dropAfterChunks: 1 });
      const response = await post('/openai/v1/chat/completions', { model: 'm' });
      expect(response.status).toBe(200);
      await expect(response.json()).rejects.toThrow();
    });

    it('rejects waitForAbort when the request completes without being aborted in time', async () => {
      await post('/openai/v1/chat/completions', { model: 'm' }).then((response) => response.text());
      await expect(mock.waitForAbort(0, 50)).rejects.toThrow(/was not aborted/);
    });
  });

  describe('recording and routing', () => {
    it('records method, path, query, headers, credential and body of every request', async () => {
      const body = { model: 'gpt-rec', messages: [{ role: 'user', content: 'hi' }] };
      await post('/openai/v1/chat/completions?trace=1&x=y', body, 'sk-rec');
      await fetch(`${mock.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'sk-ant-rec', 'content-type': 'text/plain' },
        body: 'not json',
      });

      const [first, second] = mock.received;
      expect(first).toMatchObject({
        index: 0,
        provider: 'openai',
        method: 'POST',
        path: '/openai/v1/chat/completions',
        query: { trace: '1', x: 'y' },
        credential: 'sk-rec',
        body,
        aborted: false,
      });
      expect(first.headers.authorization).toBe('Bearer sk-rec');
      expect(first.rawBody.toString('utf8')).toBe(JSON.stringify(body));
      expect(second).toMatchObject({ provider: 'anthropic', credential: 'sk-ant-rec', body: 'not json' });
      expect(mock.keysSeen()).toEqual(['sk-rec', 'sk-ant-rec']);
    });

    it('answers 400 to a non-JSON body, 401 without a credential and 404 elsewhere', async () => {
      const notJson = await fetch(`${mock.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'k' },
        body: 'nope',
      });
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

      const anonymous = await fetch(`${mock.url}/openai/v1/models`);
      expect(anonymous.status).toBe(401);

      const notFoundBodies = {
        '/nowhere': { error: { type: 'invalid_request_error', code: 'not_found' } },
        '/openai/v1/embeddings': { error: { type: 'invalid_request_error', code: 'not_found' } },
        '/anthropic/v1/complete': { type: 'error', error: { type: 'not_found_error' } },
      };
      for (const [path, expected] of Object.entries(notFoundBodies)) {
        const missing = await fetch(`${mock.url}${path}`, { headers: { authorization: 'Bearer k' } });
        expect(missing.status).toBe(404);
        expect(missing.headers.get('content-type')).toBe('application/json');
        expect(await missing.json()).toMatchObject(expected);
      }
      expect(mock.received).toHaveLength(5);
    });

    it('reset() clears scripts and records; waitForRequest resolves on arrival', async () => {
      mock.script('sk-fetch', { status: 500 });
      await post('/openai/v1/chat/completions', { model: 'm' });
      expect(mock.received).toHaveLength(1);
      mock.script('sk-fetch', { status: 500 });

      mock.reset();
      expect(mock.received).toHaveLength(0);
      const arrival = mock.waitForRequest(0, 2_000);
      expect((await post('/openai/v1/chat/completions', { model: 'm' })).status).toBe(200);
      expect((await arrival).path).toBe('/openai/v1/chat/completions');
    });

    it('records the answer it planned: the JSON body, or the data of each SSE event', async () => {
      const blocking = await post('/openai/v1/chat/completions', { model: 'm' });
      expect(mock.received[0].answer).toEqual({ status: 200, body: await blocking.json() });

      const streamed = await (await post('/openai/v1/chat/completions', { model: 'm', stream: true })).text();
      const sentData = parseSse(streamed)
        .filter((frame) => frame.data !== '[DONE]')
        .map((frame) => JSON.parse(frame.data));
      expect(mock.received[1].answer).toEqual({ status: 200, events: sentData });

      mock.script('sk-fetch', { status: 429 });
      const limited = await post('/openai/v1/responses', { model: 'm' });
      expect(mock.received[2].answer).toEqual({ status: 429, body: await limited.json() });
    });

    it('records nothing with record: false', async () => {
      const quiet = await startMockUpstream({ record: false, defaultChunks: 2 });
      try {
        const response = await fetch(`${quiet.openaiBaseUrl}chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer k' },
          body: JSON.stringify({ model: 'm', stream: true }),
        });
        expect(countOccurrences(await response.text(), '"content":"')).toBe(3); // role chunk + 2 text chunks
        expect(quiet.received).toHaveLength(0);
        expect(quiet.keysSeen()).toEqual([]);
        await expect(quiet.waitForAbort(0, 10)).rejects.toThrow(/record: false/);
      } finally {
        await quiet.close();
      }
    });

    it('exposes its base URLs', () => {
      expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(mock.openaiBaseUrl).toBe(`${mock.url}/openai/v1/`);
      expect(mock.anthropicBaseUrl).toBe(`${mock.url}/anthropic/`);
    });
  });
});
