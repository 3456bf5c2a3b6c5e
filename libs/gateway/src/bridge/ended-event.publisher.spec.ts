import { Writable } from 'node:stream';
import { MemoryKeyStateStore } from '@tollgate/keypool';
import { createLogger } from '@tollgate/platform';
import { InvalidInterceptionEventError, type InterceptionEnded, type InterceptionEvent, type InterceptionEventSink } from '@tollgate/recording';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { EndedEventPublisher, type Timers } from './ended-event.publisher';

const TIMEOUT_MS = 5_000;
const PROMPT = 'a prompt that must never reach a log line';

/** Timers that fire only when `advance` moves the time past them. */
class ManualTimers implements Timers {
  now = 0;
  /** Every delay asked for, in order. */
  readonly requested: number[] = [];
  private readonly due = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.requested.push(ms);
    this.due.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }

  get scheduled(): number {
    return this.due.size;
  }

  /** Moves time forward, firing due timers in order and letting the promises they settle run after each. */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      await settle();
      const [id, next] = [...this.due].sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
      if (id === undefined || next.at > until) break;
      this.due.delete(id);
      this.now = next.at;
      next.callback();
    }
    this.now = until;
    await settle();
  }
}

/** Runs every promise continuation that is ready (no time passes). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A sink that is down (rejects at once), hangs (never answers) or is up, as the test says. */
class ScriptedSink implements InterceptionEventSink {
  state: 'down' | 'hanging' | 'up' = 'up';
  readonly accepted: InterceptionEvent[] = [];
  tries = 0;

  async publish(event: InterceptionEvent): Promise<void> {
    this.tries++;
    if (this.state === 'down') throw new Error('Connection is closed.');
    if (this.state === 'hanging') return new Promise<void>(() => undefined);
    this.accepted.push(event);
  }

  async close(): Promise<void> {}
}

function endedEvent(interceptionId: string): InterceptionEnded {
  return {
    name: 'interception.ended',
    schemaVersion: 1,
    interceptionId,
    occurredAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:00.000Z',
    credentialHint: 'k0...ey',
    tokenUsages: [],
    toolUsages: [],
    prompt: { providerResponseId: 'resp-1', text: PROMPT },
  };
}

