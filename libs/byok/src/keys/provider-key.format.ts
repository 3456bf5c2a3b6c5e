import { describeProvider, type ProviderRef } from '@tollgate/providers';

export const MAX_PROVIDER_KEY_BYTES = 512;

export type ProviderKeyFormatCheck = { ok: true; key: string } | { ok: false; rule: string };

export interface ProviderKeyFormatOptions {
  /** A user-supplied endpoint: any provider's key shape is accepted, so no prefix is required. */
  custom?: boolean;
}

/**
 * Trims a key submitted for saving and checks it against the provider type's shape. A failed check carries `rule`,
 * a sentence fit for a 400 response; it never includes the submitted key.
 */
export function checkProviderKeyFormat(
  provider: ProviderRef,
  raw: string,
  options: ProviderKeyFormatOptions = {},
): ProviderKeyFormatCheck {
  const key = raw.trim();
  if (key === '') return { ok: false, rule: 'a provider key must not be empty' };
  if (Buffer.byteLength(key, 'utf8') > MAX_PROVIDER_KEY_BYTES) {
    return { ok: false, rule: `a provider key must be at most ${MAX_PROVIDER_KEY_BYTES} bytes` };
  }
  if (/\s/.test(key)) return { ok: false, rule: 'a provider key must not contain spaces or line breaks' };
  if (/[^\x21-\x7e]/.test(key)) {
    return { ok: false, rule: 'a provider key must contain only printable ASCII characters' };
  }
  if (options.custom) return { ok: true, key };
  const { prefix, vendor } = describeProvider(provider).keyFormat;
  if (!key.startsWith(prefix)) return { ok: false, rule: `${vendor} key starts with ${prefix}` };
  if (key.length === prefix.length) return { ok: false, rule: `${vendor} key continues after ${prefix}` };
  return { ok: true, key };
}
