import { createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import { PgPoolSqlClient, PostgresIdentityStore } from '@tollgate/sql-stores';
import { createTestDatabase, type TestDatabase } from '@tollgate/testing';

export interface IdentityDatabase {
  store: PostgresIdentityStore;
  /** The SQL client the standalone gateway gives its stores: a plain `pg` pool. */
  sql: PgPoolSqlClient;
  /** TypeORM, as the recorder has it: migrations and the event writer. */
  dataSource: TollgateDataSource;
  drop(): Promise<void>;
}

/** A fresh Postgres database of this test file's own, migrated, with the identity store over it. */
export async function createIdentityDatabase(): Promise<IdentityDatabase> {
  const database: TestDatabase = await createTestDatabase();
  const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger, poolSize: 2 });
  await runMigrations(dataSource);
  const sql = await PgPoolSqlClient.connect({ url: database.url, logger, poolSize: 4 });
  return {
    store: new PostgresIdentityStore(sql),
    sql,
    dataSource,
    async drop() {
      await sql.close();
      await dataSource.destroy();
      await database.drop();
    },
  };
}
