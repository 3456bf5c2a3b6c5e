import type { KeyMark, KeyStatus } from './key-state';
import { activeMark, mergeMark } from './key-state.merge';

/** An in-process map of key states by fingerprint; what every `read()` is answered from. */
export class KeyStateView {
  private readonly entries = new Map<string, KeyMark>();

  read(fingerprint: string, nowMs: number): KeyStatus {
    const entry = this.entries.get(fingerprint);
    const active = activeMark(entry, nowMs);
    if (!active) {
      if (entry) this.entries.delete(fingerprint);
      return { state: 'valid' };
    }
    return active.state === 'cooling'
      ? { state: 'cooling', reason: active.reason, until: active.until }
      : { state: 'disabled', reason: active.reason };
  }

  /** `changed`: the state changed; `updated`: the entry changed (state or a later deadline). */
  merge(fingerprint: string, next: KeyMark, nowMs: number): { changed: boolean; updated: boolean } {
    const merged = mergeMark(this.entries.get(fingerprint), next, nowMs);
    if (merged.updated && merged.result) this.entries.set(fingerprint, { ...merged.result });
    return { changed: merged.changed, updated: merged.updated };
  }

  /** Sets the entry as the shared store has it (undefined: valid). */
  replace(fingerprint: string, entry: KeyMark | undefined): void {
    if (entry) this.entries.set(fingerprint, { ...entry });
    else this.entries.delete(fingerprint);
  }

  delete(fingerprint: string): void {
    this.entries.delete(fingerprint);
  }
}
