import { sealProviderKeyAsLegacy } from '@tollgate/testing';
import { KeyRing } from './key-encryption-key.ring';
import type { ProviderKeyBinding } from './provider-key.binding';
import {
  isSealedAsCurrent,
  isSealedWithPrimary,
  openProviderKey,
  openStoredProviderKey,
  resealProviderKey,
  sealProviderKey,
  StoredKeyDecryptionError,
  type SealedProviderKey,
  type StoredKeyDecryptionFailure,
} from './provider-key.cipher';

const keyOf = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const OLD_ENTRY = `old:${keyOf(1)}`;
const NEW_ENTRY = `new:${keyOf(2)}`;
const ring = KeyRing.parse(OLD_ENTRY);
const binding: ProviderKeyBinding = { userId: 'user-1', providerName: 'openai', baseUrl: null };
const PLAINTEXT = 'sk-test-THE-SECRET-provider-key-0123456789';

function openError(sealed: SealedProviderKey, using = ring, row = binding): StoredKeyDecryptionError {
  try {
    openProviderKey(using, sealed, row);
  } catch (error) {
    if (error instanceof StoredKeyDecryptionError) return error;
    throw error;
  }
  throw new Error('expected openProviderKey to throw');
}

function flipFirstBit(buffer: Buffer): Buffer {
  const copy = Buffer.from(buffer);
  copy[0] ^= 0x01;
  return copy;
}

describe('sealProviderKey / openProviderKey', () => {
  it('round-trips a key, including non-ASCII text', () => {
    for (const plaintext of [PLAINTEXT, 'ключ-🔑', '']) {
      expect(openProviderKey(ring, sealProviderKey(ring, plaintext, binding), binding)).toBe(plaintext);
    }
  });

  it('seals under the primary kek with a 96-bit IV and a 128-bit tag', () => {
    const sealed = sealProviderKey(KeyRing.parse(`${NEW_ENTRY},${OLD_ENTRY}`), PLAINTEXT, binding);
    expect(sealed.kekId).toBe('new');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.authTag).toHaveLength(16);
    expect(sealed.ciphertext.toString('utf8')).not.toContain('SECRET');
  });

  it('uses a fresh IV every time: the same key sealed twice differs in iv and ciphertext', () => {
    const first = sealProviderKey(ring, PLAINTEXT, binding);
    const second = sealProviderKey(ring, PLAINTEXT, binding);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(first.authTag.equals(second.authTag)).toBe(false);
  });

  it.each([
    ['another user', { userId: 'user-2', providerName: 'openai', baseUrl: null }],
    ['another provider of the same user', { userId: 'user-1', providerName: 'anthropic', baseUrl: null }],
    ['fields shifted across the boundary', { userId: 'user-1o', providerName: 'penai', baseUrl: null }],
  ])('fails to open a ciphertext moved to %s', (_case, otherRow) => {
    const sealed = sealProviderKey(ring, PLAINTEXT, binding);
    expect(openError(sealed, ring, otherRow).reason).toBe('authentication-failed');
  });

  it("keeps ('ab','c') and ('a','bc') apart", () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, { userId: 'ab', providerName: 'c', baseUrl: null });
    expect(openError(sealed, ring, { userId: 'a', providerName: 'bc', baseUrl: null }).reason).toBe('authentication-failed');
  });

  it.each<[string, (sealed: SealedProviderKey) => SealedProviderKey]>([
    ['a flipped ciphertext bit', (sealed) => ({ ...sealed, ciphertext: flipFirstBit(sealed.ciphertext) })],
    ['a truncated ciphertext', (sealed) => ({ ...sealed, ciphertext: sealed.ciphertext.subarray(1) })],
    ['a flipped tag bit', (sealed) => ({ ...sealed, authTag: flipFirstBit(sealed.authTag) })],
    ['a truncated tag', (sealed) => ({ ...sealed, authTag: sealed.authTag.subarray(0, 12) })],
    ['an empty tag', (sealed) => ({ ...sealed, authTag: Buffer.alloc(0) })],
    ['a flipped iv bit', (sealed) => ({ ...sealed, iv: flipFirstBit(sealed.iv) })],
    ['an iv of the wrong length', (sealed) => ({ ...sealed, iv: Buffer.concat([sealed.iv, Buffer.alloc(4)]) })],
  ])('rejects %s as an authentication failure', (_case, tamper) => {
    const error = openError(tamper(sealProviderKey(ring, PLAINTEXT, binding)));
    expect(error.reason).toBe('authentication-failed');
    expect(error.kekId).toBe('old');
  });

  it('fails to open under a different key that reuses the id', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, binding);
    expect(openError(sealed, KeyRing.parse(`old:${keyOf(3)}`)).reason).toBe('authentication-failed');
  });

  it('names an unknown kek id', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, binding);
    const error = openError(sealed, KeyRing.parse(NEW_ENTRY));
    expect(error.reason).toBe('unknown-kek');
    expect(error.kekId).toBe('old');
    expect(error.message).toBe('stored key was sealed under kek "old", which is not in TOLLGATE_ENCRYPTION_KEYS');
  });

  it.each<[StoredKeyDecryptionFailure, () => StoredKeyDecryptionError]>([
    ['unknown-kek', () => openError(sealProviderKey(ring, PLAINTEXT, binding), KeyRing.parse(NEW_ENTRY))],
    ['authentication-failed', () =>
      openError(sealProviderKey(ring, PLAINTEXT, binding), ring, { ...binding, userId: 'x' }),
    ],
  ])('puts no key material in the %s message', (reason, fail) => {
    const error = fail();
    expect(error.reason).toBe(reason);
    expect(error.name).toBe('StoredKeyDecryptionError');
    for (const material of ['SECRET', keyOf(1).slice(0, 12), keyOf(2).slice(0, 12)]) {
      expect(error.message).not.toContain(material);
    }
    expect(error.message).toContain('"old"');
  });
});

