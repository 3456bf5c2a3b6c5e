import { randomBytes } from 'node:crypto';
import { createDataSource, runMigrations } from '@tollgate/persistence';
import { INTERCEPTION_BATCH_JOB, interceptionEventId, type InterceptionEvent, type InterceptionStarted } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, createTestDatabase, startTcpProxy, waitFor } from '@tollgate/testing';
import { Registry } from 'prom-client';
import { exactlyOnce, RecorderTestHarness, recordingJobOptions, testLogger } from '../test/recorder-test.harness';
import { listFailedEvents } from './failed-jobs';
import { runFailedJobsCommand } from './failed-jobs.command';

describe('recorder (a Nest microservice on BullMQ in Redis → Postgres)', () => {
  const harness = new RecorderTestHarness();

  beforeAll(() => harness.setUpDatabase(), 30_000);
  afterAll(() => harness.tearDownDatabase());
  beforeEach(() => harness.setUpQueue());
  afterEach(() => harness.tearDownQueue());

  const interceptionsOf = (count: number, overrides: Partial<InterceptionStarted> = {}) => Array.from({ length: count }, () => buildStartedEvent(overrides));
  const eventsOf = (interceptions: InterceptionStarted[]): InterceptionEvent[] => interceptions.flatMap((started) => [started, buildEndedEvent(started)]);
  const metricValues = async (registry: Registry, name: string) => (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const byLabel = async (registry: Registry, name: string, label: string) =>
    Object.fromEntries((await metricValues(registry, name)).map((value) => [value.labels[label], value.value]));
  const histogramCount = async (registry: Registry, name: string) =>
    (await metricValues(registry, name)).find((value) => (value as { metricName?: string }).metricName === `${name}_count`)?.value;
  /** Two interceptions with the same content (different ids) and their rows with the id left out, to compare. */
  const twin = (started: InterceptionStarted): InterceptionStarted => ({ ...started, interceptionId: buildStartedEvent().interceptionId });
  const endedTwin = (twinStarted: InterceptionStarted, ended: InterceptionEvent) => ({ ...ended, interceptionId: twinStarted.interceptionId }) as InterceptionEvent;
  const rowsWithoutIds = async (started: InterceptionStarted) =>
    JSON.parse(JSON.stringify(await harness.rows([started])).replaceAll(started.interceptionId, '<id>')) as unknown;

  it('records batches of events in a few transactions, and counts events, batches, transactions and lag', async () => {
    const registry = new Registry();
    await harness.startWorker({ registry, batchSize: 40 });
    const producer = harness.producer();
    const interceptions = interceptionsOf(40, { initiatorId: 'user-1' });
    const events = eventsOf(interceptions);
    for (let start = 0; start < events.length; start += 10) await producer.addBatch(events.slice(start, start + 10));

    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(40));
    await waitFor(() => harness.queue.getJobCounts('completed'), (counts) => counts.completed === 8, '8 completed batch jobs');

    expect(await byLabel(registry, 'tollgate_recording_events_processed_total', 'event')).toEqual({ 'interception.started': 40, 'interception.ended': 40 });
    expect(await byLabel(registry, 'tollgate_recording_batches_processed_total', 'job')).toEqual({ 'interception.batch': 8 });
    expect(await histogramCount(registry, 'tollgate_recording_lag_seconds')).toBe(80);
    // Group commit: the 8 jobs of 10 events share transactions of up to 40 events.
    const transactions = await histogramCount(registry, 'tollgate_recording_transaction_events');
    expect(transactions).toBeGreaterThanOrEqual(2);
    expect(transactions).toBeLessThanOrEqual(8);
    expect(await metricValues(registry, 'tollgate_recording_queue_depth')).toEqual([expect.objectContaining({ value: 0 })]);
  });

  it('writes an interception whose ended event comes within pairWait as one finished row, never updated', async () => {
    // A database of its own: its table statistics count this test's writes only.
    const database = await createTestDatabase();
    const dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger: testLogger });
    harness.onTearDown(async () => {
      await dataSource.destroy();
      await database.drop();
    });
    await runMigrations(dataSource);
    await harness.startWorker({ dataSource, pairWaitMs: 10_000, batchMaxWaitMs: 10 });
    const producer = harness.producer();
    const [short] = interceptionsOf(1);
    await producer.addBatch([short]);
    await producer.addBatch([buildEndedEvent(short)]);

    const written = async () =>
      Object.fromEntries(
        ((await dataSource.query("SELECT relname, n_tup_ins::int AS inserted, n_tup_upd::int AS updated FROM pg_stat_user_tables WHERE relname IN ('interceptions', 'token_usages')")) as {
          relname: string;
          inserted: number;
          updated: number;
        }[]).map(({ relname, inserted, updated }) => [relname, { inserted, updated }]),
      );
    // Statistics arrive when the writing backend reports them; the token row is written in the transaction that ends
    // the interception (merged or not), so once it shows, every write of that transaction does.
    const counts = await waitFor(written, (tables) => tables.token_usages?.inserted === 1, 'the token row in the table statistics');
    expect(counts.interceptions).toEqual({ inserted: 1, updated: 0 });
  });

  it('reports the queue depth (waiting + delayed jobs) at scrape time', async () => {
    await harness.queue.pause(); // the worker takes nothing: jobs stay waiting
    const producer = harness.producer();
    for (let i = 0; i < 3; i += 1) await producer.addBatch(interceptionsOf(2));
    await harness.queue.add('interception.batch', { batchId: 'later', events: [] }, { delay: 60_000 });
    const registry = new Registry();
    await harness.startWorker({ registry });
    const depth = async () => (await registry.getSingleMetric('tollgate_recording_queue_depth')?.get())?.values[0]?.value;
    expect(await depth()).toBe(4);

    await harness.queue.resume();
    await waitFor(depth, (value) => value === 1, 'only the delayed job left');
  });

  it('gives the same rows when an ended event comes before its started event in one batch', async () => {
    await harness.startWorker();
    const inOrder = buildStartedEvent({ credentialKind: 'centralized' });
    const inOrderEnded = buildEndedEvent(inOrder, { credentialHint: 'sk-…late' });
    const reversed = twin(inOrder);
    const producer = harness.producer();
    await producer.addBatch([inOrder, inOrderEnded]);
    await producer.addBatch([endedTwin(reversed, inOrderEnded), reversed]);

    expect(await harness.waitUntilRecorded([inOrder, reversed])).toEqual(exactlyOnce(2));
    expect(await rowsWithoutIds(reversed)).toEqual(await rowsWithoutIds(inOrder));
    expect(await harness.queue.getJobCounts('completed', 'failed', 'delayed')).toEqual({ completed: 2, failed: 0, delayed: 0 });
  });

  it('records an ended job processed before its started job: retried in process until the started job commits', async () => {
    const waits: number[] = [];
    let releaseWait: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (releaseWait = resolve));
    let waitStarted: () => void = () => undefined;
    const inWait = new Promise<void>((resolve) => (waitStarted = resolve));
    await harness.startWorker({
      parentRetry: { delaysMs: [100, 300, 600] },
      // A retry wait ends when the test releases it.
      clock: {
        now: () => Date.now(),
        setTimeout: (callback, ms) => {
          waits.push(ms);
          waitStarted();
          void waiting.then(callback);
        },
        clearTimeout: () => undefined,
      },
    });
    const inOrder = buildStartedEvent();
    const inOrderEnded = buildEndedEvent(inOrder, { credentialHint: 'sk-…late' });
    const started = twin(inOrder);
    const producer = harness.producer();
    await producer.addBatch([inOrder, inOrderEnded]);

    const endedJob = await producer.addBatch([endedTwin(started, inOrderEnded)]);
    await inWait; // the ended event found no parent and waits for its first in-process retry
    await producer.addBatch([started]);
    await waitFor(() => harness.counts([started]), (counts) => counts.interceptions === 1, 'the started row');
    releaseWait();

    expect(await harness.waitUntilRecorded([started])).toEqual(exactlyOnce(1));
    expect(waits).toEqual([100]);
    expect(await rowsWithoutIds(started)).toEqual(await rowsWithoutIds(inOrder));
    await waitFor(() => harness.queue.getJobCounts('completed'), (counts) => counts.completed === 3, 'three completed jobs');
    expect((await harness.queue.getJob(endedJob.id!))?.attemptsMade).toBe(1); // one attempt, no BullMQ retry
  });

  it('records an ended job whose started job comes later than its in-process retries, after a BullMQ retry', async () => {
    await harness.startWorker({ parentRetry: { delaysMs: [] } });
    const inOrder = buildStartedEvent();
    const inOrderEnded = buildEndedEvent(inOrder);
    const started = twin(inOrder);
    const producer = harness.producer({ backoffMs: 20 });
    await producer.addBatch([inOrder, inOrderEnded]);

    const endedJob = await producer.addBatch([endedTwin(started, inOrderEnded)]);
    await waitFor(async () => (await harness.queue.getJob(endedJob.id!))?.attemptsMade ?? 0, (made) => made >= 1, 'a failed attempt');
    expect((await harness.queue.getJob(endedJob.id!))?.failedReason).toMatch(/has no started row yet/);
    expect(await harness.counts([started])).toEqual(exactlyOnce(0));

    await producer.addBatch([started]);
    expect(await harness.waitUntilRecorded([started])).toEqual(exactlyOnce(1));
    expect(await rowsWithoutIds(started)).toEqual(await rowsWithoutIds(inOrder));
  });

  it('records nothing twice when a batch is replayed under another job id, or its job is retried', async () => {
    const interceptions = interceptionsOf(10);
    const events = eventsOf(interceptions);
    const producer = harness.producer();
    const original = await producer.addBatch(events);
    // The same batch again under another job id, and its events again in another batch (a producer that lost an
    // acknowledgement), land in the same transactions as the original…
    await harness.queue.add(INTERCEPTION_BATCH_JOB, original.data, { ...recordingJobOptions(), jobId: 'replayed-batch' });
    await producer.addBatch([...events].reverse());
    await harness.startWorker();
    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(10));
    await waitFor(() => harness.queue.getJobCounts('completed'), (counts) => counts.completed === 3, 'all deliveries completed');
    const before = await harness.rows(interceptions);

    // …or later, and the original job runs again.
    await producer.addBatch(events.slice(0, 7));
    await (await harness.queue.getJob(original.id!))!.retry('completed');
    await waitFor(() => harness.queue.getJobCounts('completed'), (counts) => counts.completed === 4, 'the replays completed');
    await waitFor(async () => (await harness.queue.getJob(original.id!))?.getState(), (state) => state === 'completed', 'the retried job completed');
    expect(await harness.counts(interceptions)).toEqual(exactlyOnce(10));
    expect(await harness.rows(interceptions)).toEqual(before);
  });

  it('records the one-event jobs of gateways from before batching, alongside batches', async () => {
    const registry = new Registry();
    await harness.startWorker({ registry });
    const producer = harness.producer();
    const legacy = interceptionsOf(3);
    for (const started of legacy) {
      await producer.addEventJob(started);
      await producer.addEventJob(buildEndedEvent(started));
    }
    const batched = interceptionsOf(2);
    await producer.addBatch(eventsOf(batched));

    expect(await harness.waitUntilRecorded([...legacy, ...batched])).toEqual(exactlyOnce(5));
    await waitFor(() => harness.queue.getJobCounts('completed'), (counts) => counts.completed === 7, '7 completed jobs');
    expect(await harness.queue.getJob(`${legacy[0].interceptionId}_interception.ended`)).toBeDefined();
    expect(await byLabel(registry, 'tollgate_recording_batches_processed_total', 'job')).toEqual({
      'interception.batch': 1,
      'interception.started': 3,
      'interception.ended': 3,
    });
  });

  it('records the valid events of a batch with an invalid one, and leaves only the invalid one in the failed set, unretried', async () => {
    await harness.startWorker();
    const interceptions = interceptionsOf(2);
    const invalid = { ...buildStartedEvent(), providerType: 'cohere', credentialHint: 'sk-live-0123456789abcdef0123456789abcdef' };
    const entries = [...eventsOf(interceptions).slice(0, 2), invalid, ...eventsOf(interceptions).slice(2)];
    const job = await harness.producer({ attempts: 5 }).addBatch(entries);

    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(2));
    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 1, 'the job in the failed set');
    const failed = (await harness.queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.data).toEqual({ batchId: job.data.batchId, events: [invalid] });
    expect(failed.failedReason).toMatch(new RegExp(`^1 invalid entry, never retried: ${interceptionEventId(invalid)}: invalid interception.started v1: .*providerType`));
    expect(failed.failedReason).not.toContain('sk-live');
  });

  it('cuts a model name too long for its index row at the door: recorded with the rest of its batch, no failure', async () => {
    await harness.startWorker();
    const interceptions = interceptionsOf(3);
    // Random hex does not compress: 8,000 characters would exceed the btree row limit (SQLSTATE 54000).
    const longModel = buildStartedEvent({ model: randomBytes(4_000).toString('hex') });
    await harness.producer({ attempts: 2, backoffMs: 10 }).addBatch([...eventsOf(interceptions), longModel, buildEndedEvent(longModel)]);

    expect(await harness.waitUntilRecorded([...interceptions, longModel])).toEqual(exactlyOnce(4));
    const [row] = (await harness.rows([longModel])).interceptions as { model: string }[];
    expect(row.model).toBe(longModel.model.slice(0, 256));
    await waitFor(() => harness.queue.getJobCounts('completed', 'failed'), (counts) => counts.completed === 1 && counts.failed === 0, 'the job completed');
  });

  it('fails an event the database refuses alone, never retried, and closes its interception with the reason', async () => {
    await harness.startWorker();
    const interceptions = interceptionsOf(3);
    const started = buildStartedEvent();
    const ended = buildEndedEvent(started);
    // Valid by the contract, refused by Postgres: the year 0 is out of timestamptz's range (SQLSTATE 22008).
    const refused = { ...ended, endedAt: '0000-01-01T00:00:00Z' };
    const job = await harness.producer({ attempts: 5, backoffMs: 10 }).addBatch([...eventsOf(interceptions), started, refused]);

    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(3));
    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 1, 'the job in the failed set');
    const failed = (await harness.queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.data.events.map((event: InterceptionEvent) => interceptionEventId(event))).toEqual([interceptionEventId(refused)]);
    expect(failed.failedReason).toMatch(
      new RegExp(`^1 event refused by the database, never retried: ${interceptionEventId(refused)}: the database refused the event's data \\(SQLSTATE 22008\\)`),
    );
    const [row] = (await harness.rows([started])).interceptions as { ended_at: Date | null; error_type: string; error_message: string }[];
    expect(row.ended_at).not.toBeNull();
    expect(row.error_type).toBe('rejected_event');
    expect(row.error_message).toContain('SQLSTATE 22008');
  });

  it('closes the interception of an invalid ended event with the reason; its started event and the others are recorded', async () => {
    await harness.startWorker();
    const interceptions = interceptionsOf(2);
    const started = buildStartedEvent();
    const ended = buildEndedEvent(started);
    const invalid = { ...ended, tokenUsages: [{ ...ended.tokenUsages[0], outputTokens: 'many' }] };
    const job = await harness.producer({ attempts: 5, backoffMs: 10 }).addBatch([...eventsOf(interceptions), started, invalid]);

    expect(await harness.waitUntilRecorded(interceptions)).toEqual(exactlyOnce(2));
    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 1, 'the job in the failed set');
    const failed = (await harness.queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.data.events).toEqual([invalid]);
    expect(failed.failedReason).toMatch(new RegExp(`^1 invalid entry, never retried: ${interceptionEventId(ended)}: invalid interception.ended v1: tokenUsages\\[0\\]\\.outputTokens`));
    const [row] = (await harness.rows([started])).interceptions as { ended_at: Date | null; error_type: string; error_message: string }[];
    expect(row.ended_at).not.toBeNull();
    expect(row.error_type).toBe('invalid_event');
    expect(row.error_message).toContain('tokenUsages[0].outputTokens');
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
    const producer = harness.producer({ attempts: 3, backoffMs: 20 });
    const started = buildStartedEvent();
    const batch = await producer.addBatch([started]);
    const legacy = await producer.addEventJob(buildEndedEvent(started));

    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 2, 'both jobs in the failed set');
    const { events } = await listFailedEvents([harness.queue]);
    expect(events.map((event) => [event.eventId, event.jobId, event.attemptsMade]).sort()).toEqual([
      [`${started.interceptionId}_interception.ended`, legacy.id, 3],
      [`${started.interceptionId}_interception.started`, batch.id, 3],
    ]);
    expect(await harness.counts([started])).toEqual(exactlyOnce(0));

    proxy.resume();
    const out: string[] = [];
    const output = { write: (text: string) => out.push(text) };
    expect(await runFailedJobsCommand([harness.queue], ['retry', '--all'], output, output)).toBe(0);
    expect(out).toEqual(['retried 2 job(s)\n']);

    expect(await harness.waitUntilRecorded([started])).toEqual(exactlyOnce(1));
    await waitFor(() => harness.queue.getJobCounts('completed', 'failed'), (c) => c.completed === 2 && c.failed === 0, 'both jobs completed');
  });

  it('finishes the jobs in hand when closed, without waiting for the batch timer', async () => {
    const recorder = await harness.startWorker({ batchSize: 50, batchMaxWaitMs: 60_000 });
    const producer = harness.producer();
    const interceptions = interceptionsOf(3);
    for (const started of interceptions) await producer.addBatch([started]);
    await waitFor(() => harness.queue.getActiveCount(), (active) => active === 3, 'three jobs in hand');
    expect((await harness.counts(interceptions)).interceptions).toBe(0);

    await recorder.close();
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
