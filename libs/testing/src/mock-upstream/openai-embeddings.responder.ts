import type { ResponderInput } from './responder-input';
import { requestedModel } from './responder-input';
import { jsonPlan, type ResponsePlan } from './response-plan';

/** Vector length when the request names no `dimensions` (real models answer 1,536 or 3,072; tests need few). */
export const MOCK_EMBEDDING_DIMENSIONS = 8;

/**
 * `prompt_tokens` the mock reports for an embeddings `input`: a string counts one token per 4 characters (at least
 * one), a token-id array its length, an array the sum of its items — close enough to a tokenizer to be realistic,
 * and exact for tests to compute.
 */
export function mockEmbeddingPromptTokens(input: unknown): number {
  if (typeof input === 'string') return Math.max(1, Math.ceil(input.length / 4));
  if (!Array.isArray(input)) return 0;
  if (input.every((item) => typeof item === 'number')) return input.length;
  return input.reduce((sum: number, item: unknown) => sum + mockEmbeddingPromptTokens(item), 0);
}

/** `POST /v1/embeddings` (and Azure's `…/deployments/{d}/embeddings`): one vector per input, float or base64. */
export function respondEmbeddings(input: ResponderInput): ResponsePlan {
  const { body } = input;
  if (body.input === undefined) return jsonPlan({ error: { message: "'input' is a required property", type: 'invalid_request_error', param: 'input', code: null } }, 400);
  const inputs = isBatch(body.input) ? body.input : [body.input];
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.min(body.dimensions, 4096) : MOCK_EMBEDDING_DIMENSIONS;
  const base64 = body.encoding_format === 'base64';
  const promptTokens = mockEmbeddingPromptTokens(body.input);
  return jsonPlan({
    object: 'list',
    data: inputs.map((_, index) => {
      const vector = unitVector(index, dimensions);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
    }),
    model: requestedModel(body, 'text-embedding-3-small'),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

/** An array of inputs (strings or token arrays), as opposed to one token array. */
function isBatch(input: unknown): input is unknown[] {
  return Array.isArray(input) && input.some((item) => typeof item !== 'number');
}

function unitVector(seed: number, dimensions: number): number[] {
  const vector: number[] = [];
  for (let i = 0; i < dimensions; i++) vector.push(Math.round(Math.sin(seed + i + 1) * 1e6) / 1e6);
  return vector;
}
