import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { openRecordingRedis, REDIS_PRESETS } from '@tollgate/platform';
import {
  batchJobId,
  deliverInBatchSpan,
  INTERCEPTION_BATCH_JOB,
  interceptionShard,
  recordingQueueNames,
  splitBatchByShard,
  type EventBatchSender,
  type InterceptionEventBatch,
} from '@tollgate/recording';
import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { lastValueFrom } from 'rxjs';

export interface BullmqBatchClientOptions {
  redisUrl?: string;
  /** Seed URLs of the Redis Cluster holding the queue (`recording.redisCluster`); empty or absent: `redisUrl`. */
  redisCluster?: string[];
  queueName: string;
  /** `recording.queueShards` (default 1): each batch is split over the shards' queues by interception id. */
  shards?: number;
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
 * on this queue. With several shards a batch becomes one job per shard it has events for, on that shard's queue.
 */
export class BullmqBatchClient extends ClientProxy implements EventBatchSender {
  private connection: Redis | Cluster | undefined;
  private queues: Queue[] | undefined;
  private readonly shards: number;
  private readonly queueNames: string[];

  constructor(private readonly options: BullmqBatchClientOptions) {
    super();
    this.shards = options.shards ?? 1;
    this.queueNames = recordingQueueNames({ queueName: options.queueName, shards: this.shards, onCluster: (options.redisCluster ?? []).length > 0 });
  }

  /**
   * Sends one batch; resolves once Redis has accepted its job on every shard it touches. If one shard refuses, the
   * whole batch is sent again later: the parts already accepted are then recorded twice over, which applies once.
   */
  async deliver(batch: InterceptionEventBatch): Promise<void> {
    await Promise.all(
      splitBatchByShard(batch, this.shards).map(({ shard, batch: part }) =>
        deliverInBatchSpan(part, this.queueNames[shard], () => lastValueFrom(this.emit(INTERCEPTION_BATCH_JOB, part), { defaultValue: undefined })),
      ),
    );
  }

  async connect(): Promise<Queue[]> {
    if (this.queues) return this.queues;
    const connection = openRecordingRedis({ redisUrl: this.options.redisUrl, redisCluster: this.options.redisCluster ?? [] }, REDIS_PRESETS.queueProducer);
    connection.on('error', () => undefined); // reported through the failing sends
    this.connection = connection;
    this.queues = this.queueNames.map((name) => {
      const queue = new Queue(name, { connection, prefix: this.options.prefix });
      queue.on('error', () => undefined);
      return queue;
    });
    return this.queues;
  }

  async close(): Promise<void> {
    const { queues, connection } = this;
    this.queues = undefined;
    this.connection = undefined;
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await connection?.quit().catch(() => connection.disconnect());
  }

  /** The shards' queues, in shard order. */
  unwrap<T>(): T {
    if (!this.queues) throw new Error('the recording client is not connected');
    return this.queues as T;
  }

  /** `emit(INTERCEPTION_BATCH_JOB, batch)` lands here: one job per batch (per shard's part of a batch). */
  protected async dispatchEvent<T = undefined>(packet: ReadPacket<InterceptionEventBatch>): Promise<T> {
    const queues = await this.connect();
    const [first] = packet.data.events;
    const queue = queues[first ? interceptionShard(first.interceptionId, this.shards) : 0];
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