describe('envelope: each key under its own data key, wrapped by the kek', () => {
  it('wraps a fresh 256-bit data key per seal (iv, tag and encrypted key: 60 bytes)', () => {
    const first = sealProviderKey(ring, PLAINTEXT, binding);
    const second = sealProviderKey(ring, PLAINTEXT, binding);
    expect(first.wrappedKey).toHaveLength(60);
    expect(first.wrappedKey.equals(second.wrappedKey)).toBe(false);
  });

  it('fails on a tampered or truncated wrapped data key', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, binding);
    expect(openError({ ...sealed, wrappedKey: flipFirstBit(sealed.wrappedKey) }).reason).toBe('authentication-failed');
    const lastByteFlipped = Buffer.from(sealed.wrappedKey);
    lastByteFlipped[lastByteFlipped.length - 1] ^= 0x80;
    expect(openError({ ...sealed, wrappedKey: lastByteFlipped }).reason).toBe('authentication-failed');
    expect(openError({ ...sealed, wrappedKey: sealed.wrappedKey.subarray(0, 59) }).reason).toBe('authentication-failed');
  });

  it('fails when a wrapped data key is moved to another row, even with that row’s own ciphertext', () => {
    const mine = sealProviderKey(ring, PLAINTEXT, binding);
    const otherBinding = { userId: 'user-2', providerName: 'openai', baseUrl: null };
    const theirs = sealProviderKey(ring, 'sk-their-key-0000000000', otherBinding);
    expect(openError({ ...theirs, wrappedKey: mine.wrappedKey }, ring, otherBinding).reason).toBe('authentication-failed');
  });
});

describe('isSealedWithPrimary / resealProviderKey', () => {
  const rotated = KeyRing.parse(`${NEW_ENTRY},${OLD_ENTRY}`);

  it('tells whether a key is sealed under the current primary', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, binding);
    expect(isSealedWithPrimary(ring, sealed)).toBe(true);
    expect(isSealedWithPrimary(rotated, sealed)).toBe(false);
  });

  it('re-seals under the new primary so the old kek can leave the ring', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, binding);
    const resealed = resealProviderKey(rotated, sealed, binding);
    expect(resealed.kekId).toBe('new');
    // Envelope: only the data key is wrapped again; the key's own ciphertext stays as it was.
    expect(resealed.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(resealed.iv.equals(sealed.iv)).toBe(true);
    expect(resealed.wrappedKey.equals(sealed.wrappedKey)).toBe(false);
    expect(isSealedWithPrimary(rotated, resealed)).toBe(true);
    expect(openProviderKey(KeyRing.parse(NEW_ENTRY), resealed, binding)).toBe(PLAINTEXT);
  });

  it('refuses to re-seal a key that does not open for its row', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, binding);
    const otherRow = { ...binding, providerName: 'other', baseUrl: null };
    expect(() => resealProviderKey(rotated, sealed, otherRow)).toThrow(StoredKeyDecryptionError);
  });
});

describe('the endpoint (base_url) in the binding', () => {
  const withEndpoint: ProviderKeyBinding = { userId: 'gina', providerName: 'compat', baseUrl: 'https://api.example-llm.com/v1/' };

  it.each<[string, ProviderKeyBinding]>([
    ['another endpoint', { ...withEndpoint, baseUrl: 'https://attacker.example/v1/' }],
    ['no endpoint', { ...withEndpoint, baseUrl: null }],
    ['an empty endpoint', { ...withEndpoint, baseUrl: '' }],
  ])('a key sealed for one endpoint does not open for %s', (_what, altered) => {
    const sealed = sealProviderKey(ring, PLAINTEXT, withEndpoint);
    expect(openProviderKey(ring, sealed, withEndpoint)).toBe(PLAINTEXT);
    expect(openError(sealed, ring, altered).reason).toBe('authentication-failed');
  });

  it('a key sealed without an endpoint does not open once one is set', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, { ...withEndpoint, baseUrl: null });
    expect(openError(sealed, ring, withEndpoint).reason).toBe('authentication-failed');
  });

  it('opens a key sealed before the endpoint was bound, says so, and re-sealing binds the endpoint', () => {
    const legacy = sealProviderKeyAsLegacy(OLD_ENTRY, PLAINTEXT, withEndpoint);
    expect(openStoredProviderKey(ring, legacy, withEndpoint)).toEqual({ plaintext: PLAINTEXT, bindingVersion: 'legacy' });
    expect(isSealedAsCurrent(ring, legacy, withEndpoint)).toBe(false);

    const resealed = resealProviderKey(ring, legacy, withEndpoint);
    expect(resealed.iv.equals(legacy.iv)).toBe(false);
    expect(openStoredProviderKey(ring, resealed, withEndpoint)).toEqual({ plaintext: PLAINTEXT, bindingVersion: 'current' });
    expect(isSealedAsCurrent(ring, resealed, withEndpoint)).toBe(true);
    expect(openError(resealed, ring, { ...withEndpoint, baseUrl: 'https://attacker.example/v1/' }).reason).toBe('authentication-failed');
  });

  it('never opens a key sealed today under the legacy binding (no downgrade)', () => {
    const sealed = sealProviderKey(ring, PLAINTEXT, withEndpoint);
    expect(openStoredProviderKey(ring, sealed, withEndpoint).bindingVersion).toBe('current');
    expect(openError(sealed, ring, { ...withEndpoint, baseUrl: null }).reason).toBe('authentication-failed');
  });
});
