import Redis from 'ioredis';
import { createTestRedisPrefix, testRedisUrl, type TestRedisPrefix } from '@tollgate/testing';
import { RedisStoredObjectOwners } from './redis-stored-object.owners';

describe('RedisStoredObjectOwners (real Redis)', () => {
  let prefix: TestRedisPrefix;
  let redis: Redis;
  const stores: RedisStoredObjectOwners[] = [];

  function store(ttlMs = 3_600_000): RedisStoredObjectOwners {
    const created = new RedisStoredObjectOwners({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:`, ttlMs });
    stores.push(created);
    return created;
  }

  beforeAll(() => {
    prefix = createTestRedisPrefix();
    redis = new Redis(testRedisUrl());
  });

  afterAll(async () => {
    for (const created of stores) await created.close();
    redis.disconnect();
    await prefix.cleanup();
  });

  it('one replica records, another answers the owner; unknown ids, other kinds and other providers have none', async () => {
    const replicaA = store();
    const replicaB = store();
    await replicaA.record('openai', 'response', 'resp_1', 'alice');
    expect(await replicaB.ownerOf('openai', 'response', 'resp_1')).toBe('alice');
    expect(await replicaB.ownerOf('openai', 'conversation', 'resp_1')).toBeUndefined();
    expect(await replicaB.ownerOf('compat', 'response', 'resp_1')).toBeUndefined();
    expect(await replicaB.ownerOf('openai', 'response', 'resp_2')).toBeUndefined();
    expect(await redis.get(`${prefix.prefix}:owner:openai:response:resp_1`)).toBe('alice');
  });

  it('keeps each owner for the TTL, restarted by every lookup', async () => {
    const owners = store(3_600_000);
    await owners.record('openai', 'conversation', 'conv_1', 'bob');
    const key = `${prefix.prefix}:owner:openai:conversation:conv_1`;
    await redis.expire(key, 10);
    expect(await owners.ownerOf('openai', 'conversation', 'conv_1')).toBe('bob');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(3_500);
    expect(ttl).toBeLessThanOrEqual(3_600);
  });
});
