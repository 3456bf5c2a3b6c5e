import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RETENTION_TABLES, RetentionSweeper, TypeormSqlClient, type TollgateDataSource } from '@tollgate/persistence';
import { startMetricsServer, type MetricsServer } from './metrics.server';
import type { RecorderMetrics } from './recorder.metrics';
import type { RecorderOptions } from './recorder.options';
import type { RecordingQueues } from './recording-queues';
import { InjectRecorderDataSource, InjectRecorderMetrics, InjectRecorderOptions, InjectRecordingQueues } from './recorder.tokens';

/**
 * What the recorder holds besides its transport: the `/healthz` + `/metrics` server and the retention sweeper
 * (`recording.retention`) for the life of the process, and at shutdown (after the transport finished the jobs in hand)
 * the queues' connection and the database.
 */
@Injectable()
export class RecorderLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private metricsServer: MetricsServer | undefined;
  private retention: RetentionSweeper | undefined;

  constructor(
    @InjectRecorderOptions() private readonly options: RecorderOptions,
    @InjectRecorderMetrics() private readonly metrics: RecorderMetrics,
    @InjectRecordingQueues() private readonly queues: RecordingQueues,
    @InjectRecorderDataSource() private readonly dataSource: TollgateDataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { server } = this.options.config;
    this.metricsServer = await startMetricsServer(this.metrics.registry, server.host, server.port);
    this.options.logger.info({ host: server.host, port: this.metricsServer.port }, 'recorder serving /healthz and /metrics');
    this.startRetention();
    await this.warnOfUnreadQueueOfBefore();
  }

  private async warnOfUnreadQueueOfBefore(): Promise<void> {
    const { queueName } = this.options.config.recording;
    const jobs = await this.queues.jobsLeftInUnreadQueueOfBefore().catch(() => 0); // Redis down: the workers say so
    if (jobs > 0) {
      this.options.logger.warn(
        { queue: queueName, jobs },
        'the queue of before sharding still holds jobs that no recorder reads: set recording.drainQueueShards: 1 on the recorders until it is empty',
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.retention?.stop();
    await this.metricsServer?.close();
  }

  private startRetention(): void {
    const { retentionMs, retentionIntervalMs } = this.options.config.recording;
    if (retentionMs === undefined) return;
    const deletedRows = this.metrics.retentionDeletedRows;
    this.retention = new RetentionSweeper({
      sql: new TypeormSqlClient(this.dataSource),
      retentionMs,
      intervalMs: retentionIntervalMs,
      logger: this.options.logger,
      clock: this.options.clock,
      onDeleted: (deleted) => {
        for (const table of RETENTION_TABLES) deletedRows.labels({ table }).inc(deleted[table]);
      },
    });
    this.retention.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
    if (!this.options.dataSource) await this.dataSource.destroy();
  }
}
