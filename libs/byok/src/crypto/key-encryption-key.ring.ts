import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

export const KEY_ENCRYPTION_KEY_BYTES = 32;

const KEK_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const SETTING = 'TOLLGATE_ENCRYPTION_KEYS';
const INVALID_ID_RULE = 'must be 1 to 32 characters of A-Z, a-z, 0-9, _ or -';
const EXPECTED_SHAPE = 'expected comma-separated id:base64key pairs';

export interface KeyEncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

export type KeyRingProblem =
  | 'empty'
  | 'malformed-entry'
  | 'invalid-id'
  | 'duplicate-id'
  | 'invalid-base64'
  | 'wrong-length';

/** A key set that cannot be used. The message names the entry (position, and id once known valid), never key text. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
  constructor(
    readonly problem: KeyRingProblem,
    message: string,
    readonly position?: number,
    readonly kekId?: string,
  ) {
    super(message);
  }
}

/** The key-encryption keys from the environment: the first seals, every one opens. */
export class KeyRing {
  private constructor(private readonly keys: readonly KeyEncryptionKey[]) {}

  /** Parses `TOLLGATE_ENCRYPTION_KEYS`; throws KeyRingError on the first bad entry. */
  static parse(spec: string): KeyRing {
    if (spec.trim() === '') throw new KeyRingError('empty', `${SETTING} is empty: ${EXPECTED_SHAPE}`);
    const keys: KeyEncryptionKey[] = [];
    spec.split(',').forEach((entry, index) => {
      const parsed = parseEntry(entry, index + 1);
      if (keys.some((existing) => existing.id === parsed.id)) {
        const where = describe(index + 1, parsed.id);
        throw new KeyRingError('duplicate-id', `${where}: the id is used more than once`, index + 1, parsed.id);
      }
      keys.push(parsed);
    });
    return new KeyRing(keys);
  }

  get primary(): KeyEncryptionKey {
    return this.keys[0];
  }

  get ids(): readonly string[] {
    return this.keys.map((entry) => entry.id);
  }

  get(id: string): KeyEncryptionKey | undefined {
    return this.keys.find((entry) => entry.id === id);
  }

  // A ring that ends up in a log line or an error report shows its ids, never its keys.
  toJSON(): { ids: readonly string[] } {
    return { ids: this.ids };
  }

  [inspect.custom](): string {
    return `KeyRing { ids: [${this.ids.join(', ')}] }`;
  }
}

/** A fresh `id:base64key` entry for `TOLLGATE_ENCRYPTION_KEYS` (what `tollgate admin kek generate` prints). */
export function generateKeyEncryptionKey(id: string): string {
  if (!KEK_ID_PATTERN.test(id)) throw new KeyRingError('invalid-id', `key id ${INVALID_ID_RULE}`);
  return `${id}:${randomBytes(KEY_ENCRYPTION_KEY_BYTES).toString('base64')}`;
}

function parseEntry(entry: string, position: number): KeyEncryptionKey {
  const trimmed = entry.trim();
  const where = describe(position);
  if (trimmed === '') {
    throw new KeyRingError('malformed-entry', `${where} is empty (stray comma?): ${EXPECTED_SHAPE}`, position);
  }
  const separator = trimmed.indexOf(':');
  if (separator === -1) {
    throw new KeyRingError('malformed-entry', `${where} has no "id:" before the key: ${EXPECTED_SHAPE}`, position);
  }
  const id = trimmed.slice(0, separator).trim();
  const encoded = trimmed.slice(separator + 1).trim();
  // An invalid id is not echoed: it may be key text pasted in the wrong order.
  if (!KEK_ID_PATTERN.test(id)) throw new KeyRingError('invalid-id', `${where}: id ${INVALID_ID_RULE}`, position);
  const whereWithId = describe(position, id);
  if (encoded === '') throw new KeyRingError('malformed-entry', `${whereWithId}: the key is missing`, position, id);
  const key = decodeBase64(encoded);
  if (key === undefined) {
    throw new KeyRingError('invalid-base64', `${whereWithId}: the key is not valid base64`, position, id);
  }
  if (key.length !== KEY_ENCRYPTION_KEY_BYTES) {
    const got = `must decode to ${KEY_ENCRYPTION_KEY_BYTES} bytes, got ${key.length}`;
    throw new KeyRingError('wrong-length', `${whereWithId}: the key ${got}`, position, id);
  }
  return { id, key };
}

/** Strict base64: Buffer.from silently skips characters outside the alphabet, so check before and after decoding. */
function decodeBase64(encoded: string): Buffer | undefined {
  if (!BASE64_PATTERN.test(encoded) || encoded.length % 4 === 1) return undefined;
  const decoded = Buffer.from(encoded, 'base64');
  const unpadded = (text: string) => text.replace(/=+$/, '');
  return unpadded(decoded.toString('base64')) === unpadded(encoded) ? decoded : undefined;
}

function describe(position: number, id?: string): string {
  return id === undefined ? `${SETTING} entry ${position}` : `${SETTING} entry ${position} (id "${id}")`;
}
