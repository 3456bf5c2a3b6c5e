import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypeormSqlClient, createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger, type SqlClient } from '@tollgate/platform';
import { createTestDatabase } from '@tollgate/testing';
import { PgPoolSqlClient } from './pg-pool.sql-client';

/**
 * A migrated database the stores' tests run against twice, each time through the SQL client its processes give the
 * stores: a fresh Postgres database through a `pg` pool (the standalone gateway), and an embedded PGlite through the
 * TypeORM data source (the all-in-one). `dataSource` is the TypeORM side, to write recorded interceptions.
 */
export interface SqlBackend {
  name: string;
  /** More than one connection (the embedded database has one). */
  concurrent: boolean;
  open(): Promise<{ sql: SqlClient; dataSource: TollgateDataSource; dispose(): Promise<void> }>;
}

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

export const SQL_BACKENDS: readonly SqlBackend[] = [
  {
    name: 'Postgres',
    concurrent: true,
    async open() {
      const database = await createTestDatabase();
      const dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger: silent, poolSize: 2 });
      await runMigrations(dataSource);
      const sql = await PgPoolSqlClient.connect({ url: database.url, logger: silent, poolSize: 4 });
      return {
        sql,
        dataSource,
        async dispose() {
          await sql.close();
          await dataSource.destroy();
          await database.drop();
        },
      };
    },
  },
  {
    name: 'embedded PGlite',
    concurrent: false,
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-pglite-'));
      const dataSource = await createDataSource({ dataDir, logger: silent });
      await runMigrations(dataSource);
      return {
        sql: new TypeormSqlClient(dataSource),
        dataSource,
        async dispose() {
          await dataSource.destroy();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];
