import { describeProvider, type ProviderRef } from '../description/provider-descriptions';
import type { CredentialHeader } from './credentials.extractor';

/**
 * A copy of `headers` carrying exactly one provider credential, `key`, in `header`. Without `header`: where the
 * headers already carry this same key (a BYOK key kept by `headersToForward` goes as is — an Anthropic OAuth token
 * stays a Bearer), else the provider's `credentialHeader` (OpenAI `authorization: Bearer key`, Anthropic `x-api-key: key`,
 * Gemini `x-goog-api-key: key`, Azure OpenAI with `auth: api-key` `api-key: key`).
 * Any other client auth header is removed.
 */
export function applyCredential(
  provider: ProviderRef,
  headers: Readonly<Record<string, string>>,
  key: string,
  header: CredentialHeader = headerCarrying(headers, key) ?? describeProvider(provider).credentialHeader,
): Record<string, string> {
  const withCredential: Record<string, string> = {};
  for (const name in headers) {
    if (name !== 'authorization' && name !== 'x-api-key' && name !== 'x-goog-api-key' && name !== 'api-key') withCredential[name] = headers[name];
  }
  withCredential[header] = header === 'authorization' ? `Bearer ${key}` : key;
  return withCredential;
}

function headerCarrying(headers: Readonly<Record<string, string>>, key: string): CredentialHeader | undefined {
  if (headers['x-api-key'] === key) return 'x-api-key';
  if (headers['x-goog-api-key'] === key) return 'x-goog-api-key';
  if (headers['api-key'] === key) return 'api-key';
  if (headers.authorization === `Bearer ${key}`) return 'authorization';
  return undefined;
}

/**
 * The header a client's own key (BYOK, sent with the request) goes upstream in: as sent, except for a provider whose
 * keys go in `api-key` (Azure OpenAI with `auth: api-key`), which takes the key there whichever header carried it —
 * the official OpenAI SDK sends it as a Bearer.
 */
export function byokUpstreamHeader(provider: ProviderRef, sentIn: CredentialHeader | undefined): CredentialHeader {
  const { credentialHeader } = describeProvider(provider);
  if (credentialHeader === 'api-key') return credentialHeader;
  return sentIn ?? 'authorization';
}
