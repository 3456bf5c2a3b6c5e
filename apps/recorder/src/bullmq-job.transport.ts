import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { openRecordingRedis, REDIS_PRESETS, type Logger } from '@tollgate/platform';
import { missingJobHandlers } from '@tollgate/recording';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { isObservable, lastValueFrom } from 'rxjs';

/** What a handler gets besides the payload (`@Ctx()`): the BullMQ job, for its id, attempts and `updateData`. */
export class BullmqJobContext extends BaseRpcContext<[Job]> {
  getJob(): Job {
    return this.args[0];
  }
}

export interface BullmqJobTransportOptions {
  redisUrl?: string;
  /** Seed URLs of the Redis Cluster holding the queues (`recording.redisCluster`); empty or absent: `redisUrl`. */
  redisCluster?: string[];
  /** The queues to consume, one worker each: every shard (and those being drained). */
  queueNames: string[];
  prefix: string;
  /** Jobs held at once, shared by the workers. */
  concurrency: number;
  logger: Logger;
  /** BullMQ job lock: the jobs of a worker that dies are taken over after this long. Default 30 s. */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. Default 30 s. */
  stalledIntervalMs?: number;
  /**
   * Called once the worker takes no more jobs, before waiting for those in hand: a handler that holds jobs to write
   * them together (group commit) writes them now instead of waiting for its timer.
   */
  onStopTaking?: () => Promise<void>;
}

/**
 * A Nest microservice transport over BullMQ queues (the shards of the recording queue): a worker per queue takes jobs
 * and dispatches each, by its name (the pattern), to the `@EventPattern` handler for that name. The handler is awaited and its error reaches BullMQ as it
 * was thrown (so BullMQ retries the job and shows the error as its failedReason): handlers need a filter that
 * rethrows, since Nest's default one replaces every error with "Internal server error".
 * `listen` fails when a recording job name has no handler; a job with an unknown name fails without retries.
 */
export class BullmqJobTransport extends Server implements CustomTransportStrategy {
  // Errors go back to BullMQ through the awaited handler, so Nest does not log them a second time.
  override readonly propagatesEventHandlerErrors = true;
  private connection: Redis | Cluster | undefined;
  private workers: Worker[] = [];

  constructor(private readonly options: BullmqJobTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const missing = missingJobHandlers(this.messageHandlers.keys());
      if (missing.length > 0) throw new Error(`no handler for the recording job(s) ${missing.join(', ')}: refusing to start`);
      await this.startWorker();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Runs the handler of one job: the worker's processor. */
  async dispatch(job: Job): Promise<unknown> {
    const handler = this.messageHandlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for the job name "${job.name}"`);
    const result: unknown = await handler(job.data, new BullmqJobContext([job]));
    return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
  }

  /** Stops taking jobs, finishes the ones in hand, then closes the Redis connection. */
  async close(): Promise<void> {
    const { workers, connection } = this;
    if (workers.length === 0 || !connection) return;
    this.workers = [];
    const workersClosed = Promise.all(workers.map((worker) => worker.close()));
    await this.options.onStopTaking?.();
    await workersClosed;
    await connection.quit().catch(() => connection.disconnect());
    this.options.logger.info('recorder worker stopped');
  }

  on(): never {
    throw new Error('the BullMQ job transport has no events to listen to');
  }

  /** The workers, one per queue. */
  unwrap<T>(): T {
    return this.workers as T;
  }

  private async startWorker(): Promise<void> {
    const { options } = this;
    const { logger } = options;
    // The workers share this connection for their commands; each opens its own for the blocking wait for jobs.
    const connection = openRecordingRedis({ redisUrl: options.redisUrl, redisCluster: options.redisCluster ?? [] }, REDIS_PRESETS.queueWorker);
    connection.on('error', (error) => logger.warn({ err: error }, 'recorder Redis connection error'));
    this.connection = connection;
    const concurrency = Math.max(1, Math.ceil(options.concurrency / options.queueNames.length));
    this.workers = options.queueNames.map((queueName) => this.createWorker(connection, queueName, concurrency));
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    logger.info({ queues: options.queueNames, concurrency }, 'recorder worker started');
  }

  private createWorker(connection: Redis | Cluster, queueName: string, concurrency: number): Worker {
    const { options } = this;
    const { logger } = options;
    const worker = new Worker(queueName, (job) => this.dispatch(job), {
      connection,
      prefix: options.prefix,
      concurrency,
      autorun: false,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    });
    worker.on('error', (error) => logger.warn({ err: error, queue: queueName }, 'recorder worker error'));
    worker.on('failed', (job, error) => {
      if (job && (error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
        logger.error({ jobId: job.id, jobName: job.name, queue: queueName, attempts: job.attemptsMade, err: error }, 'recording job moved to the failed set');
      }
    });
    void worker.run().catch((error: unknown) => logger.error({ err: error, queue: queueName }, 'recorder worker failed'));
    return worker;
  }
}
