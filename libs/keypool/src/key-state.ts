export type KeyState = 'valid' | 'cooling' | 'disabled';
/** `model_denied` marks a key's entry for one model only (see `model-scope.ts`), never the key itself. */
export type KeyReason = 'rate_limited' | 'unauthorized' | 'forbidden' | 'model_denied';

/** What a store answers about one key. `until` (epoch ms) is set for `cooling` only. */
export interface KeyStatus {
  state: KeyState;
  reason?: KeyReason;
  until?: number;
}

/** A non-valid state a key is put in. `until` (epoch ms) is required for `cooling`. */
export interface KeyMark {
  state: 'cooling' | 'disabled';
  reason: KeyReason;
  until?: number;
}

/**
 * Where key states live, addressed by key fingerprint (never the key). `read` and `mark` work on a local view
 * synchronously so the request path never waits on I/O; shared implementations propagate in the background.
 */
export interface KeyStateStore {
  /** Local view only; an expired cooldown reads as valid. */
  read(fingerprint: string, nowMs: number): KeyStatus;
  /**
   * Applies to the local view at once; a later deadline is never shortened and cooling never overrides disabled.
   * `changed` is true only when the key's state really changed (valid → cooling, valid/cooling → disabled).
   */
  mark(fingerprint: string, next: KeyMark, nowMs: number): { changed: boolean };
  /** Back to valid everywhere. */
  enable(fingerprint: string): Promise<void>;
  /** The fingerprints this replica cares about; shared stores load their current state. */
  track(fingerprints: string[]): Promise<void>;
  /**
   * Shared stores: resolves true once the tracked keys' states are loaded, or false after `timeoutMs` (the store
   * unreachable). A replica that served before would use keys the others already know to be cooling or disabled.
   */
  whenSynced?(timeoutMs: number): Promise<boolean>;
  health(): { shared: boolean; connected: boolean; detail?: string };
  close(): Promise<void>;
}
