import type { ProviderType } from '../provider-type';

export interface ProviderErrorDetails {
  type: string;
  message: string;
  /** OpenAI only; rendered as `null` when absent. */
  code?: string;
}

/**
 * A gateway-made error body in the provider's own shape, so the official SDKs raise their usual typed errors:
 * OpenAI `{"error":{"message","type","code","param":null}}`, Anthropic `{"type":"error","error":{"type","message"}}`.
 */
export function errorBody(type: ProviderType, error: ProviderErrorDetails): string {
  return type === 'openai'
    ? JSON.stringify({ error: { message: error.message, type: error.type, code: error.code ?? null, param: null } })
    : JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } });
}
