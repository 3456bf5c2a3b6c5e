import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-encryption-key.ring';
import { encodeProviderKeyBinding, type ProviderKeyBinding, type ProviderKeyBindingVersion } from './provider-key.binding';

const ALGORITHM = 'aes-256-gcm';
export const PROVIDER_KEY_IV_BYTES = 12;
export const PROVIDER_KEY_AUTH_TAG_BYTES = 16;

export const PROVIDER_KEY_DATA_KEY_BYTES = 32;
const WRAPPED_KEY_BYTES = PROVIDER_KEY_IV_BYTES + PROVIDER_KEY_AUTH_TAG_BYTES + PROVIDER_KEY_DATA_KEY_BYTES;
// The wrapped data key gets its own additional data, so it cannot be swapped with the key's ciphertext or another row's.
const DATA_KEY_LABEL = Buffer.from('tollgate:data-key:v1\u0000', 'utf8');

/**
 * The stored columns of an encrypted provider key (envelope encryption): the key sealed under a random data key of
 * its own (`ciphertext`, `iv`, `auth_tag`), and that data key sealed under the key-encryption key `kek_id`
 * (`wrapped_key` = iv ‖ tag ‖ encrypted data key). Rotating the kek re-wraps the data key only.
 */
export interface SealedProviderKey {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly authTag: Buffer;
  readonly kekId: string;
  readonly wrappedKey: Buffer;
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

/** Seals under a fresh random data key and IV, bound to the row, and wraps the data key under the primary kek. */
export function sealProviderKey(ring: KeyRing, plaintext: string, binding: ProviderKeyBinding): SealedProviderKey {
  const dataKey = randomBytes(PROVIDER_KEY_DATA_KEY_BYTES);
  const aad = encodeProviderKeyBinding(binding);
  const { ciphertext, iv, authTag } = encrypt(dataKey, Buffer.from(plaintext, 'utf8'), aad);
  return { ciphertext, iv, authTag, kekId: ring.primary.id, wrappedKey: wrapDataKey(ring.primary.key, dataKey, aad) };
}

/** An opened stored key, and whether it was sealed the legacy way (without its endpoint) and should be sealed again. */
export interface OpenedProviderKey {
  readonly plaintext: string;
  readonly bindingVersion: ProviderKeyBindingVersion;
}

/**
 * Opens a stored key bound to `binding` as sealed today; a row sealed before the endpoint was bound opens under the
 * legacy binding (and says so). Throws StoredKeyDecryptionError if it opens under neither.
 */
export function openStoredProviderKey(ring: KeyRing, sealed: SealedProviderKey, binding: ProviderKeyBinding): OpenedProviderKey {
  const opened = openUnder(ring, sealed, binding, 'current') ?? openUnder(ring, sealed, binding, 'legacy');
  if (opened === undefined) throw new StoredKeyDecryptionError('authentication-failed', sealed.kekId);
  return opened;
}

/** Unwraps the data key with the kek it was wrapped under, then decrypts; throws StoredKeyDecryptionError if it cannot. */
export function openProviderKey(ring: KeyRing, sealed: SealedProviderKey, binding: ProviderKeyBinding): string {
  return openStoredProviderKey(ring, sealed, binding).plaintext;
}

export function isSealedWithPrimary(ring: KeyRing, sealed: SealedProviderKey): boolean {
  return sealed.kekId === ring.primary.id;
}

/** Whether a stored key is sealed as `sealProviderKey` seals today: under the primary kek, with the current binding. */
export function isSealedAsCurrent(ring: KeyRing, sealed: SealedProviderKey, binding: ProviderKeyBinding): boolean {
  return isSealedWithPrimary(ring, sealed) && openStoredProviderKey(ring, sealed, binding).bindingVersion === 'current';
}

/**
 * Rotation step: unwraps the data key with the kek it is under and wraps it again under the primary; the key's own
 * ciphertext does not change. A key sealed under the legacy binding is sealed afresh instead, bound as today. The key
 * is checked to open first, so a damaged row is reported, not carried along.
 */
export function resealProviderKey(ring: KeyRing, sealed: SealedProviderKey, binding: ProviderKeyBinding): SealedProviderKey {
  const opened = openStoredProviderKey(ring, sealed, binding);
  if (opened.bindingVersion === 'legacy') return sealProviderKey(ring, opened.plaintext, binding);
  const aad = encodeProviderKeyBinding(binding);
  const dataKey = unwrapDataKey(ring, sealed, aad);
  if (dataKey === undefined) throw new StoredKeyDecryptionError('authentication-failed', sealed.kekId);
  return { ...sealed, kekId: ring.primary.id, wrappedKey: wrapDataKey(ring.primary.key, dataKey, aad) };
}

/** undefined when the key does not open under that binding version (unknown kek: throws). */
function openUnder(ring: KeyRing, sealed: SealedProviderKey, binding: ProviderKeyBinding, version: ProviderKeyBindingVersion): OpenedProviderKey | undefined {
  const aad = encodeProviderKeyBinding(binding, version);
  const dataKey = unwrapDataKey(ring, sealed, aad);
  const plaintext = dataKey && decrypt(dataKey, sealed, aad);
  return plaintext === undefined ? undefined : { plaintext: plaintext.toString('utf8'), bindingVersion: version };
}

function wrapDataKey(kek: Buffer, dataKey: Buffer, aad: Buffer): Buffer {
  const { ciphertext, iv, authTag } = encrypt(kek, dataKey, Buffer.concat([DATA_KEY_LABEL, aad]));
  return Buffer.concat([iv, authTag, ciphertext]);
}

/** The data key, or undefined when it does not authenticate under this additional data; an unknown kek throws. */
function unwrapDataKey(ring: KeyRing, sealed: SealedProviderKey, aad: Buffer): Buffer | undefined {
  const kek = ring.get(sealed.kekId);
  if (kek === undefined) throw new StoredKeyDecryptionError('unknown-kek', sealed.kekId);
  const wrapped = sealed.wrappedKey;
  if (wrapped.length !== WRAPPED_KEY_BYTES) return undefined;
  return decrypt(
    kek.key,
    {
      iv: wrapped.subarray(0, PROVIDER_KEY_IV_BYTES),
      authTag: wrapped.subarray(PROVIDER_KEY_IV_BYTES, PROVIDER_KEY_IV_BYTES + PROVIDER_KEY_AUTH_TAG_BYTES),
      ciphertext: wrapped.subarray(PROVIDER_KEY_IV_BYTES + PROVIDER_KEY_AUTH_TAG_BYTES),
    },
    Buffer.concat([DATA_KEY_LABEL, aad]),
  );
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { ciphertext: Buffer; iv: Buffer; authTag: Buffer } {
  const iv = randomBytes(PROVIDER_KEY_IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: PROVIDER_KEY_AUTH_TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag() };
}

/** undefined when authentication fails. GCM accepts short tags, which weaken it: a wrong-sized tag or IV fails too. */
function decrypt(key: Buffer, sealed: { ciphertext: Buffer; iv: Buffer; authTag: Buffer }, aad: Buffer): Buffer | undefined {
  if (sealed.iv.length !== PROVIDER_KEY_IV_BYTES || sealed.authTag.length !== PROVIDER_KEY_AUTH_TAG_BYTES) return undefined;
  const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: PROVIDER_KEY_AUTH_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.authTag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}
