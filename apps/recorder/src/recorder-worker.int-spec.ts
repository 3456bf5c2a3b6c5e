import { createDataSource } from '@tollgate/persistence';
import type { InterceptionStarted } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, startTcpProxy } from '@tollgate/testing';
import { Registry } from 'prom-client';
import { exactlyOnce, RecorderTestHarness, testLogger, waitFor } from '../test/recorder-test.harness';
import { runFailedJobsCommand } from './failed-jobs.command';
import { listFailedJobs } from './failed-jobs';

describe('recorder worker (BullMQ on Redis → Postgres)', () => {
  const harness = new RecorderTestHarness();

  beforeAll(() => harness.setUpDatabase(), 30_000);
  afterAll(() => harness.tearDownDatabase());
  beforeEach(() => harness.setUpQueue());
  afterEach(() => harness.tearDownQueue());

  it('turns events published through BullmqEventSink into rows, and counts them', async () => {
    const registry = new Registry();
    await harness.startWorker({ registry });
    const sink = harness.sink();
    const interceptions = Array.from({ length: 40 }, (_, i) => buildStartedEvent({ initiatorId: `user-${i % 4}` }));
    await Promise.all(
      interceptions.map(async (started) => {
        await sink.publish(started);
        await sink.publish(buildEndedEvent(started));
      }),
    );

    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(40));
    await waitFor(() => harness.queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed'), (c) => c.completed === 80, '80 completed jobs');

    const metrics = await registry.getMetricsAsJSON();
    const values = (name: string) => metrics.find((metric) => metric.name === name)?.values ?? [];
    const byEvent = (name: string) => Object.fromEntries(values(name).map((value) => [value.labels.event, value.value]));
    expect(byEvent('tollgate_recording_events_processed_total')).toEqual({ 'interception.started': 40, 'interception.ended': 40 });
    const lagCount = values('tollgate_recording_lag_seconds').find(
      (value) => (value as { metricName?: string }).metricName === 'tollgate_recording_lag_seconds_count',
    );
    expect(lagCount?.value).toBe(80);
    expect(values('tollgate_recording_queue_depth')).toEqual([expect.objectContaining({ value: 0 })]);
  });

  it('reports the queue depth (waiting + delayed) at scrape time', async () => {
    await harness.queue.pause(); // the worker takes nothing: jobs stay waiting
    const sink = harness.sink();
    for (let i = 0; i < 3; i += 1) await sink.publish(buildStartedEvent());
    await harness.queue.add('interception.started', buildStartedEvent(), { delay: 60_000 });
    const registry = new Registry();
    await harness.startWorker({ registry });
    const depth = async () => (await registry.getSingleMetric('tollgate_recording_queue_depth')?.get())?.values[0]?.value;
    expect(await depth()).toBe(4);

    await harness.queue.resume();
    await waitFor(depth, (value) => value === 1, 'only the delayed job left');
  });

  it('records an ended event enqueued before its started event once the started arrives', async () => {
    await harness.startWorker();
    const sink = harness.sink({ backoffMs: 20 });
    const started = buildStartedEvent({ credentialKind: 'centralized' });
    const ended = buildEndedEvent(started, { credentialHint: 'sk-…late' });

    await sink.publish(ended);
    // The ended job fails (no parent) and waits for a retry.
    await waitFor(async () => (await harness.queue.getJob(`${started.interceptionId}_interception.ended`))?.attemptsMade ?? 0, (made) => made >= 1, 'a failed attempt');
    expect(await harness.counts([started])).toEqual({ ...exactlyOnce(0) });

    await sink.publish(started);
    expect(await harness.waitUntilRecorded([started])).toEqual(exactlyOnce(1));
    const [row] = await harness.dataSource.query('SELECT credential_hint FROM interceptions WHERE id = $1', [started.interceptionId]);
    expect(row.credential_hint).toBe('sk-…late');
  });

  it('records each event exactly once when every event is delivered twice', async () => {
    const sink = harness.sink();
    const interceptions = Array.from({ length: 20 }, () => buildStartedEvent());
    const events = interceptions.flatMap((started) => [started, buildEndedEvent(started)]);
    // A retried publish is not even a second job…
    for (const event of events) await sink.publish(event);
    for (const event of events) await sink.publish(event);
    expect(await harness.queue.getJobCounts('waiting')).toEqual({ waiting: 40 });
    // …and a real second delivery (a copy under another id, as after a lost acknowledgement) lands in the same
    // batches as the original, and again after the original completed.
    for (const event of events) await harness.queue.add(event.name, event, { jobId: `copy-1-${event.interceptionId}-${event.name}` });

    await harness.startWorker();
    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(20));
    await waitFor(() => harness.queue.getJobCounts('completed'), (c) => c.completed === 80, 'all deliveries completed');
    const before = await harness.dataSource.query('SELECT * FROM interceptions WHERE id = ANY($1::uuid[]) ORDER BY id', [
      interceptions.map((event) => event.interceptionId),
    ]);

    for (const event of events) await harness.queue.add(event.name, { ...event }, { jobId: `copy-2-${event.interceptionId}-${event.name}` });
    await waitFor(() => harness.queue.getJobCounts('completed'), (c) => c.completed === 120, 'late copies completed');
    expect(await harness.counts(interceptions)).toEqual(exactlyOnce(20));
    const after = await harness.dataSource.query('SELECT * FROM interceptions WHERE id = ANY($1::uuid[]) ORDER BY id', [
      interceptions.map((event) => event.interceptionId),
    ]);
    expect(after).toEqual(before);
  });

  it('moves an invalid payload to the failed set without retries, where the CLI lists it and can retry it', async () => {
    await harness.startWorker();
    await harness.queue.add('interception.started', { name: 'interception.started', schemaVersion: 1, interceptionId: 'nope' }, { jobId: 'bad-payload-1', attempts: 5 });
    await harness.queue.add('interception.bogus', { name: 'interception.bogus', schemaVersion: 1 }, { jobId: 'bad-payload-2', attempts: 5 });
    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 2, 'two failed jobs');

    const { total, jobs } = await listFailedJobs(harness.queue);
    expect(total).toBe(2);
    const bad = jobs.find((job) => job.id === 'bad-payload-1');
    expect(bad).toMatchObject({ name: 'interception.started', interceptionId: 'nope', attemptsMade: 1 });
    expect(bad?.failedReason).toMatch(/invalid interception.started v1: interceptionId/);
    expect(jobs.find((job) => job.id === 'bad-payload-2')?.failedReason).toMatch(/unknown interception event name "interception.bogus"/);

    const out: string[] = [];
    const err: string[] = [];
    const output = { write: (text: string) => out.push(text) };
    const errors = { write: (text: string) => err.push(text) };
    expect(await runFailedJobsCommand(harness.queue, ['list'], output, errors)).toBe(0);
    expect(out.join('')).toMatch(/^2 failed job\(s\)\n/);
    expect(out.join('')).toMatch(/bad-payload-1\tinterception.started\tattempts=1\t\S+\tinvalid interception.started v1/);

    out.length = 0;
    expect(await runFailedJobsCommand(harness.queue, ['retry', 'bad-payload-1'], output, errors)).toBe(0);
    expect(out.join('')).toBe('retried bad-payload-1\n');
    // Still invalid: it fails again, once.
    await waitFor(async () => (await harness.queue.getJob('bad-payload-1'))?.finishedOn ?? 0, (finishedOn) => finishedOn > 0, 'the retried job to fail again');
    expect(await harness.queue.getFailedCount()).toBe(2);

    expect(await runFailedJobsCommand(harness.queue, ['retry', 'no-such-job'], output, errors)).toBe(1);
    expect(err.join('')).toContain('no job with id no-such-job');
    expect(await runFailedJobsCommand(harness.queue, ['retry', '--all'], output, errors)).toBe(0);
    expect(out.at(-1)).toBe('retried 2 job(s)\n');
    expect(await runFailedJobsCommand(harness.queue, ['frobnicate'], output, errors)).toBe(2);
  });

  it('moves jobs that run out of attempts (database unreachable) to the failed set; the CLI retries them once it is back', async () => {
    const server = new URL(harness.database.url);
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    harness.onTearDown(() => proxy.close());
    const dataSource = await createDataSource({
      databaseUrl: proxy.rewrite(harness.database.url),
      dataDir: '/nonexistent',
      logger: testLogger,
      poolSize: 2,
      connectTimeoutMs: 500,
      queryTimeoutMs: 2_000,
    });
    harness.onTearDown(() => dataSource.destroy());
    proxy.cut();
    await harness.startWorker({ dataSource });
    const sink = harness.sink({ attempts: 3, backoffMs: 20 });
    const started = buildStartedEvent();
    await sink.publish(started);
    await sink.publish(buildEndedEvent(started));

    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 2, 'both jobs in the failed set');
    const { jobs } = await listFailedJobs(harness.queue);
    expect(jobs.map((job) => [job.id, job.interceptionId, job.attemptsMade]).sort()).toEqual([
      [`${started.interceptionId}_interception.ended`, started.interceptionId, 3],
      [`${started.interceptionId}_interception.started`, started.interceptionId, 3],
    ]);
    expect(await harness.counts([started])).toEqual(exactlyOnce(0));

    proxy.resume();
    const out: string[] = [];
    const output = { write: (text: string) => out.push(text) };
    expect(await runFailedJobsCommand(harness.queue, ['retry', '--all'], output, output)).toBe(0);
    expect(out).toEqual(['retried 2 job(s)\n']);

    expect(await harness.waitUntilRecorded([started])).toEqual(exactlyOnce(1));
    await waitFor(() => harness.queue.getJobCounts('completed', 'failed'), (c) => c.completed === 2 && c.failed === 0, 'both jobs completed');
  });

  it('finishes the jobs in hand when closed, without waiting for the batch timer', async () => {
    const worker = await harness.startWorker({ batchSize: 50, batchMaxWaitMs: 60_000 });
    const sink = harness.sink();
    const interceptions: InterceptionStarted[] = Array.from({ length: 3 }, () => buildStartedEvent());
    for (const started of interceptions) await sink.publish(started);
    await waitFor(() => harness.queue.getActiveCount(), (active) => active === 3, 'three jobs in hand');
    expect((await harness.counts(interceptions)).interceptions).toBe(0);

    const closingStartedAt = Date.now();
    await worker.close();
    expect(Date.now() - closingStartedAt).toBeLessThan(5_000);
    expect((await harness.counts(interceptions)).interceptions).toBe(3);
    expect(await harness.queue.getJobCounts('completed', 'active', 'waiting', 'failed', 'delayed')).toEqual({
      completed: 3,
      active: 0,
      waiting: 0,
      failed: 0,
      delayed: 0,
    });
  });
});
