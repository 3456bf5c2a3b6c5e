import type { Logger } from '@tollgate/platform';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { runMigrations } from './migration.runner';
import { RECORDING_MIGRATIONS } from './migrations';
import { TypeormPinoLogger } from './typeorm-pino.logger';

export interface CreateDataSourceOptions {
  /** A Postgres URL. Unset: an embedded PGlite database under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  logger: Logger;
  /** Connections to a real Postgres (default 10). The embedded database always uses one. */
  poolSize?: number;
  /** Fail a connection attempt after this long (default 5 s), so an unreachable database is an error, not a hang. */
  connectTimeoutMs?: number;
  /** Fail a query the server has not answered after this long (default 30 s): a dead network path must not wedge a batch. */
  queryTimeoutMs?: number;
  /** Apply pending migrations before returning (default: no, see `runMigrations`). */
  migrate?: boolean;
}

/** A DataSource whose `destroy()` also stops what it started (the embedded database). */
export class TollgateDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    readonly embedded: boolean,
    private readonly afterDestroy: () => Promise<void> = async () => undefined,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await this.afterDestroy();
    }
  }
}

/**
 * Connects to Postgres, or starts the embedded PGlite and connects to it through the same pg driver, so both run the
 * same migrations and SQL. Returns an initialized data source, migrated if `migrate` is set (a new embedded database
 * is migrated by the short-lived PGlite that creates it, whose memory goes with it).
 */
export async function createDataSource(options: CreateDataSourceOptions): Promise<TollgateDataSource> {
  const connectTimeoutMS = options.connectTimeoutMs ?? 5_000;
  const common = {
    type: 'postgres' as const,
    migrations: RECORDING_MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    connectTimeoutMS,
    applicationName: 'tollgate',
    logger: new TypeormPinoLogger(options.logger.child({ component: 'database' })),
    logging: ['error', 'warn', 'migration'] as ('error' | 'warn' | 'migration')[],
    maxQueryExecutionTime: 2_000,
  };
  const queryTimeout = options.queryTimeoutMs ?? 30_000;

  if (options.databaseUrl) {
    const dataSource = new TollgateDataSource(
      {
        ...common,
        url: options.databaseUrl,
        poolSize: options.poolSize ?? 10,
        extra: { query_timeout: queryTimeout, keepAlive: true },
      },
      false,
    );
    return initialize(dataSource, options.migrate);
  }

  const embeddedOptions = (server: EmbeddedPostgres): DataSourceOptions => ({
    ...common,
    host: server.host,
    port: server.port,
    username: 'postgres',
    database: 'postgres',
    poolSize: server.maxConnections,
    // Keep the single connection open: the server accepts one client at a time.
    extra: { query_timeout: queryTimeout, idleTimeoutMillis: 0 },
  });
  const migrateNew = async (server: EmbeddedPostgres) => {
    const migrator = await initialize(new TollgateDataSource(embeddedOptions(server), true), true);
    await migrator.destroy();
  };
  const embedded = await startEmbeddedPostgres(
    options.dataDir,
    (error) => options.logger.error({ err: error }, 'embedded database (PGlite) failed'),
    options.migrate ? migrateNew : undefined,
  );
  options.logger.info({ dataDir: options.dataDir }, 'embedded database (PGlite) started');
  return initialize(new TollgateDataSource(embeddedOptions(embedded), true, () => embedded.stop()), options.migrate);
}

/** Connects, and migrates if asked; on failure, stops what the data source started. */
async function initialize(dataSource: TollgateDataSource, migrate = false): Promise<TollgateDataSource> {
  try {
    await dataSource.initialize();
    if (migrate) await runMigrations(dataSource);
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
