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

/** Every key under `prefix` and its value, whatever the type, as one text: for tests that scan Redis for secrets. */
export async function dumpRedisKeyspace(prefix: string, redisUrl: string = testRedisUrl()): Promise<string> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    const dump: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        dump.push(key);
        if (type === 'string') dump.push((await redis.get(key)) ?? '');
        if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
        if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        if (type === 'set') dump.push(JSON.stringify(await redis.smembers(key)));
        if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, 0, -1)));
        if (type === 'stream') dump.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
    return dump.join('\n');
  } finally {
    redis.disconnect();
  }
}
