/**
 * The row a stored key belongs to and where it is sent; sealed into the ciphertext so that neither the key can be
 * moved to another row nor the row's endpoint changed without the key failing to open.
 */
export interface ProviderKeyBinding {
  readonly userId: string;
  readonly providerName: string;
  /** The user's own endpoint the key is sent to (`base_url`), or null for the provider's. */
  readonly baseUrl: string | null;
}

/** How a stored key's additional data was encoded: `current` binds the endpoint too; `legacy` rows predate that. */
export type ProviderKeyBindingVersion = 'current' | 'legacy';

// Versioned so the encoding can change without old rows silently decoding under the new rules.
const LEGACY_DOMAIN = 'tollgate:user_provider_keys:v1';
const CURRENT_DOMAIN = 'tollgate:user_provider_keys:v2';

/**
 * The AES-GCM additional authenticated data for a row: a domain tag, then each field as a 4-byte big-endian UTF-8
 * byte length and its bytes (length prefixes keep ('ab', 'c') and ('a', 'bc') apart). The endpoint is a presence
 * field then the URL, so "no endpoint" differs from an empty one.
 */
export function encodeProviderKeyBinding(binding: ProviderKeyBinding, version: ProviderKeyBindingVersion = 'current'): Buffer {
  if (version === 'legacy') return Buffer.concat([LEGACY_DOMAIN, binding.userId, binding.providerName].map(lengthPrefixed));
  const endpoint = binding.baseUrl === null ? ['none', ''] : ['url', binding.baseUrl];
  return Buffer.concat([CURRENT_DOMAIN, binding.userId, binding.providerName, ...endpoint].map(lengthPrefixed));
}

function lengthPrefixed(field: string): Buffer {
  const bytes = Buffer.from(field, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
