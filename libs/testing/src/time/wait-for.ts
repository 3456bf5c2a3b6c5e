/**
 * Polls `probe` until `done` holds for its value, and returns that value: a wait for an event the test cannot
 * subscribe to. `timeoutMs` only bounds a test that would otherwise hang; nothing is asserted about how long it took.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls `condition` until it holds (see `waitFor`). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(condition, (holds) => holds, what, timeoutMs);
}
