import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InterceptionEventWriter, type TollgateDataSource } from '@tollgate/persistence';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import { createPriceTable } from '@tollgate/usage';
import type { Registry } from 'prom-client';
import { startMetricsServer, type MetricsServer } from './metrics.server';
import { RecorderWorker } from './recorder-worker';
import { InjectRecorderConfig, InjectRecorderDataSource, InjectRecorderLogger, InjectRecorderMetricsRegistry } from './recorder.tokens';

/** Runs the queue worker and the metrics endpoint for the life of the application context. */
@Injectable()
export class RecorderRunner implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private worker: RecorderWorker | undefined;
  private metricsServer: MetricsServer | undefined;

  constructor(
    @InjectRecorderConfig() private readonly config: TollgateConfig,
    @InjectRecorderLogger() private readonly logger: Logger,
    @InjectRecorderMetricsRegistry() private readonly registry: Registry,
    @InjectRecorderDataSource() private readonly dataSource: TollgateDataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    if (!config.redisUrl) throw new Error('the recorder needs redisUrl (REDIS_URL): without Redis the gateway records in process');
    this.worker = new RecorderWorker({
      redisUrl: config.redisUrl,
      queueName: config.recording.queueName,
      prefix: config.recording.queuePrefix,
      batchSize: config.recording.worker.batchSize,
      batchMaxWaitMs: config.recording.worker.batchMaxWaitMs,
      writer: new InterceptionEventWriter(this.dataSource, { prices: createPriceTable(config.prices) }),
      logger: this.logger,
      registry: this.registry,
    });
    await this.worker.start();
    this.metricsServer = await startMetricsServer(this.registry, config.server.host, config.server.port);
    this.logger.info({ host: config.server.host, port: this.metricsServer.port }, 'recorder serving /healthz and /metrics');
  }

  /** First phase of shutdown: stop taking jobs and finish the ones in hand (the database is still open). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.metricsServer?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy();
  }
}
