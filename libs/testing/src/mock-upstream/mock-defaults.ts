// Fixed answers of the mock upstream, exported so tests can assert on what the gateway records.

/** Text chunks per stream unless a step or the server options say otherwise. */
export const MOCK_DEFAULT_CHUNKS = 5;

/** `usage` of every default Chat Completions answer (blocking body, and the final stream chunk when requested). */
export const MOCK_CHAT_USAGE = deepFreeze({
  prompt_tokens: 12,
  completion_tokens: 7,
  total_tokens: 19,
  prompt_tokens_details: { cached_tokens: 2, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});

/** `usage` of every default Responses answer (blocking body, and `response.completed` when streaming). */
export const MOCK_RESPONSES_USAGE = deepFreeze({
  input_tokens: 15,
  input_tokens_details: { cached_tokens: 3 },
  output_tokens: 9,
  output_tokens_details: { reasoning_tokens: 4 },
  total_tokens: 24,
});

/**
 * `usage` of every default Anthropic Messages answer. When streaming, `message_start` carries these numbers with
 * `output_tokens: MOCK_ANTHROPIC_STREAM_START_OUTPUT_TOKENS` (as the real API does) and `message_delta` carries the
 * final `{ output_tokens }`.
 */
export const MOCK_ANTHROPIC_USAGE = deepFreeze({
  input_tokens: 20,
  cache_creation_input_tokens: 4,
  cache_read_input_tokens: 5,
  output_tokens: 11,
  cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 0 },
  service_tier: 'standard',
});

export const MOCK_ANTHROPIC_STREAM_START_OUTPUT_TOKENS = 1;

/** `input_tokens` answered by `POST /anthropic/v1/messages/count_tokens`. */
export const MOCK_ANTHROPIC_COUNT_TOKENS = MOCK_ANTHROPIC_USAGE.input_tokens;

/**
 * `usageMetadata` of every default Gemini answer (blocking body, and the last stream chunk; earlier chunks carry only
 * `promptTokenCount` and `totalTokenCount`). `promptTokenCount` includes the cached tokens.
 */
export const MOCK_GEMINI_USAGE = deepFreeze({
  promptTokenCount: 14,
  candidatesTokenCount: 8,
  totalTokenCount: 27,
  cachedContentTokenCount: 4,
  thoughtsTokenCount: 5,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 14 }],
});

/** `totalTokens` answered by Gemini's `countTokens`. */
export const MOCK_GEMINI_COUNT_TOKENS = MOCK_GEMINI_USAGE.promptTokenCount;

/** Length of the vectors the Gemini embedding endpoints answer. */
export const MOCK_GEMINI_EMBEDDING_DIMENSIONS = 8;

export const MOCK_OPENAI_MODELS: readonly string[] = ['gpt-4o-mini', 'gpt-4.1', 'o4-mini'];
export const MOCK_ANTHROPIC_MODELS: readonly string[] = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'];
export const MOCK_GEMINI_MODELS: readonly string[] = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-embedding-001'];

const WORDS = ['Hello', ' from', ' the', ' mock', ' upstream.'];

/** The default assistant text, as `chunks` stream deltas: "Hello from the mock upstream." repeated as needed. */
export function mockTextChunks(chunks: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < chunks; i++) {
    const word = WORDS[i % WORDS.length];
    pieces.push(i > 0 && i % WORDS.length === 0 ? ` ${word}` : word);
  }
  return pieces;
}

/** The default assistant text of an answer with `chunks` chunks (blocking answers use the same text). */
export function mockText(chunks: number = MOCK_DEFAULT_CHUNKS): string {
  return mockTextChunks(chunks).join('');
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
