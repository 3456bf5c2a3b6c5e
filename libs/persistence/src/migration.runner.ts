import { MigrationExecutor, type DataSource } from 'typeorm';

// Any constant shared by every Tollgate process: only one of them migrates at a time.
const MIGRATION_LOCK_KEY = 74_616_101;

/**
 * Applies pending migrations (each in its own transaction) and returns their names. Safe to call from several
 * processes at once: a Postgres advisory lock serialises them, and the late ones find nothing left to do.
 * The lock and the migrations share one connection, so this also works on the one-connection embedded database.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await queryRunner.release();
  }
}
