import type { ProviderType } from '../provider-type';
import type { CredentialHeader } from './credentials.extractor';

const PROVIDER_CREDENTIAL_HEADER: Record<ProviderType, CredentialHeader> = {
  openai: 'authorization',
  anthropic: 'x-api-key',
};

/**
 * A copy of `headers` carrying exactly one provider credential, `key`, in `header`. Without `header`: where the
 * headers already carry this same key (a BYOK key kept by `headersToForward` goes as is — an Anthropic OAuth token
 * stays a Bearer), else the provider's own header (OpenAI `authorization: Bearer key`, Anthropic `x-api-key: key`).
 * Any other client auth header is removed.
 */
export function applyCredential(
  type: ProviderType,
  headers: Readonly<Record<string, string>>,
  key: string,
  header: CredentialHeader = headerCarrying(headers, key) ?? PROVIDER_CREDENTIAL_HEADER[type],
): Record<string, string> {
  const withCredential: Record<string, string> = {};
  for (const name in headers) {
    if (name !== 'authorization' && name !== 'x-api-key') withCredential[name] = headers[name];
  }
  withCredential[header] = header === 'authorization' ? `Bearer ${key}` : key;
  return withCredential;
}

function headerCarrying(headers: Readonly<Record<string, string>>, key: string): CredentialHeader | undefined {
  if (headers['x-api-key'] === key) return 'x-api-key';
  if (headers.authorization === `Bearer ${key}`) return 'authorization';
  return undefined;
}
