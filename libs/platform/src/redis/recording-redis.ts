import { Cluster, type Redis, type RedisOptions } from 'ioredis';
import { openRedis } from './redis-connection';

/** Where the recording queue lives: a Redis Cluster when `redisCluster` lists seed URLs, else `redisUrl`'s Redis. */
export interface RecordingRedisTarget {
  redisUrl?: string;
  redisCluster: string[];
}

/**
 * Opens a connection to the Redis holding the recording queue, with `options` (one of `REDIS_PRESETS`). On a
 * cluster, `options` apply to every node's connection, and the credentials and TLS of the first seed URL to all of
 * them (the nodes a cluster announces carry none).
 */
export function openRecordingRedis(target: RecordingRedisTarget, options: RedisOptions = {}): Redis | Cluster {
  if (target.redisCluster.length === 0) {
    if (!target.redisUrl) throw new Error('the recording queue needs REDIS_URL or recording.redisCluster');
    return openRedis(target.redisUrl, options);
  }
  const seeds = target.redisCluster.map((url) => new URL(url));
  const [first] = seeds;
  return new Cluster(
    seeds.map((seed) => ({ host: seed.hostname, port: Number(seed.port || 6379) })),
    {
      enableOfflineQueue: options.enableOfflineQueue,
      lazyConnect: options.lazyConnect,
      redisOptions: {
        ...options,
        username: decodeURIComponent(first.username) || undefined,
        password: decodeURIComponent(first.password) || undefined,
        tls: first.protocol === 'rediss:' ? {} : undefined,
      },
    },
  );
}

/** Names the target for logs and probes without credentials: `redis host:port` or `redis cluster host:port,…`. */
export function describeRecordingRedis(target: RecordingRedisTarget): string {
  const address = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  };
  if (target.redisCluster.length > 0) return `redis cluster ${target.redisCluster.map(address).join(',')}`;
  return `redis ${target.redisUrl ? address(target.redisUrl) : '(none)'}`;
}
