import type { ProviderFixture } from './provider-fixture';

// `POST /v1/embeddings` answers in the shape of OpenAI's public API reference (Azure OpenAI answers the same shape).

export const EMBEDDINGS_FLOAT: ProviderFixture = {
  name: 'embeddings (float)',
  path: '/embeddings',
  request: { model: 'text-embedding-ada-002', input: 'The food was delicious and the waiter...', encoding_format: 'float' },
  status: 200,
  headers: { 'content-type': 'application/json', 'openai-model': 'text-embedding-ada-002', 'openai-processing-ms': '23', 'x-request-id': 'req_7d9a1f0c2b' },
  body: JSON.stringify({
    object: 'list',
    data: [{ object: 'embedding', embedding: [0.0023064255, -0.009327292, -0.0028842222, 0.015730103, -0.0061249994], index: 0 }],
    model: 'text-embedding-ada-002',
    usage: { prompt_tokens: 8, total_tokens: 8 },
  }),
  recorded: { inputTokens: 8, outputTokens: 0 },
};

export const EMBEDDINGS_BASE64_BATCH: ProviderFixture = {
  name: 'embeddings (batch, base64, dimensions)',
  path: '/embeddings',
  request: { model: 'text-embedding-3-small', input: ['first document', 'second document'], encoding_format: 'base64', dimensions: 4 },
  status: 200,
  headers: { 'content-type': 'application/json', 'openai-model': 'text-embedding-3-small', 'openai-processing-ms': '41' },
  body: JSON.stringify({
    object: 'list',
    data: [
      { object: 'embedding', index: 0, embedding: 'AACAPwAAAEAAAEBAAACAQA==' },
      { object: 'embedding', index: 1, embedding: 'AACAvwAAAMAAAEDAAACAwA==' },
    ],
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 4, total_tokens: 4 },
  }),
  recorded: { inputTokens: 4, outputTokens: 0 },
};

export const EMBEDDINGS_TOO_LONG_ERROR: ProviderFixture = {
  name: 'input too long (400)',
  path: '/embeddings',
  request: { model: 'text-embedding-3-small', input: 'a very long document' },
  status: 400,
  headers: { 'content-type': 'application/json', 'x-request-id': 'req_2e8b4a6c1d' },
  body: JSON.stringify({
    error: {
      message: "This model's maximum context length is 8192 tokens, however you requested 9013 tokens (9013 in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  }),
  recorded: { errorType: 'upstream_error' },
};

export const OPENAI_EMBEDDINGS_FIXTURES: readonly ProviderFixture[] = [EMBEDDINGS_FLOAT, EMBEDDINGS_BASE64_BATCH, EMBEDDINGS_TOO_LONG_ERROR];
