import { ParentMissingError, type SettledOutcome } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import type { InterceptionEvent } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { UnrecoverableError, type Job } from 'bullmq';
import { Registry } from 'prom-client';
import { RecorderMetrics } from './recorder.metrics';
import { createRecordingProcessor } from './recording.processor';

describe('createRecordingProcessor', () => {
  const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
  let registry: Registry;
  let metrics: RecorderMetrics;
  let submitted: InterceptionEvent[];
  let nextOutcome: () => Promise<SettledOutcome>;
  const now = Date.parse('2026-01-01T00:00:10.000Z');

  const job = (name: string, data: unknown, attemptsMade = 0) => ({ id: 'job-1', name, data, attemptsMade }) as unknown as Job;
  const counter = async (name: string) =>
    Object.fromEntries(((await registry.getSingleMetric(name)?.get())?.values ?? []).map((value) => [value.labels.event, value.value]));
  const lagObservations = async () => {
    const values = (await registry.getSingleMetric('tollgate_recording_lag_seconds')?.get())?.values ?? [];
    const pick = (suffix: string) => values.find((value) => (value as { metricName?: string }).metricName === `tollgate_recording_lag_seconds_${suffix}`)?.value;
    return { count: pick('count'), sum: pick('sum') };
  };

  beforeEach(() => {
    registry = new Registry();
    metrics = new RecorderMetrics(registry, async () => 0);
    submitted = [];
    nextOutcome = async () => 'recorded';
  });

  const processor = () =>
    createRecordingProcessor({
      submit: (event) => {
        submitted.push(event);
        return nextOutcome();
      },
      metrics,
      logger,
      now: () => now,
    });

  it('submits the validated event, counts it and observes its lag', async () => {
    const started = buildStartedEvent({ occurredAt: '2026-01-01T00:00:08.500Z' });
    await expect(processor()(job(started.name, JSON.parse(JSON.stringify(started))))).resolves.toBe('recorded');
    expect(submitted).toEqual([started]);
    expect(await counter('tollgate_recording_events_processed_total')).toEqual({ 'interception.started': 1 });
    expect(await lagObservations()).toEqual({ count: 1, sum: 1.5 });
  });

  it('counts a replayed event as processed without a lag observation', async () => {
    nextOutcome = async () => 'duplicate';
    const ended = buildEndedEvent(buildStartedEvent());
    await expect(processor()(job(ended.name, ended))).resolves.toBe('duplicate');
    expect(await counter('tollgate_recording_events_processed_total')).toEqual({ 'interception.ended': 1 });
    expect((await lagObservations()).count).toBe(0);
  });

  it('rethrows a missing parent so that BullMQ retries the job, and counts the failure', async () => {
    const ended = buildEndedEvent(buildStartedEvent());
    nextOutcome = async () => {
      throw new ParentMissingError(ended.interceptionId);
    };
    await expect(processor()(job(ended.name, ended))).rejects.toBeInstanceOf(ParentMissingError);
    expect(await counter('tollgate_recording_events_failed_total')).toEqual({ 'interception.ended': 1 });
    expect(await counter('tollgate_recording_events_processed_total')).toEqual({});
  });

  it('rethrows a database error', async () => {
    nextOutcome = async () => {
      throw new Error('connection terminated unexpectedly');
    };
    const started = buildStartedEvent();
    await expect(processor()(job(started.name, started, 2))).rejects.toThrow('connection terminated unexpectedly');
  });

  it('fails an invalid payload as unrecoverable (no retries) without submitting it', async () => {
    await expect(processor()(job('interception.started', { name: 'interception.started', schemaVersion: 1 }))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    await expect(processor()(job('something.else', { name: 'something.else' }))).rejects.toThrow(/unknown interception event name/);
    expect(submitted).toEqual([]);
    expect(await counter('tollgate_recording_events_failed_total')).toEqual({ 'interception.started': 1, invalid: 1 });
  });
});
