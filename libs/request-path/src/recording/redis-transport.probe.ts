import { describeRecordingRedis, openRecordingRedis, REDIS_PRESETS } from '@tollgate/platform';
import { probeReachability, type ProbeResult, type RecordingTransportProbe } from '@tollgate/recording';
import type { Cluster, Redis } from 'ioredis';

export interface RedisTransportProbeOptions {
  redisUrl?: string;
  /** Seed URLs of the Redis Cluster holding the queue (`recording.redisCluster`); empty or absent: `redisUrl`. */
  redisCluster?: string[];
  /** A PING not answered within this long counts as unreachable (default 1 s). */
  timeoutMs?: number;
}

/**
 * Pings the Redis that holds the recording queue, on a connection of its own (the BullMQ sink keeps its connection
 * to itself). The connection fails commands at once while Redis is away and reconnects in the background.
 */
export class RedisTransportProbe implements RecordingTransportProbe {
  private readonly redis: Redis | Cluster;
  private readonly timeoutMs: number;
  private readonly target: string;

  constructor(options: RedisTransportProbeOptions) {
    this.timeoutMs = options.timeoutMs ?? 1_000;
    const target = { redisUrl: options.redisUrl, redisCluster: options.redisCluster ?? [] };
    this.target = describeRecordingRedis(target);
    this.redis = openRecordingRedis(target, REDIS_PRESETS.probe);
    this.redis.on('error', () => undefined); // reported through check()
  }

  check(): Promise<ProbeResult> {
    return probeReachability(this.target, this.timeoutMs, () => this.redis.ping());
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
