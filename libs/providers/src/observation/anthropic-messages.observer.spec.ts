import { createStreamObserver, observeBlocking } from './response.observer';
import { ANTHROPIC_BLOCKING_BODY, ANTHROPIC_ERROR_STREAM, ANTHROPIC_MESSAGE_START_TEXT, ANTHROPIC_TOOL_STREAM } from './fixtures/anthropic-messages.fixtures';
import { observeBytes } from './fixtures/sse-stream.fixture';

const observeStream = (bytes: Uint8Array, chunkSize?: number) => observeBytes(createStreamObserver('anthropic-messages'), bytes, chunkSize);

const MESSAGE_ID = 'msg_01XFDUDYJgAACzvnptvVoYEL';

describe('Anthropic messages observation', () => {
  it('blocking: usage with cache counters and server tool use, client tool calls only', () => {
    expect(observeBlocking('anthropic-messages', ANTHROPIC_BLOCKING_BODY)).toEqual({
      responseId: 'msg_01Aq9w938a90dw8q',
      model: 'claude-opus-4-1-20250805',
      tokenUsages: [
        {
          providerResponseId: 'msg_01Aq9w938a90dw8q',
          inputTokens: 2095,
          outputTokens: 503,
          cacheReadInputTokens: 4800,
          cacheWriteInputTokens: 0,
          extra: { 'server_tool_use.web_search_requests': 2 },
        },
      ],
      toolCalls: [
        { providerResponseId: 'msg_01Aq9w938a90dw8q', toolCallId: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"Paris","days":3}' },
      ],
    });
  });

  it('blocking: an error body', () => {
    const body = { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } };
    expect(observeBlocking('anthropic-messages', body)).toEqual({
      tokenUsages: [],
      toolCalls: [],
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });

  it.each([undefined, 1, 3, 100])('streaming (chunks of %s bytes): start usage, cumulative output, tool_use input assembled', (chunkSize) => {
    expect(observeStream(Buffer.from(ANTHROPIC_TOOL_STREAM), chunkSize)).toEqual({
      responseId: MESSAGE_ID,
      model: 'claude-sonnet-4-5-20250929',
      tokenUsages: [
        {
          providerResponseId: MESSAGE_ID,
          inputTokens: 472,
          outputTokens: 89,
          cacheReadInputTokens: 15000,
          cacheWriteInputTokens: 1200,
          extra: { 'cache_creation.ephemeral_5m_input_tokens': 1200, 'server_tool_use.web_search_requests': 1 },
        },
      ],
      toolCalls: [
        { providerResponseId: MESSAGE_ID, toolCallId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location": "San Francisco, CA", "unit": "celsius"}' },
        { providerResponseId: MESSAGE_ID, toolCallId: 'toolu_01NoArgs', name: 'get_time', arguments: '{}' },
      ],
    });
  });

  it('a stream ending anywhere reports the usage it saw and never throws', () => {
    const bytes = Buffer.from(ANTHROPIC_TOOL_STREAM);
    const startLength = Buffer.byteLength(ANTHROPIC_MESSAGE_START_TEXT);
    const messageDeltaAt = bytes.indexOf('event: message_delta');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const usages = observeStream(bytes.subarray(0, cut)).tokenUsages;
      // Before message_start's JSON is complete there is nothing to report.
      if (cut < startLength - 2) expect(usages).toEqual([]);
      else if (cut >= startLength) {
        expect(usages).toHaveLength(1);
        expect(usages[0]).toMatchObject({ inputTokens: 472, cacheReadInputTokens: 15000, cacheWriteInputTokens: 1200 });
        if (cut <= messageDeltaAt) expect(usages[0].outputTokens).toBe(2);
      }
    }
  });

  it('an error event is reported, with the usage seen before it', () => {
    const result = observeStream(Buffer.from(ANTHROPIC_ERROR_STREAM));
    expect(result.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(result.tokenUsages).toHaveLength(1);
    expect(result.tokenUsages[0]).toMatchObject({ inputTokens: 472, outputTokens: 2 });
  });
});
