import type { TollgateDataSource } from '@tollgate/persistence';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { Clock } from '@tollgate/time';
import type { Registry } from 'prom-client';

/** What the recorder is started with: the validated config and the logger; the rest is for tests. */
export interface RecorderOptions {
  config: TollgateConfig;
  logger: Logger;
  /** A database the caller opened and closes itself. Default: the configured one, migrated at start if configured. */
  dataSource?: TollgateDataSource;
  /** Default: a new registry with Node's default metrics. */
  registry?: Registry;
  /** In-process waits for the parent row of an `ended` event (default PARENT_RETRY_DELAYS_MS). */
  parentRetry?: { delaysMs: readonly number[] };
  /** Times the parent-row waits and the retention sweeps (not the group commit's waits). Default: the system clock. */
  clock?: Clock;
  /** BullMQ lock timings: a dead worker's jobs are taken over after `durationMs`. Default 30 s each. */
  lock?: { durationMs: number; stalledIntervalMs: number };
}
