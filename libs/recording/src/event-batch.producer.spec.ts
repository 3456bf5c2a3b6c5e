import { buildEndedEvent, buildStartedEvent, FakeClock } from '@tollgate/testing';
import type { EventBatchSender } from './event-batch.sender';
import { EventBatchProducer, RecordingUnavailableError, type EventBatchProducerOptions } from './event-batch.producer';
import type { InterceptionEvent } from './interception-event.schema';
import type { InterceptionEventBatch } from './recording-jobs';

/** Runs every promise continuation that is ready (no time passes). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A transport that accepts, refuses at once, never answers, or holds each send until the test releases it. */
class ScriptedSender implements EventBatchSender {
  mode: 'up' | 'down' | 'hanging' | 'held' = 'up';
  readonly attempts: InterceptionEventBatch[] = [];
  readonly accepted: InterceptionEventBatch[] = [];
  private readonly held: (() => void)[] = [];
  closed = false;

  deliver(batch: InterceptionEventBatch): Promise<void> {
    this.attempts.push(batch);
    switch (this.mode) {
      case 'up':
        this.accepted.push(batch);
        return Promise.resolve();
      case 'down':
        return Promise.reject(new Error('connection refused'));
      case 'hanging':
        return new Promise(() => undefined);
      case 'held':
        return new Promise((resolve) =>
          this.held.push(() => {
            this.accepted.push(batch);
            resolve();
          }),
        );
    }
  }

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  get acceptedEvents(): InterceptionEvent[] {
    return this.accepted.flatMap((batch) => batch.events);
  }
}

interface Logged {
  level: 'warn' | 'error';
  payload: Record<string, unknown>;
  message: string;
}

function setUp(overrides: Partial<EventBatchProducerOptions> = {}) {
  const clock = new FakeClock();
  const sender = new ScriptedSender();
  const logged: Logged[] = [];
  const observed = { accepted: 0, failedBatches: 0, dropped: [] as string[], refused: 0 };
  const producer = new EventBatchProducer({
    sender,
    maxEvents: 3,
    maxDelayMs: 5,
    maxPendingEvents: 100,
    failurePolicy: 'closed',
    sendTimeoutMs: 1_000,
    clock,
    logger: {
      warn: (payload, message) => logged.push({ level: 'warn', payload: payload as Record<string, unknown>, message }),
      error: (payload, message) => logged.push({ level: 'error', payload: payload as Record<string, unknown>, message }),
    },
    observer: {
      batchAccepted: (events) => (observed.accepted += events.length),
      batchFailed: () => observed.failedBatches++,
      eventDropped: (event) => observed.dropped.push(event.interceptionId),
      interceptionRefused: () => observed.refused++,
    },
    ...overrides,
  });
  return { clock, sender, producer, logged, observed };
}

/** Admits an interception and adds its started event. */
function start(producer: EventBatchProducer): InterceptionEvent {
  const event = buildStartedEvent();
  const admission = producer.admit();
  if (admission === 'refused') throw new Error('refused');
  producer.add(event, admission);
  return event;
}

