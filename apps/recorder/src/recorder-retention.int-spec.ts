import type { InterceptionEvent, InterceptionStarted } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, FakeClock, waitFor } from '@tollgate/testing';
import { Registry } from 'prom-client';
import { RecorderTestHarness, testLogger, testRecorderConfig } from '../test/recorder-test.harness';
import { startRecorder } from './recorder.microservice';

describe('recorder retention (recording.retention)', () => {
  const harness = new RecorderTestHarness();

  beforeAll(() => harness.setUpDatabase(), 30_000);
  afterAll(() => harness.tearDownDatabase());
  beforeEach(() => harness.setUpQueue());
  afterEach(() => harness.tearDownQueue());

  const interceptionsOf = (count: number): InterceptionStarted[] => Array.from({ length: count }, () => buildStartedEvent());
  const eventsOf = (interceptions: InterceptionStarted[]): InterceptionEvent[] => interceptions.flatMap((started) => [started, buildEndedEvent(started)]);
  const backdate = (interceptions: InterceptionStarted[], days: number) =>
    harness.dataSource.query(`UPDATE interceptions SET started_at = now() - make_interval(days => $2) WHERE id = ANY($1::uuid[])`, [
      interceptions.map((started) => started.interceptionId),
      days,
    ]);

  it('deletes the interceptions past the retention with their rows, keeps the rest, and counts the deleted rows', async () => {
    const registry = new Registry();
    const plain = await harness.startWorker({ registry: new Registry() });
    const old = interceptionsOf(3);
    const recent = interceptionsOf(2);
    await harness.producer().addBatch(eventsOf([...old, ...recent]));
    await harness.waitUntilRecorded([...old, ...recent]);
    await plain.close();
    await backdate(old, 31);

    const config = testRecorderConfig(harness.redis.prefix);
    const recorder = await startRecorder({
      config: { ...config, recording: { ...config.recording, retentionMs: 30 * 86_400_000, retentionIntervalMs: 60_000 } },
      logger: testLogger,
      dataSource: harness.dataSource,
      registry,
      parentRetry: { delaysMs: [] },
    });
    harness.onTearDown(() => recorder.close());

    await waitFor(() => harness.counts(old), (counts) => counts.interceptions === 0, 'the old interceptions deleted');
    expect(await harness.counts(old)).toMatchObject({ interceptions: 0, tokenUsages: 0, prompts: 0, toolUsages: 0 });
    expect(await harness.counts(recent)).toMatchObject({ interceptions: 2, tokenUsages: 2, prompts: 2, toolUsages: 2 });
    const deleted = (await registry.getSingleMetric('tollgate_recording_retention_deleted_rows_total')?.get())?.values ?? [];
    expect(Object.fromEntries(deleted.map((value) => [value.labels.table, value.value]))).toEqual({
      interceptions: 3,
      token_usages: 3,
      user_prompts: 3,
      tool_usages: 3,
    });
  });

  it('deletes nothing without a retention', async () => {
    await harness.startWorker();
    const old = interceptionsOf(2);
    await harness.producer().addBatch(eventsOf(old));
    await harness.waitUntilRecorded(old);
    await backdate(old, 3_650);
    const clock = new FakeClock(Date.now());
    const restarted = await harness.startWorker({ clock });
    clock.advance(0); // a sweep due at start would begin now, and closing would wait for it
    await restarted.close();
    expect(await harness.counts(old)).toMatchObject({ interceptions: 2, tokenUsages: 2 });
  });
});
