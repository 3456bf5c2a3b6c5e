import { createLogger } from '@tollgate/platform';
import { buildEndedEvent, buildEventBatch, buildStartedEvent } from '@tollgate/testing';
import { DATABASE_BACKENDS } from './database-backends.test-support';
import type { TollgateDataSource } from './data-source.factory';
import { EmbeddedBatchSender } from './embedded-batch.sender';
import { InterceptionEventWriter } from './interception-event.writer';
import { runMigrations } from './migration.runner';

describe.each(DATABASE_BACKENDS)('EmbeddedBatchSender on $name', (backend) => {
  let dataSource: TollgateDataSource;
  let dispose: () => Promise<void>;
  let logLines: Record<string, unknown>[];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });

  beforeAll(async () => {
    ({ dataSource, dispose } = await backend.open());
    await runMigrations(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  beforeEach(() => {
    logLines = [];
  });

  async function endedCount(ids: string[]): Promise<number> {
    const [{ ended }] = await dataSource.query('SELECT count(*)::int AS ended FROM interceptions WHERE id = ANY($1::uuid[]) AND ended_at IS NOT NULL', [ids]);
    return ended;
  }

  it('writes a batch of started and ended events, and a batch delivered twice changes nothing', async () => {
    const sender = new EmbeddedBatchSender(new InterceptionEventWriter(dataSource), logger);
    const started = Array.from({ length: 5 }, () => buildStartedEvent());
    const batch = buildEventBatch(started.flatMap((event) => [event, buildEndedEvent(event, { credentialHint: 'sk-…emb1' })]));
    await sender.deliver(batch);
    await sender.deliver(batch);
    const ids = started.map((event) => event.interceptionId);
    expect(await endedCount(ids)).toBe(5);
    const [{ usages }] = await dataSource.query('SELECT count(*)::int AS usages FROM token_usages WHERE interception_id = ANY($1::uuid[])', [ids]);
    expect(usages).toBe(5);
  });

  it('sets aside an event the database refuses for its data, and the ended event of that interception, logging both', async () => {
    const sender = new EmbeddedBatchSender(new InterceptionEventWriter(dataSource), logger);
    const good = buildStartedEvent();
    const poison = buildStartedEvent({ occurredAt: 'not a time' }); // SQLSTATE 22007: its data, not the database
    await sender.deliver(buildEventBatch([good, poison, buildEndedEvent(good), buildEndedEvent(poison)]));
    expect(await endedCount([good.interceptionId])).toBe(1);
    const [{ rows }] = await dataSource.query('SELECT count(*)::int AS rows FROM interceptions WHERE id = $1', [poison.interceptionId]);
    expect(rows).toBe(0);
    expect(logLines.filter((line) => line.level === 'error').map((line) => [line.interceptionId, line.event])).toEqual([
      [poison.interceptionId, 'interception.started'],
      [poison.interceptionId, 'interception.ended'],
    ]);
  });
});
