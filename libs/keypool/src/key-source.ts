import type { KeyReason, KeyState } from './key-state';
import type { HeaderBag } from './retry-after.parser';

/** A key handed out for one attempt: `key` goes upstream, `position` and `hint` go to spans and logs. */
export interface HandedOutKey {
  key: string;
  position: number;
  hint: string;
}

export type Exhaustion =
  | { outcome: 'rate_limited'; retryAfterSeconds: number; message: string }
  | { outcome: 'auth_failed'; message: string }
  | { outcome: 'model_denied'; model: string; message: string };

/** Hands out the keys of one upstream call: forward only, never the same key twice, only keys valid right now. */
export interface KeyWalker {
  next(): HandedOutKey | undefined;
  /**
   * Classifies the answer to the key last handed out; `failover` means: try `next()`. `modelDenied`: the answer (a
   * 403) says the key may not use the walk's model — that key is skipped for that model only, not disabled.
   * `retryAfterMs`: on a 429, the cooldown its body asked for (Gemini's `RetryInfo`), preferred to the headers.
   */
  report(status: number, headers: HeaderBag, modelDenied?: boolean, retryAfterMs?: number): 'failover' | 'final';
  /** A 403 fails over (so its body may be read to tell a model denial from a key failure); false/absent: it is the answer. */
  readonly forbiddenFailsOver?: boolean;
  /** The state the last reported answer put the key in (for tracing); undefined after a `final` answer. */
  readonly lastTransition?: { reason: KeyReason; state: KeyState };
  /** Why no key is left; call when `next()` returned undefined. `retryAfterSeconds` 0: omit the header. */
  exhausted(): Exhaustion;
  /** Hint of the last key handed out ('' if none). */
  readonly lastHint: string;
  /** Keys handed out so far. */
  readonly handedOut: number;
}

/** Where the gateway gets provider keys for centralized requests: a fresh walker per upstream call. */
export interface KeySource {
  /** `model`: the requested model, when known; keys denied that model are skipped. */
  startWalk(model?: string): KeyWalker;
}
