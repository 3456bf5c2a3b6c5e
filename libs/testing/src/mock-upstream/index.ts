export { startMockUpstream } from './mock-upstream.server';
export type {
  MockAnswer,
  MockProvider,
  MockStep,
  MockToolCall,
  MockUpstream,
  MockUpstreamOptions,
  ReceivedRequest,
} from './mock-upstream.types';
export { MOCK_EMBEDDING_DIMENSIONS, mockEmbeddingPromptTokens } from './openai-embeddings.responder';
export { AZURE_429_HEADERS, azureErrorBody } from './provider-errors';
export {
  MOCK_ANTHROPIC_COUNT_TOKENS,
  MOCK_ANTHROPIC_MODELS,
  MOCK_ANTHROPIC_STREAM_START_OUTPUT_TOKENS,
  MOCK_ANTHROPIC_USAGE,
  MOCK_CHAT_USAGE,
  MOCK_DEFAULT_CHUNKS,
  MOCK_GEMINI_COUNT_TOKENS,
  MOCK_GEMINI_EMBEDDING_DIMENSIONS,
  MOCK_GEMINI_MODELS,
  MOCK_GEMINI_USAGE,
  MOCK_OPENAI_MODELS,
  MOCK_RESPONSES_USAGE,
  mockText,
  mockTextChunks,
} from './mock-defaults';
export { geminiErrorBody, geminiInvalidKeyBody, geminiRateLimitBody } from './provider-errors';
