import { probeReachability, type ProbeResult, type RecordingTransportProbe } from '@tollgate/recording';
import Redis from 'ioredis';

export interface RedisTransportProbeOptions {
  redisUrl: string;
  /** A PING not answered within this long counts as unreachable (default 1 s). */
  timeoutMs?: number;
}

/**
 * Pings the Redis that holds the recording queue, on a connection of its own (the BullMQ sink keeps its connection
 * to itself). The connection fails commands at once while Redis is away and reconnects in the background.
 */
export class RedisTransportProbe implements RecordingTransportProbe {
  private readonly redis: Redis;
  private readonly timeoutMs: number;
  private readonly target: string;

  constructor(options: RedisTransportProbeOptions) {
    this.timeoutMs = options.timeoutMs ?? 1_000;
    const url = new URL(options.redisUrl);
    this.target = `redis ${url.hostname}:${url.port || '6379'}`;
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, disconnectTimeout: 100 });
    this.redis.on('error', () => undefined); // reported through check()
  }

  check(): Promise<ProbeResult> {
    return probeReachability(this.target, this.timeoutMs, () => this.redis.ping());
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
