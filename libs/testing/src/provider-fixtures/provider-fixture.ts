/**
 * One upstream exchange in the shape of a provider's public documentation: what a client sends, and the status,
 * headers and exact bytes the provider answers. Replayed through the gateway, the client must get the same bytes.
 */
export interface ProviderFixture {
  name: string;
  /** The OpenAI path a client calls, after `/{provider}/v1`. */
  path: string;
  request: Record<string, unknown>;
  status: number;
  headers: Record<string, string>;
  /** The answer's bytes as the provider sends them (JSON text, or SSE text for a stream). */
  body: string;
  /** What the gateway must record from it: uncached input and output tokens, or none; the error type, if any. */
  recorded: { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number; errorType?: string };
}

/** SSE text for a list of `data:` payloads, as OpenAI and Azure write it, ending in `[DONE]`. */
export function sseDataText(payloads: readonly unknown[]): string {
  return [...payloads.map((payload) => `data: ${JSON.stringify(payload)}\n\n`), 'data: [DONE]\n\n'].join('');
}
