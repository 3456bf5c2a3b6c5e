import { BoundCounter, BoundHistogram } from '@tollgate/platform';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The recorder's Prometheus metrics. `event` is an interception event name, or `invalid` for an entry that is not a
 * valid event; `job` is a recording job name (`interception.batch`, or a one-event job of an older gateway). The ones
 * counted per event are bound metrics: no label hashing per observation.
 */
export class RecorderMetrics {
  readonly processed: BoundCounter<'event'>;
  readonly failed: BoundCounter<'event'>;
  readonly lagSeconds: BoundHistogram<never>;
  readonly queueDepth: Gauge;
  readonly queueDepthByQueue: Gauge<'queue'>;
  readonly jobsProcessed: BoundCounter<'job'>;
  readonly eventsPerTransaction: BoundHistogram<never>;
  readonly retentionDeletedRows: Counter<'table'>;

  /** `readQueueDepths` is called at scrape time (waiting + delayed jobs, by queue name). */
  constructor(
    readonly registry: Registry,
    readQueueDepths: () => Promise<Map<string, number>>,
  ) {
    this.processed = new BoundCounter(registry, {
      name: 'tollgate_recording_events_processed_total',
      help: 'Interception events whose rows are committed (or were already: a replay).',
      labelNames: ['event'],
    });
    this.failed = new BoundCounter(registry, {
      name: 'tollgate_recording_events_failed_total',
      help: 'Failed processing attempts of interception events (BullMQ retries their job; see the failed set).',
      labelNames: ['event'],
    });
    this.lagSeconds = new BoundHistogram(
      registry,
      {
        name: 'tollgate_recording_lag_seconds',
        help: 'Time from an interception event occurring in the gateway to its rows being committed.',
        labelNames: [],
      },
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    );
    // Both depth gauges are collected in the same scrape: they share one read of the queues.
    let reading: Promise<Map<string, number>> | undefined;
    const readDepthsOnce = () => (reading ??= readQueueDepths().finally(() => (reading = undefined)));
    this.queueDepth = new Gauge({
      name: 'tollgate_recording_queue_depth',
      help: 'Recording jobs (batches) waiting in the queues (waiting + delayed, every shard), read at scrape time.',
      registers: [registry],
      async collect() {
        try {
          let total = 0;
          for (const depth of (await readDepthsOnce()).values()) total += depth;
          this.set(total);
        } catch {
          // Redis unreachable: report no value rather than failing the whole scrape.
          this.reset();
        }
      },
    });
    this.queueDepthByQueue = new Gauge({
      name: 'tollgate_recording_queue_depth_by_queue',
      help: 'Recording jobs (batches) waiting (waiting + delayed) in each queue the recorder consumes (every shard), read at scrape time.',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const [queue, depth] of await readDepthsOnce()) this.labels(queue).set(depth);
        } catch {
          // as above: no value
        }
      },
    });
    this.jobsProcessed = new BoundCounter(registry, {
      name: 'tollgate_recording_batches_processed_total',
      help: 'Recording jobs completed (every event recorded): batches, or one-event jobs of older gateways.',
      labelNames: ['job'],
    });
    this.eventsPerTransaction = new BoundHistogram(
      registry,
      { name: 'tollgate_recording_transaction_events', help: 'Events written together in one transaction (the events of one or more jobs).', labelNames: [] },
      [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    );
    this.retentionDeletedRows = new Counter({
      name: 'tollgate_recording_retention_deleted_rows_total',
      help: 'Rows deleted because their interception is older than recording.retention, by table.',
      labelNames: ['table'],
      registers: [registry],
    });
  }
}
