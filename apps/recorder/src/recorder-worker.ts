import { EventBatcher, flushInterceptionEvents, type InterceptionEventWriter, type SettledOutcome } from '@tollgate/persistence';
import type { Logger } from '@tollgate/platform';
import type { InterceptionEvent } from '@tollgate/recording';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { RecorderMetrics } from './recorder.metrics';
import { createRecordingProcessor } from './recording.processor';

export interface RecorderWorkerOptions {
  redisUrl: string;
  queueName: string;
  prefix: string;
  /** Events per database transaction; also the number of jobs the worker holds at once. */
  batchSize: number;
  /** Longest a partial batch waits for more events. */
  batchMaxWaitMs: number;
  writer: InterceptionEventWriter;
  logger: Logger;
  registry: Registry;
  /** BullMQ job lock; a worker that dies loses its jobs to another after this long. Default 30 s. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. Default 30 s. */
  stalledIntervalMs?: number;
}

/**
 * Consumes the interception queue. The worker takes up to `batchSize` jobs at once; each job's processor hands its
 * event to a micro-batcher that writes them in one transaction, and each job completes (or fails and is retried by
 * BullMQ) with its own event's outcome.
 */
export class RecorderWorker {
  private readonly connection: Redis;
  private readonly queue: Queue;
  private readonly batcher: EventBatcher<InterceptionEvent, SettledOutcome>;
  private readonly worker: Worker;
  readonly metrics: RecorderMetrics;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RecorderWorkerOptions) {
    const logger = options.logger;
    // BullMQ workers need maxRetriesPerRequest: null (blocking commands must not give up while Redis reconnects).
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', (error) => logger.warn({ err: error }, 'recorder Redis connection error'));
    this.queue = new Queue(options.queueName, { connection: this.connection, prefix: options.prefix });
    this.queue.on('error', (error) => logger.warn({ err: error }, 'recorder queue error'));
    this.metrics = new RecorderMetrics(options.registry, () => this.queue.getJobCountByTypes('waiting', 'delayed'));

    this.batcher = new EventBatcher({
      maxBatchSize: options.batchSize,
      maxWaitMs: options.batchMaxWaitMs,
      flush: (events) => flushInterceptionEvents(options.writer, events),
    });
    const processor = createRecordingProcessor({ submit: (event) => this.batcher.submit(event), metrics: this.metrics, logger });

    this.worker = new Worker(options.queueName, processor, {
      connection: this.connection,
      prefix: options.prefix,
      concurrency: options.batchSize,
      autorun: false,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    });
    this.worker.on('error', (error) => logger.warn({ err: error }, 'recorder worker error'));
    this.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        logger.error({ jobId: job.id, jobName: job.name, attempts: job.attemptsMade, err: error }, 'recording job moved to the failed set');
      }
    });
  }

  /** Starts consuming; resolves once the worker is connected. */
  async start(): Promise<void> {
    void this.worker.run().catch((error: unknown) => this.options.logger.error({ err: error }, 'recorder worker stopped'));
    await this.worker.waitUntilReady();
    this.options.logger.info(
      { queue: this.options.queueName, batchSize: this.options.batchSize, batchMaxWaitMs: this.options.batchMaxWaitMs },
      'recorder worker started',
    );
  }

  /** Stops taking jobs, finishes the ones in hand (flushing their batch now), then closes the Redis connections. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const workerClosed = this.worker.close();
    await this.batcher.drain();
    await workerClosed;
    await this.batcher.drain();
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
    this.options.logger.info('recorder worker stopped');
  }
}
