import { Module, type DynamicModule } from '@nestjs/common';
import { createDataSource, flushInterceptionEvents, InterceptionEventWriter, pendingMigrations, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { DatabaseNotMigratedError } from '@tollgate/platform';
import { createPriceTable } from '@tollgate/usage';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { EventGroupCommitter } from './event-group.committer';
import { InterceptionJobRecorder } from './interception-job.recorder';
import { RecorderLifecycle } from './recorder.lifecycle';
import { RecorderMetrics } from './recorder.metrics';
import { RecordingQueues } from './recording-queues';
import type { RecorderOptions } from './recorder.options';
import { EVENT_GROUP_COMMITTER, INTERCEPTION_JOB_RECORDER, RECORDER_DATA_SOURCE, RECORDER_METRICS, RECORDER_OPTIONS, RECORDING_QUEUES } from './recorder.tokens';
import { RecordingController } from './recording.controller';

/** The recorder microservice: the recording controller, the writer path behind it, metrics and the database. */
@Module({})
export class RecorderModule {
  static register(options: RecorderOptions): DynamicModule {
    const { config } = options;
    return {
      module: RecorderModule,
      controllers: [RecordingController],
      providers: [
        { provide: RECORDER_OPTIONS, useValue: options },
        { provide: RECORDER_DATA_SOURCE, useFactory: () => options.dataSource ?? openDatabase(options) },
        {
          provide: RECORDING_QUEUES,
          useFactory: () => RecordingQueues.open(config, (error) => options.logger.warn({ err: error }, 'recording queue error')),
        },
        {
          provide: RECORDER_METRICS,
          inject: [RECORDING_QUEUES],
          useFactory: (queues: RecordingQueues) => new RecorderMetrics(options.registry ?? defaultRegistry(), () => queues.depths()),
        },
        {
          provide: EVENT_GROUP_COMMITTER,
          inject: [RECORDER_DATA_SOURCE, RECORDER_METRICS],
          useFactory: (dataSource: TollgateDataSource, metrics: RecorderMetrics) => {
            const writer = new InterceptionEventWriter(dataSource, { prices: createPriceTable(config.prices) });
            return new EventGroupCommitter({
              write: (events) => flushInterceptionEvents(writer, events),
              maxEvents: config.recording.worker.batchSize,
              maxWaitMs: config.recording.worker.batchMaxWaitMs,
              maxJobs: config.recording.worker.concurrency,
              pairWaitMs: config.recording.worker.pairWaitMs,
              observeTransaction: (eventCount) => metrics.eventsPerTransaction.labels().observe(eventCount),
            });
          },
        },
        {
          provide: INTERCEPTION_JOB_RECORDER,
          inject: [EVENT_GROUP_COMMITTER, RECORDER_METRICS],
          useFactory: (committer: EventGroupCommitter, metrics: RecorderMetrics) =>
            new InterceptionJobRecorder({
              commit: (events, trace) => committer.commit(events, trace),
              metrics,
              logger: options.logger,
              parentRetryDelaysMs: options.parentRetry?.delaysMs,
              clock: options.clock,
            }),
        },
        RecorderLifecycle,
      ],
    };
  }
}

async function openDatabase({ config, logger }: RecorderOptions): Promise<TollgateDataSource> {
  const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    if (config.recording.runMigrationsAtStart) {
      const applied = await runMigrations(dataSource);
      logger.info({ applied }, applied.length > 0 ? 'database migrated' : 'database schema up to date');
    } else {
      const pending = await pendingMigrations(dataSource);
      if (pending.length > 0) throw new DatabaseNotMigratedError(`${pending.length} pending migration(s), the first ${pending[0]}`);
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

function defaultRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
