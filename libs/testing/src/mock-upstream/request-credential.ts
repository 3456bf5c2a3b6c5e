import type { IncomingHttpHeaders } from 'node:http';
import type { MockProvider } from './mock-upstream.types';

/** OpenAI: the bearer token. Anthropic: `x-api-key`, Azure: `api-key`, each falling back to the bearer token. */
export function requestCredential(headers: IncomingHttpHeaders, provider: MockProvider | undefined): string | undefined {
  const apiKey = provider === 'anthropic' ? headers['x-api-key'] : provider === 'azure' ? headers['api-key'] : undefined;
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  return bearerToken(headers.authorization);
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
