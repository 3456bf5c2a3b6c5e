import { createHash } from 'node:crypto';

/** How long a key stays skipped for a model it was denied (a 403 naming the model); then it is tried again. */
export const MODEL_DENIED_COOLDOWN_MS = 10 * 60_000;

/**
 * The suffix that turns a key's fingerprint into the fingerprint of its entry for one model. The model name is
 * client-chosen, so it is hashed: a fixed-length Redis key, and no client text in the store.
 */
export function modelScope(model: string): string {
  return `:model:${createHash('sha256').update(model).digest('hex').slice(0, 32)}`;
}

/** The key's own fingerprint for a (possibly model-scoped) fingerprint. */
export function keyFingerprintOf(fingerprint: string): string {
  const scoped = fingerprint.indexOf(':model:');
  return scoped === -1 ? fingerprint : fingerprint.slice(0, scoped);
}
