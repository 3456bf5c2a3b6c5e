import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

/** The official SDKs, unchanged but for base URL and API key, work through the gateway. */
describe('official SDKs through the gateway', () => {
  let harness: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    harness = await startHarness();
    openai = new OpenAI({ apiKey: ALICE_TOKEN, baseURL: harness.openaiBaseUrl, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: harness.anthropicBaseUrl, maxRetries: 0 });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.mock.reset());

  it('chat completions, blocking', async () => {
    const completion = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi there' }] });
    expect(completion.model).toBe('gpt-test');
    expect(completion.choices[0].message.content).toEqual(expect.any(String));
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
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
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect((harness.mock.received[0].body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it('chat completions with a tool call', async () => {
    harness.mock.script('*', { toolCall: { name: 'get_weather', arguments: { city: 'Paris' } } });
    const completion = await openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
  });

  it('responses, blocking', async () => {
    const response = await openai.responses.create({ model: 'gpt-test', input: 'hello' });
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(harness.mock.received[0].path).toBe('/openai/v1/responses');
  });

  it('responses, streaming', async () => {
    const stream = await openai.responses.create({ model: 'gpt-test', input: 'hello', stream: true });
    const types: string[] = [];
    let completedUsage: unknown;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') completedUsage = event.response.usage;
    }
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_text.delta');
    expect(types[types.length - 1]).toBe('response.completed');
    expect(completedUsage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
  });

  it('models list and retrieve (passthrough)', async () => {
    const models = await openai.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const model = await openai.models.retrieve('gpt-test');
    expect(model.id).toBe('gpt-test');
    expect(harness.mock.received.map((request) => request.path)).toEqual(['/openai/v1/models', '/openai/v1/models/gpt-test']);
  });

  it('anthropic messages, blocking', async () => {
    const message = await anthropic.messages.create({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.model).toBe('claude-test');
    expect(message.content[0].type).toBe('text');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    const [received] = harness.mock.received;
    expect(received.path).toBe('/anthropic/v1/messages');
    expect(received.headers['x-api-key']).toBe('k0-long-key');
    expect(received.headers.authorization).toBeUndefined();
  });

  it('anthropic messages, streaming', async () => {
    const stream = anthropic.messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const final = await stream.finalMessage();
    expect(final.content[0].type === 'text' && final.content[0].text.length).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('anthropic messages with tool use, blocking and streaming', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }];
    harness.mock.script('*', { toolCall: { name: 'lookup', arguments: { q: 'tollgate' } } }, { toolCall: { name: 'lookup', arguments: { q: 'again' } } });
    const message = await anthropic.messages.create({ model: 'claude-test', max_tokens: 100, tools, messages: [{ role: 'user', content: 'find' }] });
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type === 'tool_use' && toolUse.input).toEqual({ q: 'tollgate' });

    const final = await anthropic.messages.stream({ model: 'claude-test', max_tokens: 100, tools, messages: [{ role: 'user', content: 'find' }] }).finalMessage();
    const streamed = final.content.find((block) => block.type === 'tool_use');
    expect(streamed?.type === 'tool_use' && streamed.input).toEqual({ q: 'again' });
  });

  it('anthropic models list and count_tokens (passthrough)', async () => {
    const models = await anthropic.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const count = await anthropic.messages.countTokens({ model: 'claude-test', messages: [{ role: 'user', content: 'count me' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(harness.mock.received.map((request) => request.path)).toEqual(['/anthropic/v1/models', '/anthropic/v1/messages/count_tokens']);
  });

  it('reports upstream errors as the SDKs typed errors', async () => {
    harness.mock.script('*', { status: 400 });
    await expect(openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    const badToken = new Anthropic({ apiKey: 'tg_not_a_known_token', baseURL: harness.anthropicBaseUrl, maxRetries: 0 });
    await expect(badToken.messages.create({ model: 'c', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
  });
});
