import type { InterceptionEvent } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, FakeClock } from '@tollgate/testing';
import { EventGroupCommitter, type EventResult } from './event-group.committer';

const noTrace = { links: [] };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('EventGroupCommitter', () => {
  let transactions: InterceptionEvent[][];
  let releaseWrite: (() => void) | undefined;
  let observed: number[];
  /** The committer's clock, from 0; moved by hand. */
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock(0);
    transactions = [];
    releaseWrite = undefined;
    observed = [];
  });

  const committer = (options: { maxEvents?: number; maxJobs?: number; pairWaitMs?: number; holdWrites?: boolean; fail?: Error } = {}) =>
    new EventGroupCommitter({
      write: async (events) => {
        transactions.push(events);
        if (options.holdWrites) await new Promise<void>((resolve) => (releaseWrite = resolve));
        if (options.fail) throw options.fail;
        return events.map((event): EventResult => ({ ok: true, value: event.name === 'interception.started' && event.model === 'seen' ? 'duplicate' : 'recorded' }));
      },
      maxEvents: options.maxEvents ?? 10,
      maxWaitMs: 20,
      maxJobs: options.maxJobs ?? 8,
      pairWaitMs: options.pairWaitMs ?? 0,
      observeTransaction: (count) => observed.push(count),
      clock,
    });
  const events = (count: number) => Array.from({ length: count }, () => buildStartedEvent());

  it('writes the jobs that arrive within the wait in one transaction, each job getting its own results', async () => {
    const group = committer();
    const first = events(2);
    const second = [buildStartedEvent({ model: 'seen' })];
    const results = Promise.all([group.commit(first, noTrace), group.commit(second, noTrace)]);
    await settle();
    expect(transactions).toEqual([]);
    expect(clock.pendingDelays()).toEqual([20]);

    clock.advance(20);
    expect(await results).toEqual([
      [
        { ok: true, value: 'recorded' },
        { ok: true, value: 'recorded' },
      ],
      [{ ok: true, value: 'duplicate' }],
    ]);
    expect(transactions).toEqual([[...first, ...second]]);
    expect(observed).toEqual([3]);
  });

  it('writes at once when maxEvents events wait, never splitting a job', async () => {
    const group = committer({ maxEvents: 5 });
    const jobs = [events(3), events(3), events(4)];
    const results = Promise.all(jobs.map((job) => group.commit(job, noTrace)));
    await settle();
    // 3 + 3 reached 5: the first transaction holds the first job only (3 + 3 > 5); the rest follow without waiting.
    expect(transactions.map((transaction) => transaction.length)).toEqual([3, 3, 4]);
    await results;
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('writes at once when every job the worker can hold is waiting', async () => {
    const group = committer({ maxJobs: 2 });
    const results = Promise.all([group.commit(events(1), noTrace), group.commit(events(1), noTrace)]);
    await settle();
    expect(transactions.map((transaction) => transaction.length)).toEqual([2]);
    await results;
  });

  it('puts the jobs arriving during a transaction into the next one, written as soon as it commits', async () => {
    const group = committer({ maxJobs: 1, holdWrites: true });
    const first = group.commit(events(1), noTrace);
    await settle();
    expect(transactions).toHaveLength(1);
    const later = [group.commit(events(1), noTrace), group.commit(events(2), noTrace)];
    await settle();
    expect(transactions).toHaveLength(1);

    releaseWrite!();
    await first;
    await settle();
    expect(transactions.map((transaction) => transaction.length)).toEqual([1, 3]);
    releaseWrite!();
    await Promise.all(later);
  });

  it('rejects every job of a transaction that failed as a whole', async () => {
    const failure = new Error('connection terminated unexpectedly');
    const group = committer({ maxJobs: 2, fail: failure });
    const results = [group.commit(events(1), noTrace), group.commit(events(1), noTrace)];
    for (const result of results) await expect(result).rejects.toBe(failure);
    expect(observed).toEqual([]);
  });

  it('writes what waits at once when told to stop waiting, and anything committed afterwards too', async () => {
    const group = committer();
    const waiting = group.commit(events(1), noTrace);
    await settle();
    expect(transactions).toEqual([]);

    await group.stopWaiting();
    await waiting;
    expect(transactions).toHaveLength(1);
    await group.commit(events(1), noTrace);
    expect(transactions).toHaveLength(2);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('stops waiting at once when nothing waits', async () => {
    const group = committer({ pairWaitMs: 200 });
    await group.stopWaiting();
    expect(transactions).toEqual([]);
    expect(clock.pendingDelays()).toEqual([]);
  });

  describe('a started event waiting for its ended event (pairWait)', () => {
    const interception = () => {
      const started = buildStartedEvent();
      return { started, ended: buildEndedEvent(started) };
    };

    it('holds the started event back, and writes it with its ended event when that comes', async () => {
      const group = committer({ pairWaitMs: 200 });
      const { started, ended } = interception();
      const other = buildStartedEvent();
      const first = group.commit([started, other], noTrace);
      clock.set(20);
      await settle();
      expect(transactions).toEqual([]); // nothing else to write: both started events wait
      // The wait starts when they would have been written: at 20, until 220.
      expect(clock.pendingDelays()).toEqual([200]);

      const second = group.commit([ended], noTrace);
      clock.set(40);
      await settle();
      expect(transactions).toEqual([[ended, started]]);
      expect(await second).toEqual([{ ok: true, value: 'recorded' }]);

      clock.set(220); // the other one's wait is over: written alone
      expect(await first).toEqual([
        { ok: true, value: 'recorded' },
        { ok: true, value: 'recorded' },
      ]);
      expect(transactions).toEqual([[ended, started], [other]]);
    });

    it('writes a started event at once when its ended event is in the same transaction', async () => {
      const group = committer({ pairWaitMs: 200 });
      const { started, ended } = interception();
      const done = Promise.all([group.commit([started], noTrace), group.commit([ended], noTrace)]);
      clock.set(20);
      await done;
      expect(transactions).toEqual([[started, ended]]);
    });

    it('holds nothing once every job the worker can hold is waiting: no ended event could arrive', async () => {
      const group = committer({ pairWaitMs: 200, maxJobs: 1 });
      const { started } = interception();
      await group.commit([started], noTrace);
      expect(transactions).toEqual([[started]]);
    });

    it('writes held events at once when told to stop waiting', async () => {
      const group = committer({ pairWaitMs: 200 });
      const { started } = interception();
      const held = group.commit([started], noTrace);
      clock.set(20);
      await settle();
      expect(transactions).toEqual([]);
      await group.stopWaiting();
      await held;
      expect(transactions).toEqual([[started]]);
    });
  });
});
