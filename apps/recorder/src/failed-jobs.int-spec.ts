import { INTERCEPTION_BATCH_JOB, interceptionEventId } from '@tollgate/recording';
import { buildEndedEvent, buildStartedEvent, waitFor } from '@tollgate/testing';
import { exactlyOnce, RecorderTestHarness } from '../test/recorder-test.harness';
import { runFailedJobsCommand } from './failed-jobs.command';

/** The failed set through `recorder failed …`: one row per event, retries per event id, per job, or all. */
describe('recorder failed … (the failed set per event id, on Redis)', () => {
  const harness = new RecorderTestHarness();

  beforeAll(() => harness.setUpDatabase(), 30_000);
  afterAll(() => harness.tearDownDatabase());
  beforeEach(() => harness.setUpQueue());
  afterEach(() => harness.tearDownQueue());

  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runFailedJobsCommand([harness.queue], args, { write: (text: string) => out.push(text) }, { write: (text: string) => err.push(text) });
    return { code, out: out.join(''), err: err.join('') };
  };

  /** A job that fails once and stays in the failed set: ended events whose started events are not recorded yet. */
  async function failedOrphans() {
    const first = buildStartedEvent();
    const second = buildStartedEvent();
    const invalid = { ...buildStartedEvent(), schemaVersion: 9 };
    const producer = harness.producer({ attempts: 1 });
    const batch = await producer.addBatch([buildEndedEvent(first), invalid, buildEndedEvent(second)]);
    const legacy = await producer.addEventJob(buildEndedEvent(buildStartedEvent()));
    await harness.startWorker({ parentRetry: { delaysMs: [] } });
    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 2, 'two failed jobs');
    return { first, second, invalid, batch, legacy };
  }

  it('lists one row per failed event, with its job, attempts, when and reason, never its payload', async () => {
    const { first, second, invalid, batch, legacy } = await failedOrphans();

    const { code, out } = await run('list');
    expect(code).toBe(0);
    const [header, ...rows] = out.trimEnd().split('\n');
    expect(header).toBe('4 failed event(s) in 2 failed job(s)');
    const byEvent = Object.fromEntries(rows.map((row) => row.split('\t')).map(([eventId, ...rest]) => [eventId, rest]));
    expect(Object.keys(byEvent).sort()).toEqual(
      [`${first.interceptionId}_interception.ended`, interceptionEventId(invalid), `${second.interceptionId}_interception.ended`, legacy.id].sort(),
    );
    expect(byEvent[`${first.interceptionId}_interception.ended`]).toEqual([
      'interception.ended',
      `job=${batch.id}`,
      'attempts=1',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      expect.stringMatching(/^2 of 2 events not recorded \(and 1 invalid entry, never retried\): .*has no started row yet/),
    ]);
    expect(byEvent[interceptionEventId(invalid)].slice(0, 3)).toEqual(['interception.started', `job=${batch.id}`, 'attempts=1']);
    expect(byEvent[interceptionEventId(invalid)][4]).toBe('invalid, never retried: unsupported schemaVersion 9 for interception.started (supported: 1)');
    expect(byEvent[legacy.id!].slice(0, 2)).toEqual(['interception.ended', `job=${legacy.id}`]);
    expect(byEvent[legacy.id!][4]).toMatch(/has no started row yet/);
    expect(out).not.toContain('What is the capital of France?');

    const limited = await run('list', '--limit', '3', '--json');
    const json = JSON.parse(limited.out) as { failedJobs: number; events: { eventId: string; jobId: string }[]; truncated: boolean };
    expect(json).toMatchObject({ failedJobs: 2, truncated: true });
    expect(json.events).toHaveLength(3);
    expect(limited.out).not.toContain('What is the capital of France?');

    expect(await run('list', '--limit', '0')).toMatchObject({ code: 2, err: expect.stringContaining('--limit must be a positive integer') });
  });

  it('retries one event: moved out of its failed job into a new one-event batch job with fresh attempts', async () => {
    const { first, second, invalid, batch } = await failedOrphans();
    const firstEnded = `${first.interceptionId}_interception.ended`;
    await harness.producer().addBatch([first]); // its parent arrives

    const { code, out } = await run('retry', firstEnded);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^retried event ${firstEnded} \\(now in job batch_[0-9a-f-]+\\)\\n$`));
    expect(await harness.waitUntilRecorded([first])).toEqual(exactlyOnce(1));

    const remaining = (await harness.queue.getJob(batch.id!))!;
    expect(await remaining.getState()).toBe('failed');
    expect(remaining.data.events.map((event: { interceptionId: string; name: string }) => interceptionEventId(event))).toEqual([
      interceptionEventId(invalid),
      `${second.interceptionId}_interception.ended`,
    ]);
    const retried = (await harness.queue.getCompleted()).find((job) => job.name === INTERCEPTION_BATCH_JOB && job.data.events[0]?.name === 'interception.ended');
    expect(retried?.opts).toMatchObject({ attempts: 1, removeOnFail: false });
  });

  it('removes a failed job once its last event is retried, and retries a whole job by its id', async () => {
    const { first, second, invalid, batch, legacy } = await failedOrphans();
    await harness.producer().addBatch([first, second]);

    expect((await run('retry', legacy.id!)).out).toBe(`retried job ${legacy.id}\n`);
    expect(await run('retry', `${first.interceptionId}_interception.ended`)).toMatchObject({ code: 0 });
    expect(await run('retry', `${second.interceptionId}_interception.ended`)).toMatchObject({ code: 0 });
    expect(await harness.waitUntilRecorded([first, second])).toEqual(exactlyOnce(2));
    expect(await run('retry', interceptionEventId(invalid))).toMatchObject({ code: 0 });
    // The invalid event fails again at once, in its new job; the old job, left empty, is gone.
    await waitFor(() => harness.queue.getFailedCount(), (count) => count === 2, 'the retried jobs failed again');
    expect(await harness.queue.getJob(batch.id!)).toBeUndefined();

    expect(await run('retry', 'no-such-id')).toMatchObject({ code: 1, err: 'no failed job or event with id no-such-id\n' });
    expect(await run('retry', '--all')).toMatchObject({ code: 0, out: 'retried 2 job(s)\n' });
    expect(await run('frobnicate')).toMatchObject({ code: 2 });
  });
});
