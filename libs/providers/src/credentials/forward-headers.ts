import { accountHeadersOfAllProviders, type ProviderRef } from '../description/provider-descriptions';
import { extractCredentials, GATEWAY_TOKEN_HEADER, type CredentialHeader, type ExtractedCredentials } from './credentials.extractor';
import type { RequestHeaders } from './request-headers';

/** Connection-level headers (RFC 9110 §7.6.1) that must not be forwarded by a proxy. */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/**
 * Never forwarded: hop-by-hop headers, `host` and `content-length` (the upstream client sets them for the body it
 * sends), `expect` (the gateway has already read the body) and the gateway token header.
 */
export const ALWAYS_STRIPPED_REQUEST_HEADERS: readonly string[] = [
  ...HOP_BY_HOP_HEADERS,
  'host',
  'content-length',
  'expect',
  GATEWAY_TOKEN_HEADER,
];

/** Client auth headers: dropped unless one carries the client's own provider key (BYOK), which goes as is. */
export const CLIENT_CREDENTIAL_HEADERS: readonly CredentialHeader[] = ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key'];
const CLIENT_CREDENTIAL_HEADER_SET: ReadonlySet<string> = new Set(CLIENT_CREDENTIAL_HEADERS);

/**
 * Client headers that pick an account, organisation or project at the provider. With a pool key they would bill or
 * scope the company's key to whatever the client names; with the user's own key they are the user's business.
 */
export const POOL_KEY_STRIPPED_REQUEST_HEADERS: readonly string[] = accountHeadersOfAllProviders('request');

const ALWAYS_STRIPPED = new Set(ALWAYS_STRIPPED_REQUEST_HEADERS);
const STRIPPED_FOR_POOL_KEY = new Set([...ALWAYS_STRIPPED_REQUEST_HEADERS, ...POOL_KEY_STRIPPED_REQUEST_HEADERS]);

/**
 * The client's request headers to send upstream. `bridged` routes also drop `accept-encoding`, so the upstream
 * answers uncompressed and the gateway can read usage from the body it relays. Pass `credentials` when the caller
 * has already extracted them from these headers. `forPoolKey` (the request goes out with a pool key) also drops the
 * account-selecting headers.
 */
export function headersToForward(
  provider: ProviderRef,
  headers: RequestHeaders,
  bridged = false,
  credentials: ExtractedCredentials = extractCredentials(provider, headers),
  forPoolKey = false,
): Record<string, string> {
  const stripped = forPoolKey ? STRIPPED_FOR_POOL_KEY : ALWAYS_STRIPPED;
  // A header that carried the gateway token is never kept, even where the client's own key is to go (Gemini: the
  // token in x-goog-api-key, the key in the `key` query parameter).
  const keptCredential = credentials.byokHeader === credentials.gatewayTokenHeader ? undefined : credentials.byokHeader;
  const listedInConnection = connectionTokens(headers.connection);
  const forwarded: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name.charCodeAt(0) === 0x3a /* HTTP/2 pseudo-header */) continue;
    if (stripped.has(name) || listedInConnection?.has(name)) continue;
    if (CLIENT_CREDENTIAL_HEADER_SET.has(name) && name !== keptCredential) continue;
    if (bridged && name === 'accept-encoding') continue;
    forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return forwarded;
}

/** Header names listed in `Connection: …`, which are hop-by-hop for this request. */
function connectionTokens(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  const tokens = (Array.isArray(connection) ? connection.join(',') : connection).split(',');
  return new Set(tokens.map((token) => token.trim().toLowerCase()).filter(Boolean));
}
