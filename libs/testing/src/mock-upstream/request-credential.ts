import type { IncomingHttpHeaders } from 'node:http';
import type { MockProvider } from './mock-upstream.types';

/**
 * OpenAI: the bearer token. Anthropic: `x-api-key`, Azure: `api-key`, each falling back to the bearer token. Gemini:
 * `x-goog-api-key`, else the `key` query parameter.
 */
export function requestCredential(headers: IncomingHttpHeaders, provider: MockProvider | undefined, query: Record<string, string> = {}): string | undefined {
  if (provider === 'gemini') {
    const googKey = headers['x-goog-api-key'];
    if (typeof googKey === 'string' && googKey !== '') return googKey;
    return query.key !== undefined && query.key !== '' ? query.key : undefined;
  }
  const apiKey = provider === 'anthropic' ? headers['x-api-key'] : provider === 'azure' ? headers['api-key'] : undefined;
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  return bearerToken(headers.authorization);
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
