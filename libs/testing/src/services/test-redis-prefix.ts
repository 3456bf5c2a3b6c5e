import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { testRedisUrl } from './test-services.env';

export interface TestRedisPrefix {
  /** A key prefix no other test uses (use it as the BullMQ `prefix` or a key-namespace). */
  prefix: string;
  /** Deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

export function createTestRedisPrefix(redisUrl: string = testRedisUrl()): TestRedisPrefix {
  const prefix = `tollgate-test-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  return {
    prefix,
    async cleanup() {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
      try {
        await redis.connect();
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
