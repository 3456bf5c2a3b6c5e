import type { IsolationLevel, SqlClient, SqlQuery } from '@tollgate/platform';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * The SQL port over a TypeORM data source, for the processes that keep TypeORM (migrations, the event writer): the
 * stores then share its connections, which on the embedded PGlite is the only one there is.
 */
export class TypeormSqlClient implements SqlClient {
  constructor(private readonly dataSource: DataSource) {}

  async query<Row = Record<string, unknown>>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await rows<Row>(runner, sql, parameters);
    } finally {
      await runner.release();
    }
  }

  async transaction<T>(work: (transaction: SqlQuery) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction(isolation);
      try {
        const result = await work({ query: (sql, parameters = []) => rows(runner, sql, parameters) });
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await rollbackQuietly(runner);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }
}

/** The rows of any statement (TypeORM's plain result is `[rows, count]` for UPDATE and DELETE). */
async function rows<Row>(runner: QueryRunner, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
  const result = (await runner.query(sql, [...parameters], true)) as { records?: Row[] };
  return result.records ?? [];
}

async function rollbackQuietly(runner: QueryRunner): Promise<void> {
  try {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
  } catch {
    // The connection is gone; the server discards the transaction.
  }
}
