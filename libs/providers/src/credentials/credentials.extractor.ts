import { describeProvider, type ProviderRef } from '../description/provider-descriptions';
import { firstHeaderValue, type RequestHeaders } from './request-headers';

export const GATEWAY_TOKEN_PREFIX = 'tg_';
export const GATEWAY_TOKEN_HEADER = 'x-tollgate-token';

/** Headers a provider credential can travel in (`api-key`: Azure OpenAI). */
export type CredentialHeader = 'authorization' | 'x-api-key' | 'api-key';
/** A gateway token is looked for in these, never in `api-key`. */
export type GatewayTokenHeader = typeof GATEWAY_TOKEN_HEADER | 'authorization' | 'x-api-key';

export interface ExtractedCredentials {
  gatewayToken?: string;
  /** The header that carried the gateway token; it must not go upstream. */
  gatewayTokenHeader?: GatewayTokenHeader;
  /** A provider credential the client sent (bring your own key), without any `Bearer ` scheme. */
  byokCredential?: string;
  byokHeader?: CredentialHeader;
}

/**
 * Finds the gateway token (`X-Tollgate-Token`, then `Authorization: Bearer tg_…`, then `X-Api-Key: tg_…`) and the
 * provider credential left once it is removed, from the provider's `clientCredentialHeaders` (OpenAI
 * `Authorization: Bearer`; Anthropic `X-Api-Key`, else `Authorization: Bearer`). A `tg_…` value is never taken for a
 * provider credential.
 */
export function extractCredentials(provider: ProviderRef, headers: RequestHeaders): ExtractedCredentials {
  const explicitToken = firstHeaderValue(headers, GATEWAY_TOKEN_HEADER)?.trim();
  const bearer = bearerCredential(firstHeaderValue(headers, 'authorization'));
  const apiKey = firstHeaderValue(headers, 'x-api-key')?.trim();

  const found: Record<CredentialHeader, string | undefined> = { authorization: bearer || undefined, 'x-api-key': apiKey || undefined, 'api-key': undefined };
  const clientHeaders = describeProvider(provider).clientCredentialHeaders;
  // Only providers whose keys travel in `api-key` (Azure OpenAI) read it: other providers pay nothing for it.
  if (clientHeaders.includes('api-key')) found['api-key'] = firstHeaderValue(headers, 'api-key')?.trim() || undefined;

  const result: ExtractedCredentials = {};
  if (explicitToken) {
    result.gatewayToken = explicitToken;
    result.gatewayTokenHeader = GATEWAY_TOKEN_HEADER;
  } else {
    for (const header of CREDENTIAL_HEADERS) {
      const value = found[header];
      if (value !== undefined && isGatewayToken(value)) {
        result.gatewayToken = value;
        result.gatewayTokenHeader = header;
        break;
      }
    }
  }

  for (const header of clientHeaders) {
    const value = found[header];
    if (value !== undefined && header !== result.gatewayTokenHeader && !isGatewayToken(value)) {
      result.byokCredential = value;
      result.byokHeader = header;
      break;
    }
  }
  return result;
}

const CREDENTIAL_HEADERS: ReadonlyArray<'authorization' | 'x-api-key'> = ['authorization', 'x-api-key'];

function isGatewayToken(value: string): boolean {
  return value.startsWith(GATEWAY_TOKEN_PREFIX);
}

/** The credential of an `Authorization: Bearer …` header (scheme case-insensitive), else `undefined`. */
function bearerCredential(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  // Trimmed first: a lazy group followed by `\s*$` backtracks quadratically over a run of inner spaces.
  const match = /^bearer\s+(.+)$/i.exec(authorization.trim());
  return match?.[1];
}
