import { EventRejectedError, ParentMissingError } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import { interceptionEventId, type InterceptionEvent } from '@tollgate/recording';
import { buildEndedEvent, buildEventBatch, buildStartedEvent } from '@tollgate/testing';
import { UnrecoverableError } from 'bullmq';
import { Registry } from 'prom-client';
import type { EventResult } from './event-group.committer';
import { EventsNotRecordedError, InterceptionJobRecorder, type RecordingJobHandle } from './interception-job.recorder';
import { RecorderMetrics } from './recorder.metrics';

describe('InterceptionJobRecorder', () => {
  const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const now = Date.parse('2026-01-01T00:00:10.000Z');
  let registry: Registry;
  let metrics: RecorderMetrics;
  /** What each commit was given, and the database: interception ids with a started row. */
  let commits: InterceptionEvent[][];
  let startedRows: Set<string>;
  let failWith: Error | undefined;
  let sleeps: number[];

  beforeEach(() => {
    registry = new Registry();
    metrics = new RecorderMetrics(registry, async () => new Map());
    commits = [];
    startedRows = new Set();
    failWith = undefined;
    sleeps = [];
  });

  /** A committer over an in-memory database: started events add a row; ended events need it. */
  const commit = async (events: readonly InterceptionEvent[]): Promise<EventResult[]> => {
    commits.push([...events]);
    if (failWith) throw failWith;
    return events.map((event): EventResult => {
      if (event.name === 'interception.started') {
        if (event.model === 'poison') return { ok: false, error: new Error('index row size exceeds btree maximum') };
        if (event.model === 'refused') return { ok: false, error: new EventRejectedError('54000', new Error('index row size exceeds btree maximum')) };
        const fresh = !startedRows.has(event.interceptionId);
        startedRows.add(event.interceptionId);
        return { ok: true, value: fresh ? 'recorded' : 'duplicate' };
      }
      if (event.credentialHint === 'refused') return { ok: false, error: new EventRejectedError('22001', new Error('value too long')) };
      return startedRows.has(event.interceptionId) ? { ok: true, value: 'recorded' } : { ok: false, error: new ParentMissingError(event.interceptionId) };
    });
  };

  const recorder = (options: { delaysMs?: number[]; onSleep?: (ms: number) => void } = {}) =>
    new InterceptionJobRecorder({
      commit,
      metrics,
      logger,
      parentRetryDelaysMs: options.delaysMs ?? [],
      // Retry waits end at once; the delays they asked for are kept.
      clock: {
        now: () => now,
        setTimeout: (callback, ms) => {
          sleeps.push(ms);
          options.onSleep?.(ms);
          callback();
        },
        clearTimeout: () => undefined,
      },
    });

  const job = (name: string, data: unknown, attemptsMade = 0) => {
    const handle = {
      id: 'job-1',
      name,
      data: JSON.parse(JSON.stringify(data)) as unknown,
      attemptsMade,
      updateData: jest.fn(async (next: unknown) => {
        handle.data = next;
      }),
    };
    return handle as typeof handle & RecordingJobHandle;
  };
  const failureOf = (promise: Promise<void>): Promise<Error> =>
    promise.then(
      () => {
        throw new Error('expected the job to fail');
      },
      (error: unknown) => error as Error,
    );
  const counter = async (name: string, label = 'event') =>
    Object.fromEntries(((await registry.getSingleMetric(name)?.get())?.values ?? []).map((value) => [value.labels[label], value.value]));
  const lag = async () => {
    const values = (await registry.getSingleMetric('tollgate_recording_lag_seconds')?.get())?.values ?? [];
    const pick = (suffix: string) => values.find((value) => (value as { metricName?: string }).metricName === `tollgate_recording_lag_seconds_${suffix}`)?.value;
    return { count: pick('count'), sum: pick('sum') };
  };

  it('commits the events of a batch at once, counts them and the batch, and observes their lag', async () => {
    const started = buildStartedEvent({ occurredAt: '2026-01-01T00:00:08.500Z' });
    const ended = buildEndedEvent(started, { occurredAt: '2026-01-01T00:00:09.500Z' });
    const batchJob = job('interception.batch', buildEventBatch([started, ended]));

    await recorder().recordBatch(batchJob);

    expect(commits).toEqual([[started, ended]]);
    expect(batchJob.updateData).not.toHaveBeenCalled();
    expect(await counter('tollgate_recording_events_processed_total')).toEqual({ 'interception.started': 1, 'interception.ended': 1 });
    expect(await counter('tollgate_recording_batches_processed_total', 'job')).toEqual({ 'interception.batch': 1 });
    expect(await lag()).toEqual({ count: 2, sum: 2 });
  });

  it('counts replayed events as processed without a lag observation', async () => {
    const started = buildStartedEvent();
    startedRows.add(started.interceptionId);
    await recorder().recordBatch(job('interception.batch', buildEventBatch([started])));
    expect(await counter('tollgate_recording_events_processed_total')).toEqual({ 'interception.started': 1 });
    expect((await lag()).count).toBe(0);
  });

  it('records the event of a one-event job from before batching through the same path', async () => {
    const started = buildStartedEvent();
    await recorder().recordOneEvent(job('interception.started', started));
    expect(commits).toEqual([[started]]);
    expect(await counter('tollgate_recording_batches_processed_total', 'job')).toEqual({ 'interception.started': 1 });
  });

  it('retries an ended event whose parent is missing after each wait, and completes once the parent is there', async () => {
    const started = buildStartedEvent();
    const other = buildStartedEvent();
    const ended = buildEndedEvent(started);
    const batchJob = job('interception.batch', buildEventBatch([other, ended]));

    await recorder({
      delaysMs: [100, 300, 600],
      onSleep: (ms) => {
        if (ms === 300) startedRows.add(started.interceptionId); // the started job commits during the second wait
      },
    }).recordBatch(batchJob);

    expect(sleeps).toEqual([100, 300]);
    expect(commits).toEqual([[other, ended], [ended], [ended]]);
    expect(batchJob.updateData).not.toHaveBeenCalled();
    expect(await counter('tollgate_recording_events_processed_total')).toEqual({ 'interception.started': 1, 'interception.ended': 1 });
  });

  it('leaves the job holding only the events still missing their parent, and rethrows their error for BullMQ to retry', async () => {
    const recorded = buildStartedEvent();
    const orphan = buildEndedEvent(buildStartedEvent());
    const batchJob = job('interception.batch', { ...buildEventBatch([recorded, orphan], 'b-1'), producer: 'gateway-2' });

    const failure = recorder({ delaysMs: [100, 300, 600] }).recordBatch(batchJob);

    await expect(failure).rejects.toBeInstanceOf(ParentMissingError);
    expect(sleeps).toEqual([100, 300, 600]);
    expect(batchJob.updateData).toHaveBeenCalledWith({ batchId: 'b-1', events: [JSON.parse(JSON.stringify(orphan))], producer: 'gateway-2' });
    expect(await counter('tollgate_recording_events_failed_total')).toEqual({ 'interception.ended': 1 });
    expect(await counter('tollgate_recording_batches_processed_total', 'job')).toEqual({});
  });

  it('fails every event with the error of a transaction that failed as a whole, and leaves the job as it was', async () => {
    failWith = new Error('connection terminated unexpectedly');
    const started = buildStartedEvent();
    const batchJob = job('interception.batch', buildEventBatch([started, buildEndedEvent(started)]));
    await expect(recorder({ delaysMs: [100] }).recordBatch(batchJob)).rejects.toBe(failWith);
    expect(sleeps).toEqual([]);
    expect(batchJob.updateData).not.toHaveBeenCalled();
    expect(await counter('tollgate_recording_events_failed_total')).toEqual({ 'interception.started': 1, 'interception.ended': 1 });
  });

  it('names each unrecorded event when they failed for different reasons', async () => {
    const poison = buildStartedEvent({ model: 'poison' }); // the fake database rejects it
    const orphan = buildEndedEvent(buildStartedEvent());
    const batchJob = job('interception.batch', buildEventBatch([buildStartedEvent(), poison, orphan]));

    const error = await failureOf(recorder().recordBatch(batchJob));

    expect(error).toBeInstanceOf(EventsNotRecordedError);
    expect(error.message).toBe(
      `2 of 3 events not recorded: ${interceptionEventId(poison)}: index row size exceeds btree maximum; ` +
        `${interceptionEventId(orphan)}: interception ${orphan.interceptionId} has no started row yet; the ended event will be retried`,
    );
    expect((batchJob.data as { events: unknown[] }).events).toHaveLength(2);
  });

  it('records the valid events of a batch and fails it as unrecoverable, holding only its invalid entries', async () => {
    const started = buildStartedEvent();
    const invalid = { ...buildStartedEvent(), providerType: 'cohere' };
    const batchJob = job('interception.batch', buildEventBatch([started, invalid as never, 'junk' as never], 'b-2'));

    const error = await failureOf(recorder().recordBatch(batchJob));

    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error.message).toMatch(
      new RegExp(`^2 invalid entries, never retried: ${interceptionEventId(invalid)}: invalid interception.started v1: providerType.*; entry 2: interception event must be an object$`),
    );
    expect(commits).toEqual([[started]]);
    expect(batchJob.data).toEqual({ batchId: 'b-2', events: [invalid, 'junk'] });
    expect(await counter('tollgate_recording_events_failed_total')).toEqual({ invalid: 2 });
    expect(await counter('tollgate_recording_events_processed_total')).toEqual({ 'interception.started': 1 });
  });

  it('keeps invalid entries with unrecorded events, retryable, until only the invalid ones are left', async () => {
    const orphan = buildEndedEvent(buildStartedEvent());
    const invalid = { ...buildStartedEvent(), schemaVersion: 7 };
    const batchJob = job('interception.batch', buildEventBatch([invalid as never, orphan]));

    const error = await failureOf(recorder().recordBatch(batchJob));

    expect(error).toBeInstanceOf(EventsNotRecordedError);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect(error.message).toMatch(/^1 of 1 events not recorded \(and 1 invalid entry, never retried\): /);
    expect(batchJob.updateData).not.toHaveBeenCalled();
  });

  it('fails a payload that is no batch, or an invalid one-event job, as unrecoverable without committing anything', async () => {
    await expect(recorder().recordBatch(job('interception.batch', { events: 'nope' }))).rejects.toThrow(
      new UnrecoverableError('an interception.batch job needs a string batchId and an events array'),
    );
    await expect(recorder().recordOneEvent(job('interception.started', { name: 'interception.started', schemaVersion: 1 }))).rejects.toThrow(
      /^job-1: invalid interception.started v1: /,
    );
    expect(commits).toEqual([]);
    expect(await counter('tollgate_recording_events_failed_total')).toEqual({ invalid: 2 });
  });

  describe('events that can never be recorded', () => {
    it('an event the database refuses fails alone and is never retried; its interception is closed with the reason', async () => {
      const good = buildStartedEvent();
      const started = buildStartedEvent();
      const refused = buildEndedEvent(started, { credentialHint: 'refused' });
      const batchJob = job('interception.batch', buildEventBatch([good, started, refused], 'b-r'));

      const error = await failureOf(recorder().recordBatch(batchJob));

      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(error.message).toBe(
        `1 event refused by the database, never retried: ${interceptionEventId(refused)}: the database refused the event's data (SQLSTATE 22001): value too long`,
      );
      expect(batchJob.data).toEqual({ batchId: 'b-r', events: [refused] });
      expect(commits[1]).toEqual([
        expect.objectContaining({
          name: 'interception.ended',
          interceptionId: started.interceptionId,
          error: { type: 'rejected_event', message: "the database refused the event's data (SQLSTATE 22001): value too long" },
          tokenUsages: [],
          toolUsages: [],
        }),
      ]);
      expect(await counter('tollgate_recording_events_failed_total')).toEqual({ 'interception.ended': 1 });
    });

    it('a refused started event is never retried either (nothing to close)', async () => {
      const refused = buildStartedEvent({ model: 'refused' });
      const error = await failureOf(recorder().recordBatch(job('interception.batch', buildEventBatch([refused]))));
      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(error.message).toMatch(/^1 event refused by the database, never retried: .*SQLSTATE 54000/);
      expect(commits).toHaveLength(1);
    });

    it('an invalid ended event in a batch closes its interception with the validation problem', async () => {
      const started = buildStartedEvent();
      const ended = buildEndedEvent(started);
      const invalid = { ...ended, tokenUsages: [{ ...ended.tokenUsages[0], outputTokens: 'lots' }] };

      const error = await failureOf(recorder().recordBatch(job('interception.batch', buildEventBatch([started, invalid as never]))));

      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(commits).toEqual([
        [
          started,
          expect.objectContaining({
            interceptionId: started.interceptionId,
            endedAt: new Date(now).toISOString(),
            error: { type: 'invalid_event', message: expect.stringMatching(/^invalid interception.ended v1: tokenUsages\[0\]\.outputTokens/) },
          }),
        ],
      ]);
    });

    it('an invalid ended event of a one-event job closes its interception too', async () => {
      const started = buildStartedEvent();
      startedRows.add(started.interceptionId);
      const invalid = { ...buildEndedEvent(started), endedAt: 'yesterday' };

      const error = await failureOf(recorder().recordOneEvent(job('interception.ended', invalid)));

      expect(error).toBeInstanceOf(UnrecoverableError);
      expect(commits).toEqual([[expect.objectContaining({ interceptionId: started.interceptionId, error: expect.objectContaining({ type: 'invalid_event' }) })]]);
    });
  });
});
