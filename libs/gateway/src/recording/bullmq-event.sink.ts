import { parseInterceptionEvent, interceptionJobId, type InterceptionEvent, type InterceptionEventSink } from '@tollgate/recording';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Counter, Registry } from 'prom-client';

export interface BullmqEventSinkOptions {
  redisUrl: string;
  queueName: string;
  /** BullMQ key prefix (Redis keys are `${prefix}:${queueName}:…`). */
  prefix: string;
  /** Processing attempts per event before it lands in the failed set. */
  attempts: number;
  /** First retry delay; BullMQ doubles it on each further attempt. */
  backoffMs: number;
  /** Where `tollgate_recording_events_enqueued_total` is registered; a private registry if omitted. */
  registry?: Registry;
  /**
   * A publish not accepted within this long fails (default 5 s), e.g. while Redis is still unreachable at start.
   * The job may still be added afterwards; a retried publish of the same event is then a no-op.
   */
  publishTimeoutMs?: number;
}

// A completed job is kept this long so that a publish retried after it completed is still recognised as a
// duplicate; the count bounds Redis memory at full throughput. Replays past that are harmless (handlers are
// idempotent), only wasted work.
const KEEP_COMPLETED = { age: 15 * 60, count: 100_000 };

/**
 * The gateway's producer: each event becomes one BullMQ job with a deterministic id, so publishing the same event
 * again (a retried request, a retry after a timeout) does not create a second job while the first is known.
 * `publish` resolves once Redis has accepted the job. Failed jobs are kept for an operator to inspect and retry.
 */
export class BullmqEventSink implements InterceptionEventSink {
  private readonly connection: Redis;
  private readonly queue: Queue;
  private readonly enqueued: Counter<'event'>;
  private closed = false;

  constructor(private readonly options: BullmqEventSinkOptions) {
    // Commands fail at once while Redis is disconnected instead of queueing: the caller decides (503 or fail open).
    // The client keeps reconnecting in the background. disconnectTimeout: when close() has to force the connection
    // shut, do not linger on a dead socket. (No ioredis commandTimeout and no skipWaitingForReady: either makes a
    // failure of BullMQ's start-up INFO permanent, so the queue would never recover; publish has its own timeout.)
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, disconnectTimeout: 100, enableAutoPipelining: true });
    this.connection.on('error', () => undefined); // reported through the failing publish calls
    this.queue = new Queue(options.queueName, { connection: this.connection, prefix: options.prefix });
    this.queue.on('error', () => undefined);
    this.enqueued = enqueuedCounter(options.registry ?? new Registry());
  }

  async publish(event: InterceptionEvent): Promise<void> {
    if (this.closed) throw new Error('the recording sink is closed');
    const valid = parseInterceptionEvent(event);
    const adding = this.queue.add(valid.name, valid, {
      jobId: interceptionJobId(valid),
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: false,
    });
    await withTimeout(adding, this.options.publishTimeoutMs ?? 5_000, `recording queue did not accept ${valid.name} in time`);
    this.enqueued.inc({ event: valid.name });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

function enqueuedCounter(registry: Registry): Counter<'event'> {
  const name = 'tollgate_recording_events_enqueued_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'event'>;
  return new Counter({ name, help: 'Interception events accepted by the recording queue.', labelNames: ['event'], registers: [registry] });
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // a late failure after the timeout is already reported
  }
}
