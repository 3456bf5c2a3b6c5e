import type { Clock, TimerHandle } from '@tollgate/time';

interface ScheduledTimer {
  at: number;
  ms: number;
  callback: () => void;
}

/** A clock that moves only when told to, firing the timers that fall due as it moves. */
export class FakeClock implements Clock {
  private nextHandle = 1;
  private readonly timers = new Map<number, ScheduledTimer>();

  constructor(private current = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = this.nextHandle++;
    const delay = Math.max(0, ms);
    this.timers.set(handle, { at: this.current + delay, ms: delay, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.timers.delete(handle as number);
  }

  /** The delays the waiting timers were set with, in the order they were set. */
  pendingDelays(): number[] {
    return [...this.timers.values()].map((timer) => timer.ms);
  }

  /** Moves time forward by `ms`, firing each timer that falls due, in due order, at its due time. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (let due = this.nextDue(until); due; due = this.nextDue(until)) this.fire(due);
    this.current = until;
  }

  /** Moves time to `epochMs`: forward like `advance`, backward without firing anything. */
  set(epochMs: number): void {
    if (epochMs > this.current) this.advance(epochMs - this.current);
    else this.current = epochMs;
  }

  /**
   * Like `advance`, but lets every ready promise continuation run before each timer fires and at the end, so that
   * awaits chained on a timer settle before the next one is due.
   */
  async advanceSettling(ms: number): Promise<void> {
    const until = this.current + ms;
    for (;;) {
      await settleContinuations();
      const due = this.nextDue(until);
      if (!due) break;
      this.fire(due);
    }
    this.current = until;
    await settleContinuations();
  }

  private nextDue(until: number): [number, ScheduledTimer] | undefined {
    let next: [number, ScheduledTimer] | undefined;
    for (const entry of this.timers) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
    return next;
  }

  private fire([handle, timer]: [number, ScheduledTimer]): void {
    this.timers.delete(handle);
    this.current = timer.at;
    timer.callback();
  }
}

function settleContinuations(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
