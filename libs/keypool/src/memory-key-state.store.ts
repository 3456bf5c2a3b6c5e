import type { KeyMark, KeyStateStore, KeyStatus } from './key-state';
import { KeyStateView } from './key-state.view';

/** Key state in process memory, for a single replica (embedded mode, tests). */
export class MemoryKeyStateStore implements KeyStateStore {
  private readonly view = new KeyStateView();

  read(fingerprint: string, nowMs: number): KeyStatus {
    return this.view.read(fingerprint, nowMs);
  }

  mark(fingerprint: string, next: KeyMark, nowMs: number): { changed: boolean } {
    const { changed } = this.view.merge(fingerprint, next, nowMs);
    return { changed };
  }

  async enable(fingerprint: string): Promise<void> {
    this.view.delete(fingerprint);
  }

  async track(_fingerprints: string[]): Promise<void> {}

  health(): { shared: boolean; connected: boolean; detail?: string } {
    return { shared: false, connected: true };
  }

  async close(): Promise<void> {}
}
