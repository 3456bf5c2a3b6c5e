import { systemClock, type Clock, type TimerHandle } from './clock';

/**
 * `work`'s outcome if it settles within `ms`; otherwise what `onTimeout` returns (a fallback value) or throws (the
 * error to reject with). A late rejection of `work` is ignored: the timeout has already answered for it.
 */
export function withTimeout<T, Fallback = never>(work: Promise<T>, ms: number, onTimeout: () => Fallback, clock: Clock = systemClock): Promise<T | Fallback> {
  let timer: TimerHandle | undefined;
  const timedOut = new Promise<Fallback>((resolve, reject) => {
    timer = clock.setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timedOut]).finally(() => clock.clearTimeout(timer));
}
