import { EventBatcher, type BatchItemResult, type BatchTimers } from './event-batcher';

class FakeTimers implements BatchTimers {
  private nextHandle = 1;
  readonly scheduled = new Map<number, { callback: () => void; ms: number }>();

  set(callback: () => void, ms: number): number {
    const handle = this.nextHandle++;
    this.scheduled.set(handle, { callback, ms });
    return handle;
  }

  clear(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  fireAll(): void {
    const due = [...this.scheduled.values()];
    this.scheduled.clear();
    for (const { callback } of due) callback();
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('EventBatcher', () => {
  let timers: FakeTimers;
  let batches: number[][];
  let pendingFlushes: Deferred<BatchItemResult<string>[]>[];

  function createBatcher(maxBatchSize: number, maxWaitMs = 25) {
    return new EventBatcher<number, string>({
      maxBatchSize,
      maxWaitMs,
      timers,
      flush: (items) => {
        batches.push(items);
        const flush = deferred<BatchItemResult<string>[]>();
        pendingFlushes.push(flush);
        return flush.promise;
      },
    });
  }
  const ok = (items: number[]) => items.map((item) => ({ ok: true as const, value: `done-${item}` }));

  beforeEach(() => {
    timers = new FakeTimers();
    batches = [];
    pendingFlushes = [];
  });

  it('flushes as soon as a batch is full, without waiting for the timer', async () => {
    const batcher = createBatcher(3);
    const results = [1, 2, 3].map((item) => batcher.submit(item));
    await settled();
    expect(batches).toEqual([[1, 2, 3]]);
    pendingFlushes[0].resolve(ok([1, 2, 3]));
    await expect(Promise.all(results)).resolves.toEqual(['done-1', 'done-2', 'done-3']);
    expect(timers.scheduled.size).toBe(0);
  });

  it('flushes a partial batch when its wait time is over', async () => {
    const batcher = createBatcher(10);
    const first = batcher.submit(1);
    const second = batcher.submit(2);
    await settled();
    expect(batches).toEqual([]);
    expect([...timers.scheduled.values()].map((timer) => timer.ms)).toEqual([25]);

    timers.fireAll();
    await settled();
    expect(batches).toEqual([[1, 2]]);
    pendingFlushes[0].resolve(ok([1, 2]));
    await expect(Promise.all([first, second])).resolves.toEqual(['done-1', 'done-2']);
  });

  it('settles each item with its own result', async () => {
    const batcher = createBatcher(2);
    const good = batcher.submit(1);
    const bad = batcher.submit(2);
    await settled();
    pendingFlushes[0].resolve([{ ok: true, value: 'fine' }, { ok: false, error: new Error('parent missing') }]);
    await expect(good).resolves.toBe('fine');
    await expect(bad).rejects.toThrow('parent missing');
  });

  it('rejects every item of a batch whose flush fails', async () => {
    const batcher = createBatcher(2);
    const results = [batcher.submit(1), batcher.submit(2)].map((result) => result.catch((error: Error) => error.message));
    await settled();
    pendingFlushes[0].reject(new Error('connection terminated'));
    await expect(Promise.all(results)).resolves.toEqual(['connection terminated', 'connection terminated']);
  });

  it('rejects the batch if the flush returns the wrong number of results', async () => {
    const batcher = createBatcher(2);
    const results = [batcher.submit(1), batcher.submit(2)];
    await settled();
    pendingFlushes[0].resolve(ok([1]));
    await expect(results[0]).rejects.toThrow('batch flush returned 1 results for 2 items');
    await expect(results[1]).rejects.toThrow();
  });

  it('runs one flush at a time and keeps arrival order across batches', async () => {
    const batcher = createBatcher(2);
    const all = [1, 2, 3, 4, 5].map((item) => batcher.submit(item));
    await settled();
    expect(batches).toEqual([[1, 2]]);

    pendingFlushes[0].resolve(ok([1, 2]));
    await settled();
    expect(batches).toEqual([[1, 2], [3, 4]]);

    pendingFlushes[1].resolve(ok([3, 4]));
    await settled();
    // 5 alone does not fill a batch: it waits for its timer.
    expect(batches).toHaveLength(2);
    timers.fireAll();
    await settled();
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    pendingFlushes[2].resolve(ok([5]));
    await expect(Promise.all(all)).resolves.toEqual(['done-1', 'done-2', 'done-3', 'done-4', 'done-5']);
  });

  it('drain flushes what waits at once and resolves when nothing is in flight', async () => {
    const batcher = createBatcher(10);
    const result = batcher.submit(7);
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    await settled();
    expect(batches).toEqual([[7]]);
    expect(drained).toBe(false);
    pendingFlushes[0].resolve(ok([7]));
    await draining;
    await expect(result).resolves.toBe('done-7');
    expect(batcher.size).toBe(0);
    expect(timers.scheduled.size).toBe(0);
  });

  it('with no wait, flushes at once when idle and batches what arrives during a flush (group commit)', async () => {
    const batcher = createBatcher(3, 0);
    const first = batcher.submit(1);
    await settled();
    expect(batches).toEqual([[1]]);
    expect(timers.scheduled.size).toBe(0);

    const later = [2, 3, 4, 5].map((item) => batcher.submit(item));
    await settled();
    expect(batches).toEqual([[1]]);
    pendingFlushes[0].resolve(ok([1]));
    await settled();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    pendingFlushes[1].resolve(ok([2, 3, 4]));
    await settled();
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    pendingFlushes[2].resolve(ok([5]));
    await expect(Promise.all([first, ...later])).resolves.toEqual(['done-1', 'done-2', 'done-3', 'done-4', 'done-5']);
    expect(timers.scheduled.size).toBe(0);
  });

  it('refuses a negative wait', () => {
    expect(() => createBatcher(1, -1)).toThrow('maxWaitMs must be zero or positive');
  });

  it('refuses a batch size below one', () => {
    expect(() => createBatcher(0)).toThrow('maxBatchSize must be a positive integer');
  });
});
