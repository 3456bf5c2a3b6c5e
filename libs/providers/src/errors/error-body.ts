import { describeProvider, type ProviderRef } from '../description/provider-descriptions';

export interface ProviderErrorDetails {
  type: string;
  message: string;
  /** OpenAI only; rendered as `null` when absent. */
  code?: string;
  /** The HTTP status of the answer; Google's shape repeats it as `error.code`. */
  status?: number;
}

/**
 * A gateway-made error body in the provider's own shape, so the official SDKs raise their usual typed errors:
 * OpenAI `{"error":{"message","type","code","param":null}}`, Anthropic `{"type":"error","error":{"type","message"}}`,
 * Gemini `{"error":{"code","message","status"}}`.
 */
export function errorBody(provider: ProviderRef, error: ProviderErrorDetails): string {
  return describeProvider(provider).errorBody(error);
}
