/** The row a stored key belongs to; sealed into the ciphertext so it cannot be moved to another row. */
export interface ProviderKeyBinding {
  readonly userId: string;
  readonly providerName: string;
}

// Versioned so the encoding can change without old rows silently decoding under the new rules.
const DOMAIN = 'tollgate:user_provider_keys:v1';

/**
 * The AES-GCM additional authenticated data for a row: a domain tag, then each field as a 4-byte big-endian
 * UTF-8 byte length and its bytes. Length prefixes keep ('ab', 'c') and ('a', 'bc') apart.
 */
export function encodeProviderKeyBinding(binding: ProviderKeyBinding): Buffer {
  return Buffer.concat([DOMAIN, binding.userId, binding.providerName].map(lengthPrefixed));
}

function lengthPrefixed(field: string): Buffer {
  const bytes = Buffer.from(field, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
