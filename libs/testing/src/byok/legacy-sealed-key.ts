import { createCipheriv, randomBytes } from 'node:crypto';

export interface LegacySealedKey {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  kekId: string;
  wrappedKey: Buffer;
}

const LEGACY_DOMAIN = 'tollgate:user_provider_keys:v1';
const DATA_KEY_LABEL = Buffer.from('tollgate:data-key:v1\u0000', 'utf8');

/**
 * For tests: a stored provider key sealed the way Tollgate sealed them before the endpoint (`base_url`) was bound
 * into the additional data: domain `tollgate:user_provider_keys:v1`, user id, provider name. Written independently of
 * libs/byok, so that reading rows already in databases is checked against the old format itself.
 * `encryptionKeys` is a TOLLGATE_ENCRYPTION_KEYS value; its first entry seals.
 */
export function sealProviderKeyAsLegacy(encryptionKeys: string, plaintext: string, row: { userId: string; providerName: string }): LegacySealedKey {
  const [kekId, kekBase64] = encryptionKeys.split(',')[0].split(':');
  const aad = Buffer.concat([LEGACY_DOMAIN, row.userId, row.providerName].map(lengthPrefixed));
  const dataKey = randomBytes(32);
  const sealed = encrypt(dataKey, Buffer.from(plaintext, 'utf8'), aad);
  const wrapped = encrypt(Buffer.from(kekBase64, 'base64'), dataKey, Buffer.concat([DATA_KEY_LABEL, aad]));
  return { ...sealed, kekId, wrappedKey: Buffer.concat([wrapped.iv, wrapped.authTag, wrapped.ciphertext]) };
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { ciphertext: Buffer; iv: Buffer; authTag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag() };
}

function lengthPrefixed(field: string): Buffer {
  const bytes = Buffer.from(field, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
