import { answerContent } from './answer-content';
import { frameTemplate } from './frame-template';
import { MOCK_GEMINI_COUNT_TOKENS, MOCK_GEMINI_EMBEDDING_DIMENSIONS, MOCK_GEMINI_MODELS, MOCK_GEMINI_USAGE } from './mock-defaults';
import { mockId } from './mock-ids';
import type { ResponderInput } from './responder-input';
import { jsonPlan, type ResponsePlan } from './response-plan';

/** Google's streams separate events with CRLF pairs. */
const EVENT_END = '\r\n\r\n';

function geminiSse(data: unknown): string {
  return `data: ${JSON.stringify(data)}${EVENT_END}`;
}

/** The model of a `models/{model}:method` segment (segments after the version: `models`, `{model}:method`). */
function modelOf(input: ResponderInput): string {
  const segment = input.segments[2] ?? '';
  const colon = segment.lastIndexOf(':');
  return decodeURIComponent(colon === -1 ? segment : segment.slice(0, colon));
}

/**
 * `models/{model}:generateContent`, and `:streamGenerateContent` — SSE with `alt=sse`, else the JSON array of the
 * same chunks. Each stream chunk carries `usageMetadata` with the prompt count; the last one carries it all.
 */
export function respondGeminiGenerateContent(input: ResponderInput): ResponsePlan {
  const answer = answerContent(input.step, input.chunks);
  const responseId = mockId('gem');
  const modelVersion = modelOf(input);
  const streaming = input.segments[2]?.endsWith(':streamGenerateContent') ?? false;
  const functionCallPart = answer.kind === 'tool' ? { functionCall: { name: answer.name, args: JSON.parse(answer.argumentsJson) } } : undefined;
  const finalChunk = {
    candidates: [{ content: { parts: functionCallPart ? [functionCallPart] : [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: MOCK_GEMINI_USAGE,
    modelVersion,
    responseId,
  };

  if (!streaming) {
    if (answer.kind === 'tool') return jsonPlan(finalChunk);
    return jsonPlan({ ...finalChunk, candidates: [{ ...finalChunk.candidates[0], content: { parts: [{ text: answer.text }], role: 'model' } }] });
  }

  const partialUsage = { promptTokenCount: MOCK_GEMINI_USAGE.promptTokenCount, totalTokenCount: MOCK_GEMINI_USAGE.promptTokenCount };
  const textChunk = frameTemplate(1, (text) =>
    geminiSse({ candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0 }], usageMetadata: partialUsage, modelVersion, responseId }),
  );
  const deltas = answer.kind === 'text' ? answer.chunks.map((chunk) => textChunk(chunk)) : [];
  const wantsSse = input.query?.alt === 'sse';
  if (!wantsSse) {
    // Without alt=sse Google streams one JSON array; the mock sends it whole.
    const chunks = [...deltas.map((frame) => JSON.parse(frame.slice('data: '.length))), finalChunk];
    return jsonPlan(chunks);
  }
  return {
    kind: 'stream',
    head: [],
    deltas,
    tail: [geminiSse(finalChunk)],
    errorFrame: () => geminiSse({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }),
  };
}

/** `models/{model}:embedContent` (`{embedding}`) and `:batchEmbedContents` (`{embeddings}`): no usage, as the Gemini API answers. */
export function respondGeminiEmbeddings(input: ResponderInput): ResponsePlan {
  const embedding = { values: Array.from({ length: MOCK_GEMINI_EMBEDDING_DIMENSIONS }, (_, i) => Number(((i + 1) / 100).toFixed(2))) };
  if (input.segments[2]?.endsWith(':batchEmbedContents')) {
    const requests = Array.isArray(input.body.requests) ? input.body.requests : [];
    return jsonPlan({ embeddings: requests.map(() => embedding) });
  }
  return jsonPlan({ embedding });
}

/** `models/{model}:countTokens` */
export function respondGeminiCountTokens(): ResponsePlan {
  return jsonPlan({ totalTokens: MOCK_GEMINI_COUNT_TOKENS, promptTokensDetails: [{ modality: 'TEXT', tokenCount: MOCK_GEMINI_COUNT_TOKENS }] });
}

/** `GET models` */
export function respondGeminiModelList(): ResponsePlan {
  return jsonPlan({ models: MOCK_GEMINI_MODELS.map(geminiModel) });
}

/** `GET models/{model}`: any model exists. */
export function respondGeminiModel(input: ResponderInput): ResponsePlan {
  return jsonPlan(geminiModel(modelOf(input)));
}

function geminiModel(id: string): Record<string, unknown> {
  const embedding = id.includes('embedding');
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    inputTokenLimit: embedding ? 2048 : 1048576,
    outputTokenLimit: embedding ? 1 : 65536,
    supportedGenerationMethods: embedding ? ['embedContent', 'countTokens'] : ['generateContent', 'countTokens'],
  };
}
