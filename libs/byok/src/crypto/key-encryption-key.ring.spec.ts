import { inspect } from 'node:util';
import { generateKeyEncryptionKey, KeyRing, KeyRingError, type KeyRingProblem } from './key-encryption-key.ring';

const keyOf = (fill: number) => Buffer.alloc(32, fill).toString('base64');

function parseError(spec: string): KeyRingError {
  try {
    KeyRing.parse(spec);
  } catch (error) {
    if (error instanceof KeyRingError) return error;
    throw error;
  }
  throw new Error('expected KeyRing.parse to throw');
}

describe('KeyRing.parse', () => {
  it('uses the first key as primary and keeps every key for decryption', () => {
    const ring = KeyRing.parse(`new:${keyOf(2)},old:${keyOf(1)}`);
    expect(ring.primary.id).toBe('new');
    expect(ring.primary.key).toEqual(Buffer.alloc(32, 2));
    expect(ring.ids).toEqual(['new', 'old']);
    expect(ring.get('old')?.key).toEqual(Buffer.alloc(32, 1));
    expect(ring.get('gone')).toBeUndefined();
  });

  it('tolerates whitespace around entries, ids and keys', () => {
    const ring = KeyRing.parse(`\n  k-2 : ${keyOf(2)} ,\n\t k_1:${keyOf(1)}  \n`);
    expect(ring.ids).toEqual(['k-2', 'k_1']);
    expect(ring.get('k_1')?.key).toEqual(Buffer.alloc(32, 1));
  });

  it('accepts a key without its base64 padding', () => {
    expect(KeyRing.parse(`k1:${keyOf(7).replace(/=+$/, '')}`).primary.key).toEqual(Buffer.alloc(32, 7));
  });

  it('accepts a 32-character id and rejects a 33-character one', () => {
    expect(KeyRing.parse(`${'a'.repeat(32)}:${keyOf(1)}`).primary.id).toHaveLength(32);
    expect(parseError(`${'a'.repeat(33)}:${keyOf(1)}`).problem).toBe('invalid-id');
  });

  it('never shows key material when inspected or serialised', () => {
    const secret = keyOf(9);
    const ring = KeyRing.parse(`k1:${secret}`);
    expect(inspect(ring)).toBe('KeyRing { ids: [k1] }');
    expect(JSON.stringify(ring)).toBe('{"ids":["k1"]}');
    expect(`${inspect(ring)}${JSON.stringify(ring)}`).not.toContain(secret);
  });
});

describe('KeyRing.parse errors', () => {
  // A distinctive key so an echo of it in a message cannot be missed.
  const secret = 'Zm9yYmlkZGVuLXNlY3JldC1rZXktbWF0ZXJpYWwtMDE=';
  const secretBody = secret.slice(0, 40);
  const good = keyOf(1);
  const sixteenBytesOfSecret = Buffer.from(secret, 'base64').subarray(0, 16).toString('base64');

  it.each<[string, string, KeyRingProblem, RegExp]>([
    ['empty', '', 'empty', /TOLLGATE_ENCRYPTION_KEYS is empty/],
    ['whitespace only', '  \n ', 'empty', /TOLLGATE_ENCRYPTION_KEYS is empty/],
    ['a stray comma', `k1:${good},,k2:${secret}`, 'malformed-entry', /entry 2 is empty/],
    ['a key with no id', secret, 'malformed-entry', /entry 1 has no "id:"/],
    ['an id with no key', `k1:${good}, k2:`, 'malformed-entry', /entry 2 \(id "k2"\): the key is missing/],
    ['an invalid id', `k1:${good},bad id!:${secret}`, 'invalid-id', /entry 2: id must be 1 to 32 characters/],
    ['key and id swapped', `${secret}:k1`, 'invalid-id', /entry 1: id must be/],
    ['bad base64', `k1:${good},k2:${secretBody}#@!`, 'invalid-base64', /entry 2 \(id "k2"\): the key is not valid/],
    ['base64 with inner whitespace', `k1:${secret.slice(0, 20)} ${secret.slice(20)}`, 'invalid-base64', /entry 1/],
    ['a 16-byte key', `k1:${sixteenBytesOfSecret}`, 'wrong-length', /must decode to 32 bytes, got 16/],
    ['a 33-byte key', `k1:${Buffer.alloc(33, 5).toString('base64')}`, 'wrong-length', /got 33/],
    ['a duplicate id', `k1:${good},k2:${secret},k1:${secret}`, 'duplicate-id', /entry 3 \(id "k1"\): the id is used/],
  ])('rejects %s with a message naming the entry, not the key', (_case, spec, problem, message) => {
    const error = parseError(spec);
    expect(error.problem).toBe(problem);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(secretBody.slice(0, 12));
    expect(error.message).not.toContain(good.slice(0, 12));
    expect(error.message).not.toContain(Buffer.from(secret, 'base64').toString('utf8').slice(0, 12));
  });

  it('records the entry position and id on the error', () => {
    const error = parseError(`k1:${good},k2:${sixteenBytesOfSecret}`);
    expect(error).toMatchObject({ name: 'KeyRingError', position: 2, kekId: 'k2' });
  });
});

describe('generateKeyEncryptionKey', () => {
  it('produces an entry that parses into a 32-byte key under the given id', () => {
    const entry = generateKeyEncryptionKey('2025-06');
    expect(entry).toMatch(/^2025-06:[A-Za-z0-9+/]{43}=$/);
    const ring = KeyRing.parse(entry);
    expect(ring.primary.id).toBe('2025-06');
    expect(ring.primary.key).toHaveLength(32);
  });

  it('produces a different key every time', () => {
    expect(generateKeyEncryptionKey('k')).not.toBe(generateKeyEncryptionKey('k'));
  });

  it('rejects an id that KeyRing.parse would reject', () => {
    expect(() => generateKeyEncryptionKey('has space')).toThrow(KeyRingError);
    expect(() => generateKeyEncryptionKey('')).toThrow(KeyRingError);
  });
});
