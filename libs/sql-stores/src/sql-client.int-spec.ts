import { createServer } from 'node:net';
import { createLogger, type SqlClient } from '@tollgate/platform';
import { PgPoolSqlClient } from './pg-pool.sql-client';
import { SQL_BACKENDS } from './sql-backends.test-support';

describe.each(SQL_BACKENDS)('the SQL client on $name', (backend) => {
  let sql: SqlClient;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ sql, dispose } = await backend.open());
    await sql.query('CREATE TABLE sql_client_check (id int PRIMARY KEY, note text NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  beforeEach(async () => {
    await sql.query('TRUNCATE sql_client_check');
  });

  it('returns the rows of a query, of RETURNING, and none for a statement without', async () => {
    expect(await sql.query('INSERT INTO sql_client_check VALUES ($1, $2), ($3, $4)', [1, 'one', 2, 'two'])).toEqual([]);
    expect(await sql.query('UPDATE sql_client_check SET note = note')).toEqual([]);
    expect(await sql.query('UPDATE sql_client_check SET note = $1 WHERE id = $2 RETURNING id, note', ['uno', 1])).toEqual([{ id: 1, note: 'uno' }]);
    expect(await sql.query('SELECT id, note FROM sql_client_check ORDER BY id')).toEqual([
      { id: 1, note: 'uno' },
      { id: 2, note: 'two' },
    ]);
  });

  it('commits a transaction that resolves, with its result', async () => {
    const result = await sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO sql_client_check VALUES (1, 'one')`);
      return tx.query<{ id: number }>('SELECT id FROM sql_client_check');
    });
    expect(result).toEqual([{ id: 1 }]);
    expect(await sql.query('SELECT id FROM sql_client_check')).toEqual([{ id: 1 }]);
  });

  it('rolls back a transaction that throws, rethrows its error, and leaves the connection usable', async () => {
    const failure = new Error('changed my mind');
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO sql_client_check VALUES (1, 'one')`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO sql_client_check VALUES (2, 'two')`);
        await tx.query(`INSERT INTO sql_client_check VALUES (2, 'again')`);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await sql.query('SELECT id FROM sql_client_check')).toEqual([]);
  });

  it('runs at the isolation level asked for (read committed by default)', async () => {
    const level = (isolation?: 'REPEATABLE READ') =>
      sql.transaction(async (tx) => (await tx.query<{ transaction_isolation: string }>('SHOW transaction_isolation'))[0].transaction_isolation, isolation);
    expect(await level()).toBe('read committed');
    expect(await level('REPEATABLE READ')).toBe('repeatable read');
  });
});

describe('the pg pool SQL client', () => {
  it('fails to connect to a database that does not answer, within the connect timeout', async () => {
    // A port that accepts connections and never speaks: without the timeout, the start would hang.
    const silentServer = createServer(() => undefined);
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const { port } = silentServer.address() as { port: number };
    const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
    try {
      await expect(PgPoolSqlClient.connect({ url: `postgres://nobody@127.0.0.1:${port}/none`, logger, connectTimeoutMs: 200 })).rejects.toThrow(/timeout/i);
    } finally {
      silentServer.close();
    }
  });
});
