import type { MockStep } from './mock-upstream.types';

export const ANY_CREDENTIAL = '*';

/** Scripted steps per credential, consumed in order; a credential's own queue goes before the '*' queue. */
export class ScriptQueue {
  private readonly queues = new Map<string, MockStep[]>();

  add(credential: string, steps: MockStep[]): void {
    const queue = this.queues.get(credential);
    if (queue) queue.push(...steps);
    else this.queues.set(credential, [...steps]);
  }

  /** The next step for this credential, or undefined (default answer). */
  next(credential: string | undefined): MockStep | undefined {
    if (this.queues.size === 0) return undefined;
    const own = credential === undefined ? undefined : this.queues.get(credential);
    if (own && own.length > 0) return own.shift();
    return this.queues.get(ANY_CREDENTIAL)?.shift();
  }

  clear(): void {
    this.queues.clear();
  }
}
