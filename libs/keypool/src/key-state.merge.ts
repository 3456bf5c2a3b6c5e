import type { KeyMark } from './key-state';

export interface MergeResult {
  /** The entry to keep (undefined: the key is valid). */
  result: KeyMark | undefined;
  /** The state (valid/cooling/disabled) changed. */
  changed: boolean;
  /** The stored entry differs from before (a state change or a later deadline). */
  updated: boolean;
}

/** The entry as it stands at `nowMs`: an elapsed cooldown is no entry at all. */
export function activeMark(entry: KeyMark | undefined, nowMs: number): KeyMark | undefined {
  if (entry?.state === 'cooling' && !((entry.until ?? 0) > nowMs)) return undefined;
  return entry;
}

/**
 * Combines a new mark with the current entry: disabled is never downgraded, cooling keeps the later deadline, a
 * cooldown that has already elapsed changes nothing. The same rules run in Redis (key-state-mark.script.ts), so
 * every replica converges on the same answer.
 */
export function mergeMark(current: KeyMark | undefined, next: KeyMark, nowMs: number): MergeResult {
  const active = activeMark(current, nowMs);
  const incoming = activeMark(next, nowMs);
  const unchanged: MergeResult = { result: active, changed: false, updated: false };
  if (!incoming) return unchanged;
  if (!active) return { result: incoming, changed: true, updated: true };
  if (active.state === 'disabled') return unchanged;
  if (incoming.state === 'disabled') return { result: incoming, changed: true, updated: true };
  if ((incoming.until ?? 0) > (active.until ?? 0)) return { result: incoming, changed: false, updated: true };
  return unchanged;
}
