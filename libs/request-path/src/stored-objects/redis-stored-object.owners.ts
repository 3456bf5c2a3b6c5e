import { openRedis, REDIS_PRESETS, type RedisTarget } from '@tollgate/platform';
import type Redis from 'ioredis';
import type { StoredObjectKind } from '@tollgate/providers';
import { storedObjectKey, type StoredObjectOwners } from './stored-object.owners';

export interface RedisStoredObjectOwnersOptions {
  /** A redis:// URL or ioredis options (`REDIS_PRESETS.requestState` applies on top). */
  redis: RedisTarget;
  /** Prefix of every key, e.g. `tollgate:`; owners are `${keyPrefix}owner:{provider}:{kind}:{id}`. */
  keyPrefix: string;
  ttlMs: number;
}

/** Owners shared by every replica: one Redis string per object holding the user id, with the owner TTL. */
export class RedisStoredObjectOwners implements StoredObjectOwners {
  private readonly redis: Redis;
  private readonly ttlSeconds: number;

  constructor(private readonly options: RedisStoredObjectOwnersOptions) {
    this.ttlSeconds = Math.max(1, Math.ceil(options.ttlMs / 1000));
    this.redis = openRedis(options.redis, REDIS_PRESETS.requestState);
    this.redis.on('error', () => undefined);
  }

  async record(provider: string, kind: StoredObjectKind, id: string, userId: string): Promise<void> {
    await this.redis.set(this.key(provider, kind, id), userId, 'EX', this.ttlSeconds);
  }

  async ownerOf(provider: string, kind: StoredObjectKind, id: string): Promise<string | undefined> {
    return (await this.redis.getex(this.key(provider, kind, id), 'EX', this.ttlSeconds)) ?? undefined;
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  key(provider: string, kind: StoredObjectKind, id: string): string {
    return `${this.options.keyPrefix}owner:${storedObjectKey(provider, kind, id)}`;
  }
}
