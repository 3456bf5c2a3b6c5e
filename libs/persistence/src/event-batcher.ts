/** The result for one submitted item: a value, or the error that item's submitter receives. */
export type BatchItemResult<Result> = { ok: true; value: Result } | { ok: false; error: Error };

export interface BatchTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface EventBatcherOptions<Item, Result> {
  /** Flush as soon as this many items wait. */
  maxBatchSize: number;
  /**
   * Flush a partial batch this long after its first item arrived. 0 means group commit: an item arriving while no
   * flush runs is flushed at once, and items arriving during a flush form the next batch (low latency when idle,
   * large batches under load).
   */
  maxWaitMs: number;
  /** Handles one batch; returns one result per item, in order. Throwing fails every item of the batch. */
  flush(items: Item[]): Promise<BatchItemResult<Result>[]>;
  /** Tests inject fake timers; default: setTimeout. */
  timers?: BatchTimers;
}

interface Pending<Item, Result> {
  item: Item;
  resolve(value: Result): void;
  reject(error: Error): void;
}

const realTimers: BatchTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Collects items submitted one by one (e.g. by concurrent queue jobs) and hands them to `flush` in batches of up to
 * `maxBatchSize`, at the latest `maxWaitMs` after the first one arrived. One flush runs at a time, so batches are
 * applied in arrival order. Each submitter's promise settles with its own item's result.
 */
export class EventBatcher<Item, Result> {
  private pending: Pending<Item, Result>[] = [];
  private timer: unknown = undefined;
  private due = false;
  private flushing: Promise<void> | undefined;
  private readonly timers: BatchTimers;

  constructor(private readonly options: EventBatcherOptions<Item, Result>) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) throw new Error('maxBatchSize must be a positive integer');
    if (!(options.maxWaitMs >= 0)) throw new Error('maxWaitMs must be zero or positive');
    this.timers = options.timers ?? realTimers;
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxBatchSize || this.options.maxWaitMs === 0) {
        this.markDue();
      } else if (this.timer === undefined && !this.due) {
        this.timer = this.timers.set(() => {
          this.timer = undefined;
          this.markDue();
        }, this.options.maxWaitMs);
      }
    });
  }

  /** Items waiting for a flush (not counting the batch being flushed). */
  get size(): number {
    return this.pending.length;
  }

  /** Flushes everything pending now, without waiting for the timer, and resolves once nothing is left in flight. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.flushing) {
      if (this.pending.length > 0) this.markDue();
      await this.flushing;
    }
  }

  private markDue(): void {
    this.due = true;
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
      this.timer = undefined;
    }
    // Started on a later tick so that `flushing` is assigned before the loop can finish and clear it.
    if (!this.flushing) this.flushing = Promise.resolve().then(() => this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.due && this.pending.length > 0) {
        const batch = this.pending.splice(0, this.options.maxBatchSize);
        // What is left over is due at once if it already fills a batch; otherwise it waits for its own timer.
        this.due = this.pending.length >= this.options.maxBatchSize || (this.options.maxWaitMs === 0 && this.pending.length > 0);
        if (!this.due && this.pending.length > 0 && this.timer === undefined) {
          this.timer = this.timers.set(() => {
            this.timer = undefined;
            this.markDue();
          }, this.options.maxWaitMs);
        }
        await this.flushBatch(batch);
      }
    } finally {
      this.due = false;
      this.flushing = undefined;
    }
  }

  private async flushBatch(batch: Pending<Item, Result>[]): Promise<void> {
    let results: BatchItemResult<Result>[];
    try {
      results = await this.options.flush(batch.map((entry) => entry.item));
      if (results.length !== batch.length) {
        throw new Error(`batch flush returned ${results.length} results for ${batch.length} items`);
      }
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const entry of batch) entry.reject(failure);
      return;
    }
    batch.forEach((entry, index) => {
      const result = results[index];
      if (result.ok) entry.resolve(result.value);
      else entry.reject(result.error);
    });
  }
}
