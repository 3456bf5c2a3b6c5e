import { Module, type DynamicModule } from '@nestjs/common';
import { createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { RecorderRunner } from './recorder.runner';
import { RECORDER_CONFIG, RECORDER_DATA_SOURCE, RECORDER_LOGGER, RECORDER_METRICS_REGISTRY } from './recorder.tokens';

/** The recorder process: config and logger from the entry point, a data source, and the queue worker. */
@Module({})
export class RecorderModule {
  static register(config: TollgateConfig, logger: Logger): DynamicModule {
    return {
      module: RecorderModule,
      providers: [
        { provide: RECORDER_CONFIG, useValue: config },
        { provide: RECORDER_LOGGER, useValue: logger },
        {
          provide: RECORDER_METRICS_REGISTRY,
          useFactory: () => {
            const registry = new Registry();
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        {
          provide: RECORDER_DATA_SOURCE,
          inject: [RECORDER_CONFIG, RECORDER_LOGGER],
          useFactory: async (config: TollgateConfig, logger: Logger): Promise<TollgateDataSource> => {
            const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
            if (config.recording.runMigrationsAtStart) {
              try {
                const applied = await runMigrations(dataSource);
                logger.info({ applied }, applied.length > 0 ? 'database migrated' : 'database schema up to date');
              } catch (error) {
                await dataSource.destroy();
                throw error;
              }
            }
            return dataSource;
          },
        },
        RecorderRunner,
      ],
    };
  }
}
