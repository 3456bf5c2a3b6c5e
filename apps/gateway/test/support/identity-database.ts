import { PostgresIdentityStore, createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import { createTestDatabase, type TestDatabase } from '@tollgate/testing';

export interface IdentityDatabase {
  store: PostgresIdentityStore;
  dataSource: TollgateDataSource;
  drop(): Promise<void>;
}

/** A fresh Postgres database of this test file's own, migrated, with the identity store over it. */
export async function createIdentityDatabase(): Promise<IdentityDatabase> {
  const database: TestDatabase = await createTestDatabase();
  const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger });
  await runMigrations(dataSource);
  return {
    store: new PostgresIdentityStore(dataSource),
    dataSource,
    async drop() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
