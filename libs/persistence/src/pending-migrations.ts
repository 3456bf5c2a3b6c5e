import type { DataSource } from 'typeorm';

/**
 * The names of this code's migrations the database has not applied, in order; read-only (unlike TypeORM's own
 * check, it does not create the migrations table).
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [{ present }] = await dataSource.query<Array<{ present: boolean }>>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  const applied = present ? new Set((await dataSource.query<Array<{ name: string }>>(`SELECT name FROM "${table}"`)).map((row) => row.name)) : new Set<string>();
  return dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name).filter((name) => !applied.has(name));
}
