import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tollgate/platform';
import { createTestDatabase } from '@tollgate/testing';
import { createDataSource, type TollgateDataSource } from './data-source.factory';

/** A database the persistence tests run against twice: a fresh Postgres database, and an embedded PGlite. */
export interface DatabaseBackend {
  name: string;
  /** More than one connection (the embedded database has one). */
  concurrent: boolean;
  open(): Promise<{ dataSource: TollgateDataSource; dispose(): Promise<void> }>;
}

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

export const DATABASE_BACKENDS: readonly DatabaseBackend[] = [
  {
    name: 'Postgres',
    concurrent: true,
    async open() {
      const database = await createTestDatabase();
      const dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger: silent });
      return {
        dataSource,
        async dispose() {
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
      return {
        dataSource,
        async dispose() {
          await dataSource.destroy();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];
