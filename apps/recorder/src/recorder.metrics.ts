import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The recorder's Prometheus metrics. `event` is an interception event name, or `invalid` for a bad payload. */
export class RecorderMetrics {
  readonly processed: Counter<'event'>;
  readonly failed: Counter<'event'>;
  readonly lagSeconds: Histogram;
  readonly queueDepth: Gauge;

  /** `readQueueDepth` is called at scrape time (waiting + delayed jobs). */
  constructor(registry: Registry, readQueueDepth: () => Promise<number>) {
    this.processed = new Counter({
      name: 'tollgate_recording_events_processed_total',
      help: 'Interception events whose rows are committed (or were already: a replay).',
      labelNames: ['event'],
      registers: [registry],
    });
    this.failed = new Counter({
      name: 'tollgate_recording_events_failed_total',
      help: 'Failed processing attempts of interception events (BullMQ retries them; see the failed set).',
      labelNames: ['event'],
      registers: [registry],
    });
    this.lagSeconds = new Histogram({
      name: 'tollgate_recording_lag_seconds',
      help: 'Time from an interception event occurring in the gateway to its rows being committed.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    });
    this.queueDepth = new Gauge({
      name: 'tollgate_recording_queue_depth',
      help: 'Interception events waiting in the recording queue (waiting + delayed), read at scrape time.',
      registers: [registry],
      async collect() {
        try {
          this.set(await readQueueDepth());
        } catch {
          // Redis unreachable: report no value rather than failing the whole scrape.
          this.reset();
        }
      },
    });
  }
}
