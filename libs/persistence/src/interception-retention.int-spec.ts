import { buildEndedEvent, buildStartedEvent, FakeClock } from '@tollgate/testing';
import { createLogger } from '@tollgate/platform';
import { DATABASE_BACKENDS } from './database-backends.test-support';
import type { TollgateDataSource } from './data-source.factory';
import { flushInterceptionEvents } from './interception-batch.flush';
import { InterceptionEventWriter } from './interception-event.writer';
import { RetentionSweeper, type RetentionDeletions } from './interception-retention';
import { runMigrations } from './migration.runner';
import { TypeormSqlClient } from './typeorm.sql-client';

const DAY_MS = 86_400_000;
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const postgres = DATABASE_BACKENDS.find((backend) => backend.name === 'Postgres')!;

describe('recording.retention on Postgres', () => {
  let dataSource: TollgateDataSource;
  let dispose: () => Promise<void>;
  let sql: TypeormSqlClient;

  beforeAll(async () => {
    ({ dataSource, dispose } = await postgres.open());
    await runMigrations(dataSource);
    sql = new TypeormSqlClient(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  beforeEach(async () => {
    await sql.query('TRUNCATE interceptions, token_usages, user_prompts, tool_usages');
  });

  /** Records `count` finished interceptions (a usage, a prompt and a tool row each), started `ageDays` ago. */
  async function recordInterceptions(count: number, ageDays: number): Promise<string[]> {
    const writer = new InterceptionEventWriter(dataSource);
    const events = Array.from({ length: count }, () => buildStartedEvent()).flatMap((started) => [started, buildEndedEvent(started)]);
    await flushInterceptionEvents(writer, events);
    const ids = events.filter((event) => event.name === 'interception.started').map((event) => event.interceptionId);
    await sql.query(`UPDATE interceptions SET started_at = now() - make_interval(days => $2) WHERE id = ANY($1::uuid[])`, [ids, ageDays]);
    return ids;
  }

  async function rowsOf(ids: string[]): Promise<Record<string, number>> {
    const [row] = await sql.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM interceptions WHERE id = ANY($1::uuid[]))::int AS interceptions,
              (SELECT count(*) FROM token_usages WHERE interception_id = ANY($1::uuid[]))::int AS token_usages,
              (SELECT count(*) FROM user_prompts WHERE interception_id = ANY($1::uuid[]))::int AS user_prompts,
              (SELECT count(*) FROM tool_usages WHERE interception_id = ANY($1::uuid[]))::int AS tool_usages`,
      [ids],
    );
    return row;
  }

  function sweeper(batchSize: number, batches: RetentionDeletions[] = []) {
    return new RetentionSweeper({ sql, retentionMs: 30 * DAY_MS, intervalMs: 60_000, batchSize, logger: silent, onDeleted: (deleted) => batches.push(deleted) });
  }

  it('deletes the interceptions older than the retention with all their rows, in batches, and keeps the newer ones', async () => {
    const old = await recordInterceptions(5, 31);
    const recent = await recordInterceptions(3, 29);
    expect(await rowsOf(old)).toEqual({ interceptions: 5, token_usages: 5, user_prompts: 5, tool_usages: 5 });

    const batches: RetentionDeletions[] = [];
    const total = await sweeper(2, batches).sweep();

    expect(total).toEqual({ interceptions: 5, token_usages: 5, user_prompts: 5, tool_usages: 5 });
    expect(batches.map((batch) => batch.interceptions)).toEqual([2, 2, 1]);
    expect(await rowsOf(old)).toEqual({ interceptions: 0, token_usages: 0, user_prompts: 0, tool_usages: 0 });
    expect(await rowsOf(recent)).toEqual({ interceptions: 3, token_usages: 3, user_prompts: 3, tool_usages: 3 });
    expect(await sweeper(2).sweep()).toEqual({ interceptions: 0, token_usages: 0, user_prompts: 0, tool_usages: 0 });
  });

  it('is safe with several replicas sweeping at once: every row deleted once, none left, none waited for', async () => {
    const old = await recordInterceptions(1_200, 40);
    const totals = await Promise.all([sweeper(500).sweep(), sweeper(500).sweep(), sweeper(500).sweep()]);
    expect(totals.reduce((sum, total) => sum + total.interceptions, 0)).toBe(1_200);
    expect(totals.reduce((sum, total) => sum + total.tool_usages, 0)).toBe(1_200);
    expect(await rowsOf(old)).toEqual({ interceptions: 0, token_usages: 0, user_prompts: 0, tool_usages: 0 });
  });

  it('does not wait for an interception another transaction holds: it is left for the next sweep', async () => {
    const [held] = await recordInterceptions(1, 40);
    const free = await recordInterceptions(1, 40);
    await sql.transaction(async (transaction) => {
      await transaction.query('SELECT id FROM interceptions WHERE id = $1 FOR UPDATE', [held]);
      expect((await sweeper(500).sweep()).interceptions).toBe(1);
    });
    expect(await rowsOf(free)).toMatchObject({ interceptions: 0 });
    expect(await rowsOf([held])).toMatchObject({ interceptions: 1 });
    expect((await sweeper(500).sweep()).interceptions).toBe(1);
  });

  it('sweeps on its own every interval once started, and stops', async () => {
    const clock = new FakeClock(Date.now());
    let sweepDeleted: () => void = () => undefined;
    const nextDeletion = () => new Promise<void>((resolve) => (sweepDeleted = resolve));
    const swept = new RetentionSweeper({ sql, retentionMs: 30 * DAY_MS, intervalMs: 60_000, logger: silent, clock, onDeleted: () => sweepDeleted() });
    const old = await recordInterceptions(2, 40);
    let deleted = nextDeletion();
    swept.start();
    clock.advance(0); // the first sweep runs at start
    await deleted;
    expect(await rowsOf(old)).toEqual({ interceptions: 0, token_usages: 0, user_prompts: 0, tool_usages: 0 });

    const later = await recordInterceptions(1, 40);
    deleted = nextDeletion();
    await clock.advanceSettling(60_000);
    await deleted;
    await swept.stop();
    expect(await rowsOf(later)).toEqual({ interceptions: 0, token_usages: 0, user_prompts: 0, tool_usages: 0 });
  });
});
