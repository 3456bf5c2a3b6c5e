import type { StartedTestContainer } from 'testcontainers';

declare global {
  var __TOLLGATE_TEST_CONTAINERS__: StartedTestContainer[] | undefined;
}

/** Stops the containers the global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  const containers = globalThis.__TOLLGATE_TEST_CONTAINERS__ ?? [];
  globalThis.__TOLLGATE_TEST_CONTAINERS__ = undefined;
  await Promise.all(containers.map((container) => container.stop()));
}
