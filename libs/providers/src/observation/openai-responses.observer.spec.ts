import { createStreamObserver, observeBlocking } from './response.observer';
import {
  RESPONSES_BLOCKING_BODY,
  RESPONSES_ERROR_EVENT_STREAM,
  RESPONSES_FAILED_STREAM,
  RESPONSES_STREAM_EVENTS,
  RESPONSES_TOOL_STREAM,
} from './fixtures/openai-responses.fixtures';
import { observeBytes, sseText } from './fixtures/sse-stream.fixture';

const observeStream = (text: string, chunkSize?: number) => observeBytes(createStreamObserver('openai-responses'), Buffer.from(text), chunkSize);

const USAGE = {
  providerResponseId: 'resp_68a1f0c2d3e4',
  inputTokens: 512,
  outputTokens: 300,
  cacheReadInputTokens: 1536,
  cacheWriteInputTokens: 0,
  extra: { 'output_tokens_details.reasoning_tokens': 192 },
};
const TOOL_CALL = { providerResponseId: 'resp_68a1f0c2d3e4', toolCallId: 'call_Zy7', name: 'lookup_order', arguments: '{"order_id":"42"}' };

describe('OpenAI Responses observation', () => {
  it('blocking: usage and function calls of the response body', () => {
    expect(observeBlocking('openai-responses', RESPONSES_BLOCKING_BODY)).toEqual({
      responseId: 'resp_68a1f0c2d3e4',
      model: 'gpt-5-2025-08-07',
      tokenUsages: [USAGE],
      toolCalls: [TOOL_CALL],
    });
  });

  it('blocking: a failed response body reports its error', () => {
    const body = { ...RESPONSES_BLOCKING_BODY, status: 'failed', output: [], error: { code: 'server_error', message: 'boom' } };
    expect(observeBlocking('openai-responses', body).error).toEqual({ type: 'server_error', message: 'boom' });
  });

  it.each([undefined, 1, 9, 128])('streaming (chunks of %s bytes): usage from response.completed, call assembled', (chunkSize) => {
    expect(observeStream(RESPONSES_TOOL_STREAM, chunkSize)).toEqual({
      responseId: 'resp_68a1f0c2d3e4',
      model: 'gpt-5-2025-08-07',
      tokenUsages: [USAGE],
      toolCalls: [TOOL_CALL],
      lastSequenceNumber: RESPONSES_STREAM_EVENTS.length,
    });
  });

  it('streaming cut mid arguments: the deltas so far, no usage', () => {
    const lastDeltaIndex = RESPONSES_STREAM_EVENTS.findIndex((event) => event.data.delta === '_id":"4');
    const result = observeStream(sseText(RESPONSES_STREAM_EVENTS.slice(0, lastDeltaIndex + 1)));
    expect(result.tokenUsages).toEqual([]);
    expect(result.toolCalls).toEqual([{ ...TOOL_CALL, arguments: '{"order_id":"4' }]);
    expect(result.lastSequenceNumber).toBe(lastDeltaIndex);
  });

  it('deltas alone (no done events) still assemble the arguments', () => {
    const withoutDone = RESPONSES_STREAM_EVENTS.filter(
      (event) => event.event !== 'response.function_call_arguments.done' && !(event.event === 'response.output_item.done' && event.data.output_index === 2),
    );
    expect(observeStream(sseText(withoutDone)).toolCalls).toEqual([TOOL_CALL]);
  });

  it('skipped text deltas still advance the sequence number', () => {
    const textDeltaIndex = RESPONSES_STREAM_EVENTS.findIndex((event) => event.event === 'response.output_text.delta');
    expect(observeStream(sseText(RESPONSES_STREAM_EVENTS.slice(0, textDeltaIndex + 1))).lastSequenceNumber).toBe(textDeltaIndex);
  });

  it('response.failed: error and the usage it carried', () => {
    const result = observeStream(RESPONSES_FAILED_STREAM);
    expect(result.error).toEqual({ type: 'server_error', message: 'The model failed to generate a response.' });
    expect(result.tokenUsages).toEqual([
      { providerResponseId: 'resp_68a1f0c2d3e4', inputTokens: 900, outputTokens: 5, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} },
    ]);
  });

  it('an error event is reported', () => {
    const result = observeStream(RESPONSES_ERROR_EVENT_STREAM);
    expect(result.error).toEqual({ type: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-5' });
    expect(result.lastSequenceNumber).toBe(1);
  });

  it('response.incomplete carries usage and is not an error', () => {
    const text = sseText([
      RESPONSES_STREAM_EVENTS[0],
      {
        event: 'response.incomplete',
        data: {
          type: 'response.incomplete',
          response: { id: 'resp_68a1f0c2d3e4', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, error: null, output: [], usage: { input_tokens: 10, output_tokens: 64, total_tokens: 74 } },
          sequence_number: 1,
        },
      },
    ]);
    const result = observeStream(text);
    expect(result.error).toBeUndefined();
    expect(result.tokenUsages.map((usage) => [usage.inputTokens, usage.outputTokens])).toEqual([[10, 64]]);
  });
});
