import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { DirectoryChangeNotifier } from '@tollgate/byok';
import { openRedis, REDIS_PRESETS, type RedisTarget } from '@tollgate/platform';

export interface RedisDirectoryNotifierOptions {
  /** A redis:// URL or ioredis options (`REDIS_PRESETS.directoryPublisher` / `directorySubscriber` apply on top). */
  redis: RedisTarget;
  /** Prefix of every key, e.g. `tollgate:`; the channel is `${keyPrefix}directory-changes`. */
  keyPrefix: string;
}

/**
 * Redis pub/sub between replicas: after a replica commits a directory change (a revoked token, a new team policy…)
 * it publishes its instance id on one channel; every other replica follows the change log at once. The message
 * carries no user, token or team: it only says "look now". A message lost while Redis is down is covered by the
 * directory's poll, and a subscriber that reconnects subscribes again and looks once more.
 */
export class RedisDirectoryNotifier implements DirectoryChangeNotifier {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly instanceId = randomUUID();

  constructor(options: RedisDirectoryNotifierOptions) {
    this.publisher = openRedis(options.redis, REDIS_PRESETS.directoryPublisher);
    this.subscriber = openRedis(options.redis, REDIS_PRESETS.directorySubscriber);
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.channel = `${options.keyPrefix}directory-changes`;
  }

  publish(): void {
    this.publisher.publish(this.channel, this.instanceId).catch(() => undefined);
  }

  /** Resolves once subscribed, or once the first attempt failed (Redis down: it subscribes when Redis is back). */
  async subscribe(onChange: () => void): Promise<void> {
    this.subscriber.on('message', (channel: string, sender: string) => {
      if (channel === this.channel && sender !== this.instanceId) onChange();
    });
    const subscribe = () => this.subscriber.subscribe(this.channel).then(
      () => undefined,
      () => undefined,
    );
    await this.connected();
    await subscribe();
    this.subscriber.on('ready', () => {
      // A new connection has no subscription; announcements made while there was none are lost: look now.
      void subscribe();
      onChange();
    });
  }

  /** The first connection attempt's end: connected, or failed (then ioredis keeps trying in the background). */
  private connected(): Promise<void> {
    if (this.subscriber.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      this.subscriber.once('ready', resolve);
      this.subscriber.once('error', () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const connection of [this.subscriber, this.publisher]) {
      if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
      else connection.disconnect();
    }
  }
}