describe('EventBatchProducer', () => {
  it('sends a batch as soon as it is full, and the rest once the first of it has waited maxDelay', async () => {
    const { clock, sender, producer } = setUp();
    const events = Array.from({ length: 7 }, () => start(producer));
    await settle();
    expect(sender.accepted.map((batch) => batch.events.length)).toEqual([3, 3]);

    await clock.advanceSettling(4);
    expect(sender.accepted).toHaveLength(2);
    await clock.advanceSettling(1);
    expect(sender.accepted.map((batch) => batch.events.length)).toEqual([3, 3, 1]);
    expect(sender.acceptedEvents).toEqual(events);
    expect(new Set(sender.accepted.map((batch) => batch.batchId)).size).toBe(3);
    expect(producer.pendingEvents).toBe(7); // each interception still owes its ended event
  });

  it('with maxDelay 0 sends at once, and what arrives during a send forms the next batch', async () => {
    const { sender, producer } = setUp({ maxDelayMs: 0, maxEvents: 100 });
    sender.mode = 'held';
    start(producer);
    expect(sender.attempts).toHaveLength(1);
    start(producer);
    start(producer);
    expect(sender.attempts).toHaveLength(1);
    sender.releaseAll();
    await settle();
    expect(sender.attempts.map((batch) => batch.events.length)).toEqual([1, 2]);
  });

  it('sends the events of a failed batch again after a doubling backoff, losing none', async () => {
    const { clock, sender, producer, observed, logged } = setUp();
    sender.mode = 'down';
    const events = [start(producer), start(producer), start(producer)];
    await settle();
    expect(sender.attempts).toHaveLength(1);
    expect(producer.pendingEvents).toBe(6);

    const lateEvent = start(producer);
    await clock.advanceSettling(99);
    expect(sender.attempts).toHaveLength(1); // backing off: not even the batch timer sends
    await clock.advanceSettling(1);
    expect(sender.attempts).toHaveLength(2);
    await clock.advanceSettling(199);
    expect(sender.attempts).toHaveLength(2);
    await clock.advanceSettling(1);
    expect(sender.attempts).toHaveLength(3);

    sender.mode = 'up';
    await clock.advanceSettling(400); // the probe: one full batch; once it is accepted the rest follows like any batch
    expect(sender.acceptedEvents).toEqual(events);
    await clock.advanceSettling(5);
    expect(sender.acceptedEvents).toEqual([...events, lateEvent]);
    expect(observed).toMatchObject({ accepted: 4, failedBatches: 3 });
    expect(logged.filter((line) => line.level === 'warn').map((line) => line.payload.retryInMs)).toEqual([100, 200, 400]);
    expect(producer.pendingEvents).toBe(4);
  });

  it('counts a send that does not answer within sendTimeout as failed', async () => {
    const { clock, sender, producer } = setUp({ sendTimeoutMs: 50 });
    sender.mode = 'hanging';
    const event = start(producer);
    await clock.advanceSettling(5);
    expect(sender.attempts).toHaveLength(1);
    sender.mode = 'up';
    await clock.advanceSettling(50 + 100);
    expect(sender.acceptedEvents).toEqual([event]);
  });

  describe('the bound on events held', () => {
    it('closed: refuses interceptions whose two events would not fit, until the backlog drains', async () => {
      const { clock, sender, producer, observed } = setUp({ maxPendingEvents: 4 });
      sender.mode = 'down';
      const first = producer.admit();
      const second = producer.admit();
      expect([first, second]).toEqual(['recorded', 'recorded']);
      expect(producer.admit()).toBe('refused');
      expect(observed.refused).toBe(1);

      for (const admission of [first, second]) {
        const started = buildStartedEvent();
        producer.add(started, admission as 'recorded');
        producer.add(buildEndedEvent(started), admission as 'recorded');
      }
      expect(producer.pendingEvents).toBe(4);
      expect(producer.admit()).toBe('refused');

      sender.mode = 'up';
      await clock.advanceSettling(200);
      expect(sender.acceptedEvents).toHaveLength(4);
      expect(producer.pendingEvents).toBe(0);
      expect(producer.admit()).toBe('recorded');
    });

    it('open: serves the interception, and counts and logs each of its events as dropped', async () => {
      const { clock, sender, producer, observed, logged } = setUp({ maxPendingEvents: 2, failurePolicy: 'open' });
      expect(producer.admit()).toBe('recorded');
      const admission = producer.admit();
      expect(admission).toBe('dropped');
      const started = buildStartedEvent();
      producer.add(started, 'dropped');
      producer.add(buildEndedEvent(started), 'dropped');
      await clock.advanceSettling(10);

      expect(sender.attempts).toHaveLength(0);
      expect(observed.dropped).toEqual([started.interceptionId, started.interceptionId]);
      expect(logged.filter((line) => line.message.includes('dropped')).map((line) => line.payload)).toEqual([
        { interceptionId: started.interceptionId, event: 'interception.started', maxPendingEvents: 2 },
        { interceptionId: started.interceptionId, event: 'interception.ended', maxPendingEvents: 2 },
      ]);
    });
  });

  describe('waiting for acceptance (startedAck: queued)', () => {
    it('sends at once without the batch delay, and resolves when the batch holding the event is accepted', async () => {
      const { sender, producer } = setUp({ maxDelayMs: 1_000 });
      sender.mode = 'held';
      const earlier = start(producer);
      const event = buildStartedEvent();
      let accepted = false;
      void producer.addAndWaitAccepted(event, producer.admit() as 'recorded').then(() => (accepted = true));
      expect(sender.attempts.map((batch) => batch.events)).toEqual([[earlier, event]]);
      await settle();
      expect(accepted).toBe(false);
      sender.releaseAll();
      await settle();
      expect(accepted).toBe(true);
    });

    it('rejects when that send fails; while the transport fails, the next waiter probes at once; events are delivered later', async () => {
      const { clock, sender, producer } = setUp();
      sender.mode = 'down';
      const first = buildStartedEvent();
      await expect(producer.addAndWaitAccepted(first, producer.admit() as 'recorded')).rejects.toBeInstanceOf(RecordingUnavailableError);
      expect(sender.attempts).toHaveLength(1);

      const second = buildStartedEvent();
      await expect(producer.addAndWaitAccepted(second, producer.admit() as 'recorded')).rejects.toThrow('recording unavailable: connection refused');
      expect(sender.attempts).toHaveLength(2); // not after the 100 ms backoff: at once

      sender.mode = 'up';
      const third = buildStartedEvent();
      await producer.addAndWaitAccepted(third, producer.admit() as 'recorded');
      expect(sender.acceptedEvents).toEqual([first, second, third]);
      await clock.advanceSettling(1_000);
      expect(sender.attempts).toHaveLength(3);
    });
  });

  describe('drain at shutdown', () => {
    it('sends what it holds without waiting for the batch delay', async () => {
      const { sender, producer } = setUp({ maxDelayMs: 60_000 });
      const event = start(producer);
      await producer.close(1_000);
      expect(sender.acceptedEvents).toEqual([event]);
      expect(sender.closed).toBe(true);
    });

    it('retries within its budget, then logs every event it could not deliver with its interception id', async () => {
      const { clock, sender, producer, logged } = setUp();
      sender.mode = 'down';
      const events = [start(producer), start(producer)];
      await settle();
      const drained = producer.drain(1_000);
      let done = false;
      void drained.then(() => (done = true));
      await clock.advanceSettling(999);
      expect(done).toBe(false);
      expect(sender.attempts.length).toBeGreaterThan(3);
      await clock.advanceSettling(1);
      expect(done).toBe(true);
      expect(logged.filter((line) => line.level === 'error').map((line) => line.payload.interceptionId)).toEqual(events.map((event) => event.interceptionId));
      expect(producer.admit()).toBe('refused');
    });
  });
});
