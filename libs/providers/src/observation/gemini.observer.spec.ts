import { readGeminiKeyFailure } from '../errors/google-key-failure.reader';
import { createStreamObserver, observeBlocking } from './response.observer';
import { observeBytes } from './fixtures/sse-stream.fixture';
import {
  GEMINI_BAD_REQUEST_BODY,
  GEMINI_BATCH_EMBED_BODY,
  GEMINI_BLOCKING_BODY,
  GEMINI_EMBED_CONTENT_BODY,
  GEMINI_ERROR_STREAM,
  GEMINI_FUNCTION_CALL_BODY,
  GEMINI_INVALID_KEY_BODY,
  GEMINI_RATE_LIMIT_BODY,
  GEMINI_TEXT_STREAM,
} from '@tollgate/testing';

const observeStream = (text: string, chunkSize?: number) => observeBytes(createStreamObserver('gemini-generate-content'), Buffer.from(text), chunkSize);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('Gemini observation', () => {
  it('blocking: cached tokens come out of the prompt count, thoughts count as output and stay visible', () => {
    expect(observeBlocking('gemini-generate-content', GEMINI_BLOCKING_BODY)).toEqual({
      responseId: 'HqtLadGcJ8O2nvgPoqWBmQ4',
      model: 'gemini-2.5-flash',
      tokenUsages: [
        {
          providerResponseId: 'HqtLadGcJ8O2nvgPoqWBmQ4',
          inputTokens: 60,
          outputTokens: 445,
          cacheReadInputTokens: 2048,
          cacheWriteInputTokens: 0,
          extra: { thoughtsTokenCount: 433 },
        },
      ],
      toolCalls: [],
      error: undefined,
    });
  });

  it('blocking: a function call is a tool call', () => {
    const observation = observeBlocking('gemini-generate-content', GEMINI_FUNCTION_CALL_BODY);
    expect(observation.toolCalls).toEqual([
      {
        providerResponseId: 'Jq1LaeKfBuW2nvgP4Ou7sA8',
        toolCallId: '',
        name: 'schedule_meeting',
        arguments: JSON.stringify({ attendees: ['Bob', 'Alice'], date: '2025-03-14', time: '10:00', topic: 'Q3 planning' }),
      },
    ]);
    expect(observation.tokenUsages[0]).toMatchObject({ inputTokens: 118, outputTokens: 125, extra: { thoughtsTokenCount: 84 } });
  });

  it('the JSON array of streamGenerateContent without alt=sse: the last usage wins', () => {
    const chunks = GEMINI_TEXT_STREAM.split('\r\n\r\n').filter(Boolean).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(observeBlocking('gemini-generate-content', chunks).tokenUsages).toEqual([
      { providerResponseId: 'SKtLaZ2YGN2mnvgPjaWL0Q0', inputTokens: 9, outputTokens: 478, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: { thoughtsTokenCount: 467 } },
    ]);
  });

  it.each([undefined, 1, 3, 64])('streaming (chunks of %s bytes, CRLF events): the last usage wins', (chunkSize) => {
    expect(observeStream(GEMINI_TEXT_STREAM, chunkSize)).toEqual({
      responseId: 'SKtLaZ2YGN2mnvgPjaWL0Q0',
      model: 'gemini-2.5-flash',
      tokenUsages: [
        { providerResponseId: 'SKtLaZ2YGN2mnvgPjaWL0Q0', inputTokens: 9, outputTokens: 478, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: { thoughtsTokenCount: 467 } },
      ],
      toolCalls: [],
      error: undefined,
    });
  });

  it('a stream cut before its last chunk reports the prompt usage seen so far', () => {
    const cut = GEMINI_TEXT_STREAM.lastIndexOf('data: ');
    expect(observeStream(GEMINI_TEXT_STREAM.slice(0, cut)).tokenUsages).toEqual([
      { providerResponseId: 'SKtLaZ2YGN2mnvgPjaWL0Q0', inputTokens: 9, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} },
    ]);
  });

  it('an error event is reported by its status, with the usage seen before it', () => {
    const result = observeStream(GEMINI_ERROR_STREAM);
    expect(result.error).toEqual({ type: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' });
    expect(result.tokenUsages[0]).toMatchObject({ inputTokens: 9 });
  });

  it('embeddings: no usage in the Gemini API answer, none recorded; a usageMetadata, where one comes, is', () => {
    expect(observeBlocking('gemini-embeddings', GEMINI_EMBED_CONTENT_BODY)).toEqual({ tokenUsages: [], toolCalls: [] });
    expect(observeBlocking('gemini-embeddings', GEMINI_BATCH_EMBED_BODY)).toEqual({ tokenUsages: [], toolCalls: [] });
    expect(observeBlocking('gemini-embeddings', { ...GEMINI_EMBED_CONTENT_BODY, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } }).tokenUsages).toEqual([
      { providerResponseId: '', inputTokens: 7, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} },
    ]);
  });
});

describe('Gemini key failures read from the body', () => {
  it('a 429 RetryInfo delay is the cooldown ("37.5s", "1s", "0.25s")', () => {
    expect(readGeminiKeyFailure(429, json(GEMINI_RATE_LIMIT_BODY))).toEqual({ status: 429, retryAfterMs: 37_500 });
    const withDelay = (retryDelay: unknown) => json({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] } });
    expect(readGeminiKeyFailure(429, withDelay('1s'))).toEqual({ status: 429, retryAfterMs: 1000 });
    expect(readGeminiKeyFailure(429, withDelay('0.25s'))).toEqual({ status: 429, retryAfterMs: 250 });
    for (const bad of ['0s', '-3s', '3', '3m', 'soon', 12, null]) expect(readGeminiKeyFailure(429, withDelay(bad))).toEqual({ status: 429 });
  });

  it('a 400 API_KEY_INVALID is the key refused (401); any other 400 stays one', () => {
    expect(readGeminiKeyFailure(400, json(GEMINI_INVALID_KEY_BODY))).toEqual({ status: 401 });
    expect(readGeminiKeyFailure(400, json(GEMINI_BAD_REQUEST_BODY))).toEqual({ status: 400 });
  });

  it('an unreadable body keeps its status', () => {
    for (const body of ['', '<html>', 'null', '{"error":"x"}']) {
      expect(readGeminiKeyFailure(429, Buffer.from(body))).toEqual({ status: 429 });
      expect(readGeminiKeyFailure(400, Buffer.from(body))).toEqual({ status: 400 });
    }
  });
});
