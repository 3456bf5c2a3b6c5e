import type { InterceptionEventBatch } from './recording-jobs';

/** `recording.queueShards` ranges over 1…MAX_QUEUE_SHARDS. */
export const MAX_QUEUE_SHARDS = 256;

export interface RecordingQueueLayout {
  /** `recording.queueName`: the one queue's name without sharding, the stem of the shards' names with it. */
  queueName: string;
  /** `recording.queueShards`. */
  shards: number;
  /** The queue is on a Redis Cluster (`recording.redisCluster`): every queue name needs a hash tag. */
  onCluster: boolean;
}

/**
 * The shard of an interception: FNV-1a (32 bits) of its id, modulo the shard count. Stable across processes and
 * versions, so every gateway sends both events of an interception to the same queue.
 */
export function interceptionShard(interceptionId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < interceptionId.length; index += 1) {
    hash ^= interceptionId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * The BullMQ queue names of a layout, by shard. One shard off a cluster keeps `queueName` itself, so turning
 * sharding off (or never on) is the queue of before. Otherwise shard i is `{queueName-i}`: the braces are a Redis
 * Cluster hash tag, so all keys of one queue hash to one slot while the shards spread over the cluster's nodes.
 */
export function recordingQueueNames(layout: RecordingQueueLayout): string[] {
  if (layout.shards === 1 && !layout.onCluster) return [layout.queueName];
  return Array.from({ length: layout.shards }, (_, shard) => `{${layout.queueName}-${shard}}`);
}

/**
 * The queues a recorder consumes: those of `layout`, plus those of the shard count before a change
 * (`recording.drainQueueShards`), which still hold events and still receive them from gateways not yet restarted.
 */
export function consumedQueueNames(layout: RecordingQueueLayout, drainShards: number | undefined): string[] {
  const current = recordingQueueNames(layout);
  if (drainShards === undefined) return current;
  return [...new Set([...current, ...recordingQueueNames({ ...layout, shards: drainShards })])];
}

export interface ShardBatch {
  shard: number;
  batch: InterceptionEventBatch;
}

/**
 * Splits a batch into one batch per shard that has events, in shard order, each event keeping its place relative to
 * the others of its shard. With one shard the batch is returned as it is (same batch id); otherwise each part's id is
 * the batch id and its shard, so a part sent again is still the same job.
 */
export function splitBatchByShard(batch: InterceptionEventBatch, shards: number): ShardBatch[] {
  if (shards <= 1) return [{ shard: 0, batch }];
  const byShard = new Map<number, InterceptionEventBatch['events']>();
  for (const event of batch.events) {
    const shard = interceptionShard(event.interceptionId, shards);
    const events = byShard.get(shard);
    if (events) events.push(event);
    else byShard.set(shard, [event]);
  }
  return [...byShard.entries()]
    .sort(([left], [right]) => left - right)
    .map(([shard, events]) => ({ shard, batch: { batchId: `${batch.batchId}-${shard}`, events } }));
}
