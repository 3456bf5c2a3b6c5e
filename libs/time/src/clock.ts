/** What `Clock.setTimeout` returns, to hand back to `clearTimeout`. */
export type TimerHandle = unknown;

export interface TimerOptions {
  /** A background timer: it alone does not keep the process alive (Node's `unref`). */
  background?: boolean;
}

/**
 * Time and timers, injected wherever code waits or measures, so tests move time by hand (`FakeClock` in
 * `@tollgate/testing`) instead of sleeping.
 */
export interface Clock {
  /** Wall-clock time in epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number, options?: TimerOptions): TimerHandle;
  /** Does nothing for `undefined` or a timer that already fired. */
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms, options) => {
    const timer = setTimeout(callback, ms);
    if (options?.background) timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
};

/** Resolves once `ms` have passed on `clock`. */
export function sleep(ms: number, clock: Clock = systemClock): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
