import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  it('fires the timers that fall due as it moves, in due order, each at its own time', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 30);
    clock.setTimeout(() => fired.push(`early@${clock.now()}`), 10);
    const cleared = clock.setTimeout(() => fired.push('cleared'), 20);
    clock.clearTimeout(cleared);
    expect(clock.pendingDelays()).toEqual([30, 10]);

    clock.advance(15);
    expect(fired).toEqual(['early@10']);
    expect(clock.now()).toBe(15);
    clock.set(40);
    expect(fired).toEqual(['early@10', 'late@30']);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('fires a timer set by a firing timer when it falls due within the same move', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 5), 5);
    clock.advance(10);
    expect(fired).toEqual([10]);
  });

  it('lets awaits chained on a timer run before the next timer fires when advancing settled', async () => {
    const clock = new FakeClock(0);
    const steps: number[] = [];
    const chain = async () => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
      steps.push(clock.now());
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
      steps.push(clock.now());
    };
    const done = chain();
    await clock.advanceSettling(20);
    await done;
    expect(steps).toEqual([10, 20]);
  });
});
