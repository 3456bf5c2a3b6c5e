import { randomUUID } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import type { DirectoryChangeNotifier } from '@tollgate/byok';

export interface RedisDirectoryNotifierOptions {
  /** A redis:// URL or ioredis options. */
  redis: string | RedisOptions;
  /** Prefix of every key, e.g. `tollgate:`; the channel is `${keyPrefix}directory-changes`. */
  keyPrefix: string;
}

/**
 * Redis pub/sub between replicas: after a replica commits a directory change (a revoked token, a new team policy…)
 * it publishes its instance id on one channel; every other replica follows the change log at once. The message
 * carries no user, token or team: it only says "look now". A message lost while Redis is down is covered by the
 * directory's poll, and a subscriber that reconnects looks once more.
 */
export class RedisDirectoryNotifier implements DirectoryChangeNotifier {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly instanceId = randomUUID();

  constructor(options: RedisDirectoryNotifierOptions) {
    const enforced: RedisOptions = { maxRetriesPerRequest: 1 };
    const connect = () => (typeof options.redis === 'string' ? new Redis(options.redis, enforced) : new Redis({ ...options.redis, ...enforced }));
    this.publisher = connect();
    this.subscriber = connect();
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
    let subscribed = false;
    let attempted = false;
    const subscribe = () =>
      this.subscriber.subscribe(this.channel).then(
        () => (subscribed = true),
        () => undefined,
      );
    this.subscriber.on('ready', () => {
      if (!attempted) return;
      // ioredis subscribes again by itself once it had; announcements made while the connection was down are lost.
      if (!subscribed) void subscribe();
      onChange();
    });
    await subscribe();
    attempted = true;
  }

  async close(): Promise<void> {
    for (const connection of [this.subscriber, this.publisher]) {
      if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
      else connection.disconnect();
    }
  }
}
