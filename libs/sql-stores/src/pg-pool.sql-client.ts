import type { IsolationLevel, Logger, SqlClient, SqlQuery } from '@tollgate/platform';
import { Pool, type PoolClient } from 'pg';

export interface PgPoolOptions {
  /** A Postgres URL. */
  url: string;
  logger: Logger;
  /** Connections (default 10). */
  poolSize?: number;
  /** Fail a connection attempt after this long (default 5 s), so an unreachable database is an error, not a hang. */
  connectTimeoutMs?: number;
  /** Fail a query the server has not answered after this long (default 30 s): a dead network path must not wedge a caller. */
  queryTimeoutMs?: number;
}

/** Queries slower than this are logged as a warning (their text only: parameters carry user data). */
const SLOW_QUERY_MS = 2_000;

/** The SQL port on a plain `pg` pool: what the standalone gateway runs its stores on. */
export class PgPoolSqlClient implements SqlClient {
  private constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** Opens the pool and checks out one connection, so that an unreachable database fails the start. */
  static async connect(options: PgPoolOptions): Promise<PgPoolSqlClient> {
    const logger = options.logger.child({ component: 'database' });
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      keepAlive: true,
      application_name: 'tollgate',
    });
    // An idle connection that breaks (a server restart) is reported here; unhandled, it would crash the process.
    pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
    try {
      (await pool.connect()).release();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PgPoolSqlClient(pool, logger);
  }

  query<Row = Record<string, unknown>>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    return this.run(this.pool, sql, parameters);
  }

  async transaction<T>(work: (transaction: SqlQuery) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const connection = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await connection.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
      const result = await work({ query: (sql, parameters = []) => this.run(connection, sql, parameters) });
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await connection.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable (a timeout, a lost socket): it must not go back to the pool.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      connection.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async run<Row>(on: Pool | PoolClient, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
    const started = performance.now();
    const result = await on.query(sql, parameters as unknown[]);
    const elapsedMs = performance.now() - started;
    if (elapsedMs > SLOW_QUERY_MS) this.logger.warn({ query: sql, timeMs: Math.round(elapsedMs) }, 'slow sql query');
    return result.rows as Row[];
  }
}
