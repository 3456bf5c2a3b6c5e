import type { PriceTable } from '../price-table';

export interface EstimateSettings {
  /** Output tokens assumed when the request sets no `max_tokens` / `max_completion_tokens` / `max_output_tokens`. */
  defaultMaxOutputTokens: number;
  /** Request body bytes per input token (a deliberately rough, cheap approximation). */
  charsPerToken: number;
}

export interface CostEstimate {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  /** False when no price matched the model: the estimate is 0 and the budget cannot bound this request. */
  priced: boolean;
}

const OUTPUT_LIMIT_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

/**
 * The output-token limit a parsed request body asks for, if any (OpenAI chat, Responses, Anthropic messages; Gemini
 * `generationConfig.maxOutputTokens`).
 */
export function requestedMaxOutputTokens(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const fields = body as Record<string, unknown>;
  for (const field of OUTPUT_LIMIT_FIELDS) {
    const value = fields[field];
    if (isTokenCount(value)) return Math.ceil(value);
  }
  const generationConfig = fields.generationConfig as Record<string, unknown> | null | undefined;
  if (typeof generationConfig === 'object' && generationConfig !== null && isTokenCount(generationConfig.maxOutputTokens)) {
    return Math.ceil(generationConfig.maxOutputTokens);
  }
  return undefined;
}

function isTokenCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** What an estimate reads of a request; `inputOnly` for an API whose answers have no output tokens (embeddings). */
export interface EstimatedRequest {
  bodyBytes: number;
  body: unknown;
  inputOnly?: boolean;
}

/** The tokens a request may use before it is sent: input ≈ body bytes / charsPerToken, output = the requested limit or the default. */
export function estimateRequestTokens(request: EstimatedRequest, settings: EstimateSettings): { inputTokens: number; outputTokens: number } {
  const inputTokens = Math.ceil(request.bodyBytes / settings.charsPerToken);
  const outputTokens = request.inputOnly ? 0 : (requestedMaxOutputTokens(request.body) ?? settings.defaultMaxOutputTokens);
  return { inputTokens, outputTokens };
}

/**
 * What a request may cost before it is sent: input ≈ body bytes / charsPerToken, output = the requested limit or
 * the default, both priced with the same table the recorder uses (cache discounts ignored: an upper-ish bound).
 */
export function estimateRequestCost(
  prices: PriceTable,
  providerName: string,
  model: string,
  request: EstimatedRequest,
  settings: EstimateSettings,
): CostEstimate {
  const { inputTokens, outputTokens } = estimateRequestTokens(request, settings);
  const cost = prices.cost(providerName, model, { inputTokens, outputTokens, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
  return { inputTokens, outputTokens, costMicros: cost.costMicros, priced: cost.priced };
}
