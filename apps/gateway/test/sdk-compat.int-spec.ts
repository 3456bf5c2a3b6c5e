import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  MOCK_ANTHROPIC_COUNT_TOKENS,
  MOCK_ANTHROPIC_MODELS,
  MOCK_ANTHROPIC_USAGE,
  MOCK_CHAT_USAGE,
  MOCK_OPENAI_MODELS,
  MOCK_RESPONSES_USAGE,
  mockText,
  type MockAnswer,
} from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

// The mock's answers, as far as these tests read them.
interface SentChatCompletion {
  id: string;
  choices: Array<{ message: { tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> } }>;
}
interface SentChatChunk {
  id: string;
  choices: Array<{ delta: { tool_calls?: Array<{ id?: string }> } }>;
}
interface SentResponse {
  id: string;
  output: Array<{ id: string; call_id?: string; name?: string; arguments?: string }>;
}
interface SentMessage {
  id: string;
  content: Array<{ type: string; id?: string; name?: string; input?: unknown }>;
}
interface SentAnthropicEvent {
  type: string;
  message?: { id: string };
  content_block?: { type: string; id?: string; name?: string };
}

/**
 * The official SDKs, unchanged but for base URL and API key, work through the gateway: what a client returns is
 * exactly what the mock upstream sent.
 */
