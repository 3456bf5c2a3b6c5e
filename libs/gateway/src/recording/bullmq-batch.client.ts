import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { batchJobId, deliverInBatchSpan, INTERCEPTION_BATCH_JOB, type EventBatchSender, type InterceptionEventBatch } from '@tollgate/recording';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { lastValueFrom } from 'rxjs';

export interface BullmqBatchClientOptions {
  redisUrl: string;
  queueName: string;
  /** BullMQ key prefix (Redis keys are `${prefix}:${queueName}:…`). */
  prefix: string;
  /** Processing attempts per job before it lands in the failed set. */
  attempts: number;
  /** First retry delay of a job; BullMQ doubles it on each further attempt. */
  backoffMs: number;
}


/**
 * The gateway's end of the recording transport, the client matching the recorder's BullMQ transport strategy: an
 * emitted `interception.batch` becomes one BullMQ job whose id is derived from the batch id. Emitting is per batch,
 * never per event, so Nest's client layer costs next to nothing per event. Events only: there is no request-response
 * on this queue.
 */
export class BullmqBatchClient extends ClientProxy implements EventBatchSender {
  private connection: Redis | undefined;
  private queue: Queue | undefined;

  constructor(private readonly options: BullmqBatchClientOptions) {
    super();
  }

  /** Sends one batch; resolves once Redis has accepted its job. */
  deliver(batch: InterceptionEventBatch): Promise<void> {
    return deliverInBatchSpan(batch, this.options.queueName, () => lastValueFrom(this.emit(INTERCEPTION_BATCH_JOB, batch), { defaultValue: undefined }));
  }

  async connect(): Promise<Queue> {
    if (this.queue) return this.queue;
    // Commands fail at once while Redis is disconnected instead of queueing, so a batch fails fast and is sent
    // again later; the client keeps reconnecting in the background. (No commandTimeout and no skipWaitingForReady:
    // either makes a failure of BullMQ's start-up INFO permanent; the producer has its own send timeout.)
    this.connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, disconnectTimeout: 100 });
    this.connection.on('error', () => undefined); // reported through the failing sends
    this.queue = new Queue(this.options.queueName, { connection: this.connection, prefix: this.options.prefix });
    this.queue.on('error', () => undefined);
    return this.queue;
  }

  async close(): Promise<void> {
    const { queue, connection } = this;
    this.queue = undefined;
    this.connection = undefined;
    await queue?.close();
    await connection?.quit().catch(() => connection.disconnect());
  }

  unwrap<T>(): T {
    if (!this.queue) throw new Error('the recording client is not connected');
    return this.queue as T;
  }

  /** `emit(INTERCEPTION_BATCH_JOB, batch)` lands here: one job per batch. */
  protected async dispatchEvent<T = undefined>(packet: ReadPacket<InterceptionEventBatch>): Promise<T> {
    const queue = await this.connect();
    await queue.add(packet.pattern as string, packet.data, {
      jobId: batchJobId(packet.data.batchId),
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      // A completed batch is deleted at once: keeping it would only cost Redis memory and work. A batch is never sent
      // again under the same id (its events go out in a new batch), and the recorder applies each event once anyway.
      removeOnComplete: true,
      removeOnFail: false,
    });
    return undefined as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('the recording queue carries events only (emit), no requests'), isDisposed: true });
    return () => undefined;
  }
}
