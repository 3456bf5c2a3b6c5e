import { EMBEDDINGS_BASE64_BATCH, EMBEDDINGS_FLOAT, EMBEDDINGS_TOO_LONG_ERROR } from '@tollgate/testing';
import { observeBlocking } from './response.observer';

const bodyOf = (fixture: { body: string }) => JSON.parse(fixture.body) as unknown;

describe('OpenAI embeddings observation', () => {
  it('reads prompt_tokens as input, no output, no response id; the vectors are not read', () => {
    expect(observeBlocking('openai-embeddings', bodyOf(EMBEDDINGS_FLOAT))).toEqual({
      model: 'text-embedding-ada-002',
      tokenUsages: [{ providerResponseId: '', inputTokens: 8, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} }],
      toolCalls: [],
    });
    expect(observeBlocking('openai-embeddings', bodyOf(EMBEDDINGS_BASE64_BATCH)).tokenUsages).toEqual([expect.objectContaining({ inputTokens: 4, outputTokens: 0 })]);
  });

  it('keeps counters a provider adds to usage besides prompt and total tokens', () => {
    const observed = observeBlocking('openai-embeddings', { object: 'list', data: [], model: 'm', usage: { prompt_tokens: 3, total_tokens: 3, cached_tokens: 2 } });
    expect(observed.tokenUsages[0].extra).toEqual({ cached_tokens: 2 });
  });

  it('an error body is the error; a body without usage records none', () => {
    expect(observeBlocking('openai-embeddings', bodyOf(EMBEDDINGS_TOO_LONG_ERROR))).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('maximum context length') },
      tokenUsages: [],
    });
    expect(observeBlocking('openai-embeddings', { object: 'list', data: [] })).toEqual({ tokenUsages: [], toolCalls: [], model: undefined });
    expect(observeBlocking('openai-embeddings', 'not json')).toEqual({ tokenUsages: [], toolCalls: [] });
  });

  it('clamps a nonsensical usage number instead of recording it', () => {
    const observed = observeBlocking('openai-embeddings', { usage: { prompt_tokens: -5, total_tokens: 1e308 } });
    expect(observed.tokenUsages[0]).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });
});
