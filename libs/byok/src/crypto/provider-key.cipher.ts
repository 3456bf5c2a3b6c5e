import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-encryption-key.ring';
import { encodeProviderKeyBinding, type ProviderKeyBinding } from './provider-key.binding';

const ALGORITHM = 'aes-256-gcm';
export const PROVIDER_KEY_IV_BYTES = 12;
export const PROVIDER_KEY_AUTH_TAG_BYTES = 16;

/** The stored columns of an encrypted provider key (`ciphertext`, `iv`, `auth_tag`, `kek_id`). */
export interface SealedProviderKey {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly authTag: Buffer;
  readonly kekId: string;
}

export type StoredKeyDecryptionFailure = 'unknown-kek' | 'authentication-failed';

/** A stored key that cannot be opened. Names the kek id and the reason; never the key or any key material. */
export class StoredKeyDecryptionError extends Error {
  override readonly name = 'StoredKeyDecryptionError';
  constructor(
    readonly reason: StoredKeyDecryptionFailure,
    readonly kekId: string,
  ) {
    super(
      reason === 'unknown-kek'
        ? `stored key was sealed under kek "${kekId}", which is not in TOLLGATE_ENCRYPTION_KEYS`
        : `stored key sealed under kek "${kekId}" failed authentication (tampered, or moved from another row)`,
    );
  }
}

/** Encrypts under the ring's primary kek with a fresh random IV, bound to the row. */
export function sealProviderKey(ring: KeyRing, plaintext: string, binding: ProviderKeyBinding): SealedProviderKey {
  const { id, key } = ring.primary;
  const iv = randomBytes(PROVIDER_KEY_IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: PROVIDER_KEY_AUTH_TAG_BYTES });
  cipher.setAAD(encodeProviderKeyBinding(binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag(), kekId: id };
}

/** Decrypts with the kek the key was sealed under; throws StoredKeyDecryptionError if it cannot. */
export function openProviderKey(ring: KeyRing, sealed: SealedProviderKey, binding: ProviderKeyBinding): string {
  const kek = ring.get(sealed.kekId);
  if (kek === undefined) throw new StoredKeyDecryptionError('unknown-kek', sealed.kekId);
  // GCM allows short tags, which weaken authentication; a wrong-sized tag or IV means a damaged row, not a Node error.
  if (sealed.iv.length !== PROVIDER_KEY_IV_BYTES || sealed.authTag.length !== PROVIDER_KEY_AUTH_TAG_BYTES) {
    throw new StoredKeyDecryptionError('authentication-failed', sealed.kekId);
  }
  const decipher = createDecipheriv(ALGORITHM, kek.key, sealed.iv, { authTagLength: PROVIDER_KEY_AUTH_TAG_BYTES });
  decipher.setAAD(encodeProviderKeyBinding(binding));
  decipher.setAuthTag(sealed.authTag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new StoredKeyDecryptionError('authentication-failed', sealed.kekId);
  }
}

export function isSealedWithPrimary(ring: KeyRing, sealed: SealedProviderKey): boolean {
  return sealed.kekId === ring.primary.id;
}

/** Rotation step: opens with the kek the key was sealed under, seals again under the primary with a fresh IV. */
export function resealProviderKey(
  ring: KeyRing,
  sealed: SealedProviderKey,
  binding: ProviderKeyBinding,
): SealedProviderKey {
  return sealProviderKey(ring, openProviderKey(ring, sealed, binding), binding);
}
