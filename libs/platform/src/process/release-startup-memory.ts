import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type CollectGarbage = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Loading and compiling every module grows V8's young generation to its maximum and leaves the old one fragmented,
 * and an idle process never gets that memory back: it was about 35 MiB of the standalone gateway's idle RSS. One
 * memory-reducing collection, once start-up is done and before serving, returns it; under load the young generation
 * grows again to what the load needs. Blocks for one full collection (tens of milliseconds).
 */
export function releaseStartupMemory(): void {
  // `gc` exists only under --expose-gc: the flag is on just long enough for a fresh context to get the function.
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as CollectGarbage;
  setFlagsFromString('--no-expose-gc');
  collectGarbage({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
