import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MOCK_ANTHROPIC_USAGE, MOCK_CHAT_USAGE, MOCK_RESPONSES_USAGE, mockText, startTestMcpServer, type TestMcpServer } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const K0 = 'k0-long-key';
const SEARCH = { toolCall: { name: 'mcp_docs_search', arguments: { query: 'pool' } } };

/**
 * The official SDKs' stream helpers accumulate the gateway's merged stream of a tool loop into a normal final
 * answer: the content of the last iteration, no injected tool call, the usage of both iterations.
 */
describe('official SDKs through the MCP tool loop', () => {
  let mcp: TestMcpServer;
  let harness: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    mcp = await startTestMcpServer();
    harness = await startHarness({ mcp: { servers: [{ name: 'docs', url: mcp.url, allow: ['^search$'] }] } });
    openai = new OpenAI({ apiKey: ALICE_TOKEN, baseURL: harness.openaiBaseUrl, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: harness.anthropicBaseUrl, maxRetries: 0 });
  });
  afterAll(async () => {
    await harness.close();
    await mcp.close();
  });
  beforeEach(() => harness.mock.reset());

  it('chat completions: stream().finalChatCompletion()', async () => {
    harness.mock.script(K0, SEARCH);
    const final = await openai.chat.completions
      .stream({ model: 'gpt-test', messages: [{ role: 'user', content: 'find pool docs' }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(final.choices[0].message.content).toBe(mockText());
    expect(final.choices[0].message.tool_calls ?? []).toEqual([]);
    expect(final.choices[0].finish_reason).toBe('stop');
    expect(final.usage?.prompt_tokens).toBe(2 * MOCK_CHAT_USAGE.prompt_tokens);
    expect(final.usage?.completion_tokens).toBe(2 * MOCK_CHAT_USAGE.completion_tokens);
    expect(harness.mock.received).toHaveLength(2);
  });

  it('Responses: stream().finalResponse()', async () => {
    harness.mock.script(K0, SEARCH);
    const final = await openai.responses.stream({ model: 'gpt-test', input: 'find pool docs' }).finalResponse();
    expect(final.output_text).toBe(mockText());
    expect(final.output.filter((item) => item.type === 'function_call')).toEqual([]);
    expect(final.usage?.input_tokens).toBe(2 * MOCK_RESPONSES_USAGE.input_tokens);
    expect(final.usage?.output_tokens).toBe(2 * MOCK_RESPONSES_USAGE.output_tokens);
  });

  it('Anthropic messages: stream().finalMessage(), and a blocking create()', async () => {
    const callsBefore = mcp.calls.length;
    harness.mock.script(K0, SEARCH);
    const request = { model: 'claude-test', max_tokens: 100, messages: [{ role: 'user' as const, content: 'find pool docs' }] };
    const streamed = await anthropic.messages.stream(request).finalMessage();
    expect(streamed.content).toEqual([expect.objectContaining({ type: 'text', text: mockText() })]);
    expect(streamed.stop_reason).toBe('end_turn');
    expect(streamed.usage.output_tokens).toBe(2 * MOCK_ANTHROPIC_USAGE.output_tokens);

    harness.mock.script(K0, SEARCH);
    const blocking = await anthropic.messages.create(request);
    expect(blocking.content).toEqual([expect.objectContaining({ type: 'text', text: mockText() })]);
    expect(blocking.usage.input_tokens).toBe(2 * MOCK_ANTHROPIC_USAGE.input_tokens);
    expect(mcp.calls.slice(callsBefore).map((call) => call.arguments)).toEqual([{ query: 'pool' }, { query: 'pool' }]);
  });
});
