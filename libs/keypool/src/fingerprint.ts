import { createHmac } from 'node:crypto';

/** The identity a key's state is stored under: a keyed hash, so the shared store never holds the key itself. */
export function fingerprintKey(secret: string, fingerprintSecret: string): string {
  return createHmac('sha256', fingerprintSecret).update(secret, 'utf8').digest('hex');
}
