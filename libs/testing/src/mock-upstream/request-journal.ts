import type { ReceivedRequest } from './mock-upstream.types';

interface Waiter {
  settle(): boolean;
}

/** The received requests, and promises that resolve when one arrives or is aborted by its client. */
export class RequestJournal {
  readonly received: ReceivedRequest[] = [];
  private waiters: Waiter[] = [];

  constructor(readonly enabled: boolean) {}

  add(request: Omit<ReceivedRequest, 'index' | 'aborted'>): ReceivedRequest | undefined {
    if (!this.enabled) return undefined;
    const entry: ReceivedRequest = { ...request, index: this.received.length, aborted: false };
    this.received.push(entry);
    this.notify();
    return entry;
  }

  markAborted(entry: ReceivedRequest): void {
    entry.aborted = true;
    this.notify();
  }

  clear(): void {
    this.received.length = 0;
  }

  waitFor(index: number, aborted: boolean, timeoutMs: number): Promise<ReceivedRequest> {
    if (!this.enabled) return Promise.reject(new Error('the mock upstream was started with record: false'));
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const entry = this.received[index];
        if (entry === undefined || (aborted && !entry.aborted)) return false;
        clearTimeout(timer);
        resolve(entry);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== ownWaiter);
        const what = aborted ? 'aborted by the client' : 'received';
        reject(new Error(`mock upstream: request #${index} was not ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const ownWaiter: Waiter = { settle: check };
      if (!check()) this.waiters.push(ownWaiter);
    });
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !waiter.settle());
  }
}
