import { createDataSource, runMigrations } from '@tollgate/persistence';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { CommandOutput } from './failed-jobs.command';

/** `recorder migrate`: applies pending migrations to the configured database (or the embedded one) and exits. */
export async function runMigrateCommand(config: TollgateConfig, logger: Logger, out: CommandOutput): Promise<number> {
  const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    const applied = await runMigrations(dataSource);
    out.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'schema up to date\n');
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