describe('EndedEventPublisher', () => {
  let timers: ManualTimers;
  let sink: ScriptedSink;
  let metrics: GatewayMetrics;
  let lines: Record<string, unknown>[];
  let publisher: EndedEventPublisher;

  beforeEach(() => {
    timers = new ManualTimers();
    sink = new ScriptedSink();
    metrics = new GatewayMetrics(
      () => [],
      () => {
        throw new Error('not scraped here');
      },
      () => new MemoryKeyStateStore(),
    );
    lines = [];
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    });
    publisher = new EndedEventPublisher(sink, { timeoutMs: TIMEOUT_MS, timers }, metrics, logger);
    metrics.watchPendingEndedEvents(() => publisher.pendingCount);
  });

  const pendingGauge = async () => (await metrics.registry.getSingleMetric('tollgate_recording_pending_ended_events')?.get())?.values[0]?.value;

  const counter = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values.find((value) => value.labels.event === 'interception.ended')?.value ?? 0;
  const failures = () => counter('tollgate_recording_publish_failures_total');
  const retryDelays = () => timers.requested.filter((ms) => ms !== TIMEOUT_MS);
  const logged = (level: string) => lines.filter((line) => line.level === level);

  it('hands the event over once, without waiting, when the sink is up', async () => {
    const delivered = publisher.publish(endedEvent('i-up'));
    expect(publisher.pendingCount).toBe(1);
    await settle();
    await expect(delivered).resolves.toBe(true);
    expect(sink.accepted.map((event) => event.interceptionId)).toEqual(['i-up']);
    expect(await counter('tollgate_recording_events_enqueued_total')).toBe(1);
    expect(await failures()).toBe(0);
    expect(timers.scheduled).toBe(0);
    expect(publisher.pendingCount).toBe(0);
  });

  it('keeps retrying through a long outage with backoff doubling from 200 ms to a 30 s cap, then delivers', async () => {
    sink.state = 'down';
    let delivered: boolean | undefined;
    void publisher.publish(endedEvent('i-outage')).then((value) => (delivered = value));

    await timers.advance(10 * 60_000); // ten minutes of Redis outage: far past any fixed number of tries
    expect(delivered).toBeUndefined();
    expect(publisher.pendingCount).toBe(1);
    expect(await pendingGauge()).toBe(1);
    const delays = retryDelays();
    expect(delays.slice(0, 10)).toEqual([200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000]);
    expect(Math.max(...delays)).toBe(30_000);
    expect(await failures()).toBe(sink.tries);
    expect(sink.tries).toBeGreaterThan(20);

    sink.state = 'up';
    await timers.advance(30_000);
    expect(delivered).toBe(true);
    expect(sink.accepted).toHaveLength(1);
    expect(timers.scheduled).toBe(0);
    expect(await pendingGauge()).toBe(0);

    const warnings = logged('warn');
    expect(warnings).toHaveLength(sink.tries - 1);
    expect(warnings[0]).toMatchObject({ interceptionId: 'i-outage', attempt: 1, retryInMs: 200, msg: 'recording interception.ended failed; retrying' });
    expect(logged('info').at(-1)).toMatchObject({ interceptionId: 'i-outage', attempts: sink.tries });
    expect(JSON.stringify(lines)).not.toContain(PROMPT);
  });

  it('counts a try the sink does not answer within the timeout as failed, and retries it', async () => {
    sink.state = 'hanging';
    const delivered = publisher.publish(endedEvent('i-slow'));
    await timers.advance(TIMEOUT_MS - 1);
    expect(await failures()).toBe(0);
    await timers.advance(1);
    expect(await failures()).toBe(1);
    expect(logged('warn')[0]).toMatchObject({ interceptionId: 'i-slow', err: expect.objectContaining({ message: `not accepted within ${TIMEOUT_MS} ms` }) });

    sink.state = 'up';
    await timers.advance(200);
    await expect(delivered).resolves.toBe(true);
    expect(sink.tries).toBe(2);
  });

  it('does not retry an event the contract rejects', async () => {
    sink.publish = async () => {
      throw new InvalidInterceptionEventError('invalid interception.ended v1', ['endedAt: Invalid input']);
    };
    const delivered = publisher.publish(endedEvent('i-invalid'));
    await settle();
    await expect(delivered).resolves.toBe(false);
    expect(timers.scheduled).toBe(0);
    expect(logged('error')[0]).toMatchObject({ interceptionId: 'i-invalid', msg: 'interception.ended is invalid; not retrying' });
  });

  it('drain retries a waiting event at once and resolves when it is delivered', async () => {
    sink.state = 'down';
    const delivered = publisher.publish(endedEvent('i-drain'));
    await timers.advance(60_000); // deep into the backoff: the next retry is up to 30 s away
    sink.state = 'up';

    let drained = false;
    void publisher.drain(10_000).then(() => (drained = true));
    await settle();
    expect(drained).toBe(true);
    await expect(delivered).resolves.toBe(true);
    expect(timers.now).toBe(60_000);
    expect(timers.scheduled).toBe(0);
  });

  it('drain gives up after its budget, logging every interception it could not record, and retries no more', async () => {
    sink.state = 'down';
    const results = [publisher.publish(endedEvent('i-lost-1')), publisher.publish(endedEvent('i-lost-2'))];
    await timers.advance(45_000);

    let drained = false;
    void publisher.drain(10_000).then(() => (drained = true));
    await timers.advance(9_999);
    expect(drained).toBe(false);
    expect(logged('error')).toHaveLength(0);
    await timers.advance(1);
    expect(drained).toBe(true);

    await expect(Promise.all(results)).resolves.toEqual([false, false]);
    expect(logged('error').map((line) => [line.interceptionId, line.msg])).toEqual([
      ['i-lost-1', 'interception.ended not recorded before shutdown; the interception stays open'],
      ['i-lost-2', 'interception.ended not recorded before shutdown; the interception stays open'],
    ]);
    const triesAtDeadline = sink.tries;
    expect(timers.scheduled).toBe(0);
    await timers.advance(60_000);
    expect(sink.tries).toBe(triesAtDeadline);
    expect(publisher.pendingCount).toBe(0);
  });

  it('drain with nothing pending returns at once', async () => {
    await publisher.drain(10_000);
    expect(timers.requested).toEqual([]);
  });
});
