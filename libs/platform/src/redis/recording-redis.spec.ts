import Redis, { Cluster } from 'ioredis';
import { describeRecordingRedis, openRecordingRedis } from './recording-redis';

describe('the recording queue Redis connection', () => {
  const opened: (Redis | Cluster)[] = [];
  afterEach(() => {
    for (const connection of opened.splice(0)) connection.disconnect();
  });
  const open = (...args: Parameters<typeof openRecordingRedis>) => {
    const connection = openRecordingRedis(...args);
    connection.on('error', () => undefined);
    opened.push(connection);
    return connection;
  };

  it('is REDIS_URL without cluster seeds', () => {
    const connection = open({ redisUrl: 'redis://127.0.0.1:1', redisCluster: [] }, { lazyConnect: true });
    expect(connection).toBeInstanceOf(Redis);
    expect(connection).not.toBeInstanceOf(Cluster);
  });

  it('is a cluster client on the seeds, with the first seed credentials and TLS for every node', () => {
    const connection = open(
      { redisUrl: 'redis://127.0.0.1:1', redisCluster: ['rediss://ops:p%40ss@127.0.0.1:2', 'rediss://127.0.0.1:3'] },
      { lazyConnect: true, maxRetriesPerRequest: null },
    ) as Cluster;
    expect(connection).toBeInstanceOf(Cluster);
    expect(connection.options.redisOptions).toMatchObject({ username: 'ops', password: 'p@ss', tls: {}, maxRetriesPerRequest: null });
  });

  it('refuses to open without a target', () => {
    expect(() => openRecordingRedis({ redisCluster: [] })).toThrow('the recording queue needs REDIS_URL or recording.redisCluster');
  });

  it('names the target without credentials', () => {
    expect(describeRecordingRedis({ redisUrl: 'redis://:secret@cache:6380', redisCluster: [] })).toBe('redis cache:6380');
    expect(describeRecordingRedis({ redisCluster: ['redis://u:secret@10.0.0.1:7000', 'redis://10.0.0.2'] })).toBe('redis cluster 10.0.0.1:7000,10.0.0.2:6379');
  });
});
