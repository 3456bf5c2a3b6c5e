import { openRecordingRedis, REDIS_PRESETS, type TollgateConfig } from '@tollgate/platform';
import { consumedQueueNames } from '@tollgate/recording';
import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

/** The queues a recorder consumes: every shard of `recording.queueShards`, and of `recording.drainQueueShards` if set. */
export function recorderQueueNames(config: TollgateConfig): string[] {
  const { queueName, queueShards, drainQueueShards, redisCluster } = config.recording;
  return consumedQueueNames({ queueName, shards: queueShards, onCluster: redisCluster.length > 0 }, drainQueueShards);
}

/**
 * The recorder's BullMQ `Queue`s on one connection, for what is not consuming: queue depths and the failed set. The
 * transport's workers have connections of their own.
 */
export class RecordingQueues {
  private constructor(
    private readonly connection: Redis | Cluster,
    readonly queues: Queue[],
    private readonly config: TollgateConfig,
  ) {}

  static open(config: TollgateConfig, onError: (error: Error) => void): RecordingQueues {
    const connection = openRecordingRedis({ redisUrl: config.redisUrl, redisCluster: config.recording.redisCluster }, REDIS_PRESETS.queueAdmin);
    connection.on('error', onError);
    const queues = recorderQueueNames(config).map((name) => {
      const queue = new Queue(name, { connection, prefix: config.recording.queuePrefix });
      queue.on('error', onError);
      return queue;
    });
    return new RecordingQueues(connection, queues, config);
  }

  /**
   * Jobs still waiting in the one queue of before sharding (`queueName` itself) when this recorder reads shards only:
   * a change of `queueShards` made without `drainQueueShards` would leave them unrecorded. 0 when it reads that queue
   * or the queue is on a cluster (where that name was never used).
   */
  async jobsLeftInUnreadQueueOfBefore(): Promise<number> {
    const { queueName, queuePrefix, redisCluster } = this.config.recording;
    if (redisCluster.length > 0 || this.queues.some((queue) => queue.name === queueName)) return 0;
    const before = new Queue(queueName, { connection: this.connection, prefix: queuePrefix });
    try {
      return await before.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    } finally {
      await before.close();
    }
  }

  /** Jobs waiting or delayed, by queue name. */
  async depths(): Promise<Map<string, number>> {
    const counts = await Promise.all(this.queues.map((queue) => queue.getJobCountByTypes('waiting', 'delayed')));
    return new Map(this.queues.map((queue, index) => [queue.name, counts[index]]));
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