describe('official SDKs through the gateway', () => {
  let harness: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  /** The answer the mock planned for its request `index`. */
  const sent = (index = 0): MockAnswer => {
    const answer = harness.mock.received[index]?.answer;
    if (!answer) throw new Error(`the mock received no request #${index}`);
    return answer;
  };
  const sentBody = <T>(index = 0) => sent(index).body as T;
  const sentEvents = <T>(index = 0) => sent(index).events as T[];

  beforeAll(async () => {
    harness = await startHarness();
    // No SDK retries: a retry would hide a gateway error behind a later success (and add requests the assertions
    // on `harness.mock.received` do not expect).
    openai = new OpenAI({ apiKey: ALICE_TOKEN, baseURL: harness.openaiBaseUrl, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: harness.anthropicBaseUrl, maxRetries: 0 });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.mock.reset());

  it('chat completions, blocking', async () => {
    const completion = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi there' }] });
    expect(completion).toEqual(sentBody(0));
    expect(completion.id).toBe(sentBody<SentChatCompletion>(0).id);
    expect(completion.model).toBe('gpt-test');
    expect(completion.choices[0].message.content).toBe(mockText());
    expect(completion.usage).toEqual(MOCK_CHAT_USAGE);
    const [received] = harness.mock.received;
    expect(received.path).toBe('/openai/v1/chat/completions');
    expect(received.credential).toBe('k0-long-key');
    expect(received.headers.authorization).toBe('Bearer k0-long-key');
  });

  it('chat completions, streaming, receives usage and the same content the upstream sent', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual(sentEvents(0));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(mockText());
    expect(chunks.at(-1)?.usage).toEqual(MOCK_CHAT_USAGE);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set([sentEvents<SentChatChunk>(0)[0].id]));
    expect((harness.mock.received[0].body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it('chat completions with a tool call, blocking and streaming', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    harness.mock.script(
      '*',
      { toolCall: { name: 'get_weather', arguments: { city: 'Paris' } } },
      { toolCall: { name: 'get_weather', arguments: { city: 'Oslo', days: 3 } } },
    );
    const completion = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'weather?' }], tools });
    expect(completion).toEqual(sentBody(0));
    const sentCall = sentBody<SentChatCompletion>(0).choices[0].message.tool_calls![0];
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && [call.id, call.function.name, JSON.parse(call.function.arguments)]).toEqual([
      sentCall.id,
      'get_weather',
      { city: 'Paris' },
    ]);
    expect(completion.usage).toEqual(MOCK_CHAT_USAGE);

    const streamed = await openai.chat.completions
      .stream({ model: 'gpt-test', messages: [{ role: 'user', content: 'weather?' }], tools, stream_options: { include_usage: true } })
      .finalChatCompletion();
    const sentStreamCallId = sentEvents<SentChatChunk>(1)[0].choices[0].delta.tool_calls![0].id;
    const streamedCall = streamed.choices[0].message.tool_calls?.[0];
    expect(streamedCall?.type === 'function' && [streamedCall.id, streamedCall.function.name, JSON.parse(streamedCall.function.arguments)]).toEqual([
      sentStreamCallId,
      'get_weather',
      { city: 'Oslo', days: 3 },
    ]);
    expect(streamed.id).toBe(sentEvents<SentChatChunk>(1)[0].id);
    expect(streamed.usage).toEqual(MOCK_CHAT_USAGE);
  });

  it('responses, blocking', async () => {
    const response = await openai.responses.create({ model: 'gpt-test', input: 'hello' });
    expect(response).toMatchObject(sentBody<object>(0));
    expect(response.id).toBe(sentBody<SentResponse>(0).id);
    expect(response.output_text).toBe(mockText());
    expect(response.usage).toEqual(MOCK_RESPONSES_USAGE);
    expect(harness.mock.received[0].path).toBe('/openai/v1/responses');
  });

  it('responses, streaming', async () => {
    const stream = await openai.responses.create({ model: 'gpt-test', input: 'hello', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual(sentEvents(0));
    expect(events[0].type).toBe('response.created');
    const text = events.map((event) => (event.type === 'response.output_text.delta' ? event.delta : '')).join('');
    expect(text).toBe(mockText());
    const completed = events.at(-1);
    expect(completed?.type === 'response.completed' && [completed.response.id, completed.response.usage]).toEqual([
      (sentEvents<{ response?: { id: string } }>(0)[0].response as { id: string }).id,
      MOCK_RESPONSES_USAGE,
    ]);
  });

  it('responses with a function call, blocking and streaming', async () => {
    const tools: OpenAI.Responses.Tool[] = [
      { type: 'function', name: 'lookup', strict: false, parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    ];
    harness.mock.script('*', { toolCall: { name: 'lookup', arguments: { q: 'tollgate' } } }, { toolCall: { name: 'lookup', arguments: { q: 'again' } } });
    const response = await openai.responses.create({ model: 'gpt-test', input: 'find', tools });
    expect(response).toMatchObject(sentBody<object>(0));
    const [sentItem] = sentBody<SentResponse>(0).output;
    const [item] = response.output;
    expect(item.type === 'function_call' && [item.id, item.call_id, item.name, JSON.parse(item.arguments)]).toEqual([
      sentItem.id,
      sentItem.call_id,
      'lookup',
      { q: 'tollgate' },
    ]);

    const final = await openai.responses.stream({ model: 'gpt-test', input: 'find', tools }).finalResponse();
    const sentCompleted = sentEvents<{ type: string; response?: SentResponse }>(1).find((event) => event.type === 'response.completed')!.response!;
    const [streamedItem] = final.output;
    expect(streamedItem.type === 'function_call' && [final.id, streamedItem.call_id, streamedItem.name, JSON.parse(streamedItem.arguments)]).toEqual([
      sentCompleted.id,
      sentCompleted.output[0].call_id,
      'lookup',
      { q: 'again' },
    ]);
    expect(final.usage).toEqual(MOCK_RESPONSES_USAGE);
  });

  it('models list and retrieve (passthrough)', async () => {
    const models = await openai.models.list();
    expect(models.data.map((model) => model.id)).toEqual(MOCK_OPENAI_MODELS);
    expect({ object: 'list', data: models.data }).toEqual(sentBody(0));
    const model = await openai.models.retrieve('gpt-test');
    expect(model).toEqual(sentBody(1));
    expect(model.id).toBe('gpt-test');
    expect(harness.mock.received.map((request) => request.path)).toEqual(['/openai/v1/models', '/openai/v1/models/gpt-test']);
  });

  it('anthropic messages, blocking', async () => {
    const message = await anthropic.messages.create({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(message).toEqual(sentBody(0));
    expect(message.id).toBe(sentBody<SentMessage>(0).id);
    expect(message.model).toBe('claude-test');
    expect(message.content).toEqual([{ type: 'text', text: mockText() }]);
    expect(message.usage).toEqual(MOCK_ANTHROPIC_USAGE);
    const [received] = harness.mock.received;
    expect(received.path).toBe('/anthropic/v1/messages');
    expect(received.headers['x-api-key']).toBe('k0-long-key');
    expect(received.headers.authorization).toBeUndefined();
  });

  it('anthropic messages, streaming: the raw events, and the message the stream helper assembles', async () => {
    const request = { model: 'claude-test', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of await anthropic.messages.create({ ...request, stream: true })) events.push(event);
    // The SDK does not yield `ping` events.
    expect(events).toEqual(sentEvents<SentAnthropicEvent>(0).filter((event) => event.type !== 'ping'));

    const final = await anthropic.messages.stream(request).finalMessage();
    expect(final.id).toBe(sentEvents<SentAnthropicEvent>(1)[0].message!.id);
    expect(final.content).toEqual([{ type: 'text', text: mockText() }]);
    expect(final.usage).toEqual(MOCK_ANTHROPIC_USAGE);
  });

  it('anthropic messages with tool use, blocking and streaming', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }];
    harness.mock.script('*', { toolCall: { name: 'lookup', arguments: { q: 'tollgate' } } }, { toolCall: { name: 'lookup', arguments: { q: 'again' } } });
    const message = await anthropic.messages.create({ model: 'claude-test', max_tokens: 100, tools, messages: [{ role: 'user', content: 'find' }] });
    expect(message).toEqual(sentBody(0));
    const sentToolUse = sentBody<SentMessage>(0).content[0];
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type === 'tool_use' && [toolUse.id, toolUse.name, toolUse.input]).toEqual([sentToolUse.id, 'lookup', { q: 'tollgate' }]);
    expect(message.usage).toEqual(MOCK_ANTHROPIC_USAGE);

    const final = await anthropic.messages.stream({ model: 'claude-test', max_tokens: 100, tools, messages: [{ role: 'user', content: 'find' }] }).finalMessage();
    const sentBlock = sentEvents<SentAnthropicEvent>(1).find((event) => event.type === 'content_block_start')!.content_block!;
    const streamed = final.content.find((block) => block.type === 'tool_use');
    expect(streamed?.type === 'tool_use' && [streamed.id, streamed.name, streamed.input]).toEqual([sentBlock.id, 'lookup', { q: 'again' }]);
    expect(final.id).toBe(sentEvents<SentAnthropicEvent>(1)[0].message!.id);
    expect(final.usage).toEqual(MOCK_ANTHROPIC_USAGE);
  });

  it('anthropic models list and count_tokens (passthrough)', async () => {
    const models = await anthropic.models.list();
    expect(models.data.map((model) => model.id)).toEqual(MOCK_ANTHROPIC_MODELS);
    expect(models.data).toEqual(sentBody<{ data: unknown[] }>(0).data);
    const count = await anthropic.messages.countTokens({ model: 'claude-test', messages: [{ role: 'user', content: 'count me' }] });
    expect(count).toEqual(sentBody(1));
    expect(count.input_tokens).toBe(MOCK_ANTHROPIC_COUNT_TOKENS);
    expect(harness.mock.received.map((request) => request.path)).toEqual(['/anthropic/v1/models', '/anthropic/v1/messages/count_tokens']);
  });

  it('reports upstream errors as the SDKs typed errors', async () => {
    harness.mock.script('*', { status: 400 });
    const rejection = openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    await expect(rejection).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const error = (await rejection.catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.error).toEqual((sentBody<{ error: unknown }>(0)).error);
    const badToken = new Anthropic({ apiKey: 'tg_not_a_known_token', baseURL: harness.anthropicBaseUrl, maxRetries: 0 });
    await expect(badToken.messages.create({ model: 'c', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
  });
});
