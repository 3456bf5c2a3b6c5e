import Redis, { type RedisOptions } from 'ioredis';

/**
 * How each user of Redis wants a dead or slow Redis to fail, as ioredis options. Every connection the code opens
 * takes one of these; they differ where the users' needs differ.
 */
export const REDIS_PRESETS = {
  /**
   * Shared key state, commands: no offline queue and one retry, so a dead Redis fails a command at once and the key
   * pool serves from its local view. A short disconnectTimeout: ioredis arms it even for a socket that is already
   * gone (closing while Redis is down), and the timer would otherwise hold the process open for 2 s at shutdown.
   */
  keyStateCommands: { enableOfflineQueue: false, maxRetriesPerRequest: 1, autoResubscribe: false, disconnectTimeout: 200, commandTimeout: 2_000 },
  /** Shared key state, the change subscription: as the commands, without a command timeout (SUBSCRIBE blocks). */
  keyStateSubscriber: { enableOfflineQueue: false, maxRetriesPerRequest: 1, autoResubscribe: false, disconnectTimeout: 200 },
  /** Identity directory change announcements: best effort, failing at once while Redis is away (the poll covers it). */
  directoryPublisher: { enableOfflineQueue: false, maxRetriesPerRequest: 1, disconnectTimeout: 200, commandTimeout: 2_000 },
  /** The identity directory's change subscription: its owner subscribes again after every reconnect. */
  directorySubscriber: { enableOfflineQueue: false, maxRetriesPerRequest: 1, autoResubscribe: false, disconnectTimeout: 200 },
  /**
   * State a request waits on (budget counters, stored-object owners): one retry and a command timeout, so a dead
   * Redis refuses the request within seconds instead of holding it.
   */
  requestState: { maxRetriesPerRequest: 1, commandTimeout: 2_000 },
  /**
   * Rate-limit counters, checked on every limited request and admitted without limits when Redis fails: no offline
   * queue and a short command timeout, so a dead Redis costs a request no more than a second (at once when the
   * connection is known to be down); a short disconnectTimeout as for the key state.
   */
  limitCounters: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000, disconnectTimeout: 200 },
  /**
   * The gateway's recording producer: commands fail at once while Redis is away instead of queueing, so a batch
   * fails fast and is sent again later; the client reconnects in the background. (No commandTimeout: it would make a
   * failure of BullMQ's start-up INFO permanent; the producer has its own send timeout.)
   */
  queueProducer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, disconnectTimeout: 100 },
  /** A reachability probe: no retry, no offline queue; the probe has its own timeout. */
  probe: { maxRetriesPerRequest: 0, enableOfflineQueue: false, disconnectTimeout: 100 },
  /** A BullMQ worker: its blocking commands must wait for Redis however long it is away (BullMQ requires this). */
  queueWorker: { maxRetriesPerRequest: null },
  /** The recorder's own queue commands (failed jobs, the old queue's backlog): a few retries, then an error. */
  queueAdmin: { maxRetriesPerRequest: 3 },
} as const satisfies Record<string, RedisOptions>;

/** A redis:// URL, or ioredis options (tests reach Redis through a proxy or retry faster). */
export type RedisTarget = string | RedisOptions;

/** Opens a connection to `target` with `preset`'s options, which take precedence over options `target` sets. */
export function openRedis(target: RedisTarget, preset: RedisOptions): Redis {
  return typeof target === 'string' ? new Redis(target, preset) : new Redis({ ...target, ...preset });
}
