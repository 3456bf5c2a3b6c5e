import { MAX_TOKEN_COUNT, anthropicTokenUsage, chatTokenUsage, responsesTokenUsage } from './token-usage.mapper';

describe('token usage mapping', () => {
  it('chat: input excludes cached tokens; extras keyed by path, zeros and totals left out', () => {
    expect(
      chatTokenUsage('chatcmpl-1', {
        prompt_tokens: 500,
        completion_tokens: 70,
        total_tokens: 570,
        prompt_tokens_details: { cached_tokens: 384, audio_tokens: 12 },
        completion_tokens_details: { reasoning_tokens: 64, audio_tokens: 0, accepted_prediction_tokens: 3 },
      }),
    ).toEqual({
      providerResponseId: 'chatcmpl-1',
      inputTokens: 116,
      outputTokens: 70,
      cacheReadInputTokens: 384,
      cacheWriteInputTokens: 0,
      extra: {
        'prompt_tokens_details.audio_tokens': 12,
        'completion_tokens_details.reasoning_tokens': 64,
        'completion_tokens_details.accepted_prediction_tokens': 3,
      },
    });
  });

  it.each([
    ['cached larger than prompt', { prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 20 } }, 0, 20],
    ['no details', { prompt_tokens: 10, completion_tokens: 1 }, 10, 0],
    ['null details', { prompt_tokens: 10, prompt_tokens_details: null }, 10, 0],
    ['non-numeric counts', { prompt_tokens: '10', prompt_tokens_details: { cached_tokens: '3' } }, 0, 0],
  ])('chat: %s', (_name, usage, input, cacheRead) => {
    const mapped = chatTokenUsage('id', usage);
    expect([mapped.inputTokens, mapped.cacheReadInputTokens]).toEqual([input, cacheRead]);
  });

  it('responses: input_tokens minus cached; reasoning in extra; unknown future counters kept', () => {
    expect(
      responsesTokenUsage('resp_1', {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 150 },
        output_tokens: 9,
        output_tokens_details: { reasoning_tokens: 4 },
        total_tokens: 109,
        tool_usage: { web_search: { num_requests: 2 } },
      }),
    ).toEqual({
      providerResponseId: 'resp_1',
      inputTokens: 0,
      outputTokens: 9,
      cacheReadInputTokens: 150,
      cacheWriteInputTokens: 0,
      extra: { 'output_tokens_details.reasoning_tokens': 4, 'tool_usage.web_search.num_requests': 2 },
    });
  });

  it('anthropic: input is already uncached; cache write is cache_creation_input_tokens', () => {
    expect(
      anthropicTokenUsage('msg_1', {
        input_tokens: 3,
        output_tokens: 400,
        cache_read_input_tokens: 20000,
        cache_creation_input_tokens: 1500,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 500 },
        server_tool_use: { web_search_requests: 3, web_fetch_requests: 0 },
        service_tier: 'priority',
      }),
    ).toEqual({
      providerResponseId: 'msg_1',
      inputTokens: 3,
      outputTokens: 400,
      cacheReadInputTokens: 20000,
      cacheWriteInputTokens: 1500,
      extra: {
        'cache_creation.ephemeral_5m_input_tokens': 1000,
        'cache_creation.ephemeral_1h_input_tokens': 500,
        'server_tool_use.web_search_requests': 3,
      },
    });
  });

  it('clamps out-of-range counters to whole numbers in [0, MAX_TOKEN_COUNT] (the record must stay valid)', () => {
    expect(chatTokenUsage('c', { prompt_tokens: 7.9, completion_tokens: 1e308, prompt_tokens_details: { cached_tokens: -3 } })).toMatchObject({
      inputTokens: 7,
      outputTokens: MAX_TOKEN_COUNT,
      cacheReadInputTokens: 0,
    });
    expect(responsesTokenUsage('r', { input_tokens: -1, output_tokens: 2.5 })).toMatchObject({ inputTokens: 0, outputTokens: 2 });
    expect(anthropicTokenUsage('m', { input_tokens: 1e300, output_tokens: 1, cache_read_input_tokens: -1e308, cache_creation_input_tokens: 'x' })).toMatchObject({
      inputTokens: MAX_TOKEN_COUNT,
      outputTokens: 1,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });
});
