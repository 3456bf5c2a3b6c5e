import { describeProvider, type ProviderRef } from '../description/provider-descriptions';
import { firstHeaderValue, type RequestHeaders } from './request-headers';

export const GATEWAY_TOKEN_PREFIX = 'tg_';
export const GATEWAY_TOKEN_HEADER = 'x-tollgate-token';

/** Headers a provider credential can travel in (`api-key`: Azure OpenAI). */
export type CredentialHeader = 'authorization' | 'x-api-key' | 'x-goog-api-key' | 'api-key';
/** A gateway token is looked for in these, never in `api-key`. */
export type GatewayTokenHeader = typeof GATEWAY_TOKEN_HEADER | Exclude<CredentialHeader, 'api-key'>;

export interface ExtractedCredentials {
  gatewayToken?: string;
  /** The header that carried the gateway token (or the description's credential query parameter); it must not go upstream. */
  gatewayTokenHeader?: GatewayTokenHeader | 'query';
  /** A provider credential the client sent (bring your own key), without any `Bearer ` scheme. */
  byokCredential?: string;
  /** Where it goes upstream: the header it came in, or the provider's credential header when it came in the query. */
  byokHeader?: CredentialHeader;
}

/**
 * Finds the gateway token (`X-Tollgate-Token`, then `Authorization: Bearer tg_…`, then `X-Api-Key: tg_…`, then
 * `X-Goog-Api-Key: tg_…`, then the description's credential query parameter in `query`, Gemini's `key=tg_…`) and the
 * provider credential left once it is removed, from the provider's `clientCredentialHeaders` (OpenAI
 * `Authorization: Bearer`; Anthropic `X-Api-Key`, else `Authorization: Bearer`; Gemini `X-Goog-Api-Key`, else the
 * `key` query parameter). A `tg_…` value is never taken for a provider credential. `query`: the request's query
 * string without its `?`, needed only for a provider with a credential query parameter.
 */
export function extractCredentials(provider: ProviderRef, headers: RequestHeaders, query?: string): ExtractedCredentials {
  const description = describeProvider(provider);
  const explicitToken = firstHeaderValue(headers, GATEWAY_TOKEN_HEADER)?.trim();
  const bearer = bearerCredential(firstHeaderValue(headers, 'authorization'));
  const apiKey = firstHeaderValue(headers, 'x-api-key')?.trim();
  const googApiKey = firstHeaderValue(headers, 'x-goog-api-key')?.trim();

  const found: Record<CredentialHeader, string | undefined> = {
    authorization: bearer || undefined,
    'x-api-key': apiKey || undefined,
    'x-goog-api-key': googApiKey || undefined,
    'api-key': undefined,
  };
  // Only providers whose keys travel in `api-key` (Azure OpenAI) read it: other providers pay nothing for it.
  if (description.clientCredentialHeaders.includes('api-key')) found['api-key'] = firstHeaderValue(headers, 'api-key')?.trim() || undefined;

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

  for (const header of description.clientCredentialHeaders) {
    const value = found[header];
    if (value !== undefined && header !== result.gatewayTokenHeader && !isGatewayToken(value)) {
      result.byokCredential = value;
      result.byokHeader = header;
      break;
    }
  }
  if (description.credentialQueryParameter !== undefined && query) readQueryCredential(result, queryParameter(query, description.credentialQueryParameter), description.credentialHeader);
  return result;
}

/** A key in the query counts after every header: the gateway token if none was found, else the client's own key. */
function readQueryCredential(result: ExtractedCredentials, value: string | undefined, upstreamHeader: CredentialHeader): void {
  if (value === undefined || value === '') return;
  if (isGatewayToken(value)) {
    if (result.gatewayToken === undefined) {
      result.gatewayToken = value;
      result.gatewayTokenHeader = 'query';
    }
  } else if (result.byokCredential === undefined) {
    result.byokCredential = value;
    result.byokHeader = upstreamHeader;
  }
}

/** The first value of query parameter `name` (decoded; `+` is a space), or undefined. */
export function queryParameter(query: string, name: string): string | undefined {
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    if ((equals === -1 ? pair : pair.slice(0, equals)) !== name) continue;
    return decodeQueryValue(equals === -1 ? '' : pair.slice(equals + 1)).trim();
  }
  return undefined;
}

/** `query` (without `?`) without any `name` parameter; the other parameters keep their order and encoding. */
export function withoutQueryParameter(query: string, name: string): string {
  return query
    .split('&')
    .filter((pair) => pair !== '' && pair !== name && !pair.startsWith(`${name}=`))
    .join('&');
}

function decodeQueryValue(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

const CREDENTIAL_HEADERS: ReadonlyArray<Exclude<CredentialHeader, 'api-key'>> = ['authorization', 'x-api-key', 'x-goog-api-key'];

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
