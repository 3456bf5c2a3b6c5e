/** Runs one parameterised statement (`$1`, `$2`, …) and returns its rows (none for a statement without RETURNING). */
export interface SqlQuery {
  query<Row = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<Row[]>;
}

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * Hand-written SQL against Postgres (or the embedded PGlite): the port the SQL stores run on. The standalone gateway
 * implements it with a plain `pg` pool (`@tollgate/sql-stores`); the processes that keep TypeORM for migrations and
 * the recorder implement it over their data source (`@tollgate/persistence`), so both share one set of connections.
 */
export interface SqlClient extends SqlQuery {
  /** Runs `work` on one connection in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (transaction: SqlQuery) => Promise<T>, isolation?: IsolationLevel): Promise<T>;
}
