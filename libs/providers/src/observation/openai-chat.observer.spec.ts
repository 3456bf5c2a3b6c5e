import { observeBlocking, createStreamObserver } from './response.observer';
import { CHAT_COMPLETION_BODY, CHAT_ERROR_STREAM, CHAT_TEXT_STREAM, CHAT_TOOL_STREAM } from './fixtures/openai-chat.fixtures';
import { observeBytes } from './fixtures/sse-stream.fixture';

const observeStream = (text: string, chunkSize?: number) => observeBytes(createStreamObserver('openai-chat'), Buffer.from(text), chunkSize);

describe('OpenAI chat observation', () => {
  it('blocking: usage, model, id and tool calls', () => {
    expect(observeBlocking('openai-chat', CHAT_COMPLETION_BODY)).toEqual({
      responseId: 'chatcmpl-C0aBcD3f',
      model: 'o4-mini-2025-04-16',
      tokenUsages: [
        {
          providerResponseId: 'chatcmpl-C0aBcD3f',
          inputTokens: 156,
          outputTokens: 210,
          cacheReadInputTokens: 2944,
          cacheWriteInputTokens: 0,
          extra: { 'completion_tokens_details.reasoning_tokens': 192 },
        },
      ],
      toolCalls: [{ providerResponseId: 'chatcmpl-C0aBcD3f', toolCallId: 'call_Lk9', name: 'lookup_order', arguments: '{"order_id":"42"}' }],
    });
  });

  it('blocking: a body without usage or choices reports nothing', () => {
    expect(observeBlocking('openai-chat', { id: 'x', object: 'chat.completion' })).toMatchObject({ tokenUsages: [], toolCalls: [] });
    expect(observeBlocking('openai-chat', 'not an object')).toEqual({ tokenUsages: [], toolCalls: [] });
  });

  it.each([undefined, 1, 5, 64])('streaming (chunks of %s bytes): parallel tool calls assembled, usage from the final chunk', (chunkSize) => {
    expect(observeStream(CHAT_TOOL_STREAM, chunkSize)).toEqual({
      responseId: 'chatcmpl-BzQ4kS2x9',
      model: 'gpt-4o-mini-2024-07-18',
      tokenUsages: [
        { providerResponseId: 'chatcmpl-BzQ4kS2x9', inputTokens: 176, outputTokens: 48, cacheReadInputTokens: 1024, cacheWriteInputTokens: 0, extra: {} },
      ],
      toolCalls: [
        { providerResponseId: 'chatcmpl-BzQ4kS2x9', toolCallId: 'call_Paris01', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { providerResponseId: 'chatcmpl-BzQ4kS2x9', toolCallId: 'call_Rome02', name: 'get_weather', arguments: '{"city": "Rome"}' },
      ],
    });
  });

  it('streaming text: keys quoted inside the text do not confuse it', () => {
    const result = observeStream(CHAT_TEXT_STREAM);
    expect(result.toolCalls).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.tokenUsages).toEqual([
      { providerResponseId: 'chatcmpl-BzQ4kS2x9', inputTokens: 19, outputTokens: 12, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} },
    ]);
  });

  it('streaming: an error chunk is reported', () => {
    const result = observeStream(CHAT_ERROR_STREAM);
    expect(result.error).toEqual({ type: 'server_error', message: 'The server had an error while processing your request. Sorry about that!' });
    expect(result.responseId).toBe('chatcmpl-BzQ4kS2x9');
    expect(result.tokenUsages).toEqual([]);
  });

  it('streaming cut mid tool call: the fragments seen so far, no usage', () => {
    // Just before the chunk with the last fragment of the first call (`ris"}`, JSON-escaped in the data).
    const cutAt = CHAT_TOOL_STREAM.lastIndexOf('data: ', CHAT_TOOL_STREAM.indexOf('ris\\"}'));
    expect(cutAt).toBeGreaterThan(0);
    const result = observeStream(CHAT_TOOL_STREAM.slice(0, cutAt));
    expect(result.tokenUsages).toEqual([]);
    expect(result.toolCalls).toEqual([
      { providerResponseId: 'chatcmpl-BzQ4kS2x9', toolCallId: 'call_Paris01', name: 'get_weather', arguments: '{"city": "Pa' },
    ]);
  });

  it('streaming: tool calls of several choices stay apart', () => {
    const chunk = (choice: number, args: string, id?: string) =>
      `data: ${JSON.stringify({ id: 'c1', choices: [{ index: choice, delta: { tool_calls: [{ index: 0, ...(id ? { id, function: { name: 'f', arguments: '' } } : { function: { arguments: args } }) }] } }] })}\n\n`;
    const text = chunk(0, '', 'call_a') + chunk(1, '', 'call_b') + chunk(1, '{"b":1}') + chunk(0, '{"a":1}');
    expect(observeStream(text).toolCalls.map((call) => [call.toolCallId, call.arguments])).toEqual([
      ['call_a', '{"a":1}'],
      ['call_b', '{"b":1}'],
    ]);
  });
});
