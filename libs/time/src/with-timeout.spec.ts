import { FakeClock } from '@tollgate/testing';
import { sleep } from './clock';
import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("gives the work's value when it settles in time, and clears its timer", async () => {
    const clock = new FakeClock();
    const result = withTimeout(Promise.resolve('done'), 100, () => 'late', clock);
    await expect(result).resolves.toBe('done');
    expect(clock.pendingDelays()).toEqual([]);
  });

  it("gives the work's error when it fails in time", async () => {
    const clock = new FakeClock();
    await expect(withTimeout(Promise.reject(new Error('refused')), 100, () => 'late', clock)).rejects.toThrow('refused');
  });

  it('gives the fallback once the time is up, not before', async () => {
    const clock = new FakeClock();
    let outcome: string | undefined;
    void withTimeout(new Promise<string>(() => undefined), 100, () => 'fallback', clock).then((value) => (outcome = value));
    clock.advance(99);
    await settle();
    expect(outcome).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(outcome).toBe('fallback');
  });

  it('rejects with what onTimeout throws, and ignores a late failure of the work', async () => {
    const clock = new FakeClock();
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<string>((_, reject) => (fail = reject));
    const result = withTimeout(work, 50, () => {
      throw new Error('no answer within 50 ms');
    }, clock);
    clock.advance(50);
    await expect(result).rejects.toThrow('no answer within 50 ms');
    fail(new Error('too late'));
    await settle();
  });
});

describe('sleep', () => {
  it('resolves once the clock has moved by its delay', async () => {
    const clock = new FakeClock();
    let woke = false;
    void sleep(30, clock).then(() => (woke = true));
    clock.advance(29);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(1);
    await Promise.resolve();
    expect(woke).toBe(true);
  });
});
