import { randomBytes } from 'node:crypto';

// Unique, realistic-looking ids without paying for random bytes on every request: a per-process token plus a counter.
const processToken = randomBytes(6).toString('hex');
let counter = 0;

export function mockId(prefix: string): string {
  counter += 1;
  return `${prefix}${processToken}${counter.toString(36).padStart(10, '0')}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
