import type { Logger, SqlQuery } from '@tollgate/platform';
import { systemClock, type Clock, type TimerHandle } from '@tollgate/time';

/** Rows deleted, per table. */
export interface RetentionDeletions {
  interceptions: number;
  token_usages: number;
  user_prompts: number;
  tool_usages: number;
}

export const RETENTION_TABLES = ['interceptions', 'token_usages', 'user_prompts', 'tool_usages'] as const satisfies ReadonlyArray<keyof RetentionDeletions>;

/**
 * One statement (so one short transaction): up to `batchSize` of the oldest interceptions started before `cutoff`,
 * with their usage, prompt and tool rows. `SKIP LOCKED`: rows another recorder replica (or the ended handler) holds
 * are left for a later batch instead of waited for, so replicas sweeping at once never block each other.
 */
const DELETE_EXPIRED_BATCH = `
WITH expired AS (
  SELECT id FROM interceptions WHERE started_at < $1 ORDER BY started_at LIMIT $2 FOR UPDATE SKIP LOCKED
), token_rows AS (
  DELETE FROM token_usages WHERE interception_id IN (SELECT id FROM expired) RETURNING 1
), prompt_rows AS (
  DELETE FROM user_prompts WHERE interception_id IN (SELECT id FROM expired) RETURNING 1
), tool_rows AS (
  DELETE FROM tool_usages WHERE interception_id IN (SELECT id FROM expired) RETURNING 1
), interception_rows AS (
  DELETE FROM interceptions WHERE id IN (SELECT id FROM expired) RETURNING 1
)
SELECT (SELECT count(*) FROM interception_rows)::int AS interceptions,
       (SELECT count(*) FROM token_rows)::int AS token_usages,
       (SELECT count(*) FROM prompt_rows)::int AS user_prompts,
       (SELECT count(*) FROM tool_rows)::int AS tool_usages`;

export async function deleteExpiredBatch(sql: SqlQuery, cutoff: Date, batchSize: number): Promise<RetentionDeletions> {
  const [row] = await sql.query<RetentionDeletions>(DELETE_EXPIRED_BATCH, [cutoff, batchSize]);
  return row;
}

export interface RetentionSweeperOptions {
  sql: SqlQuery;
  /** Interceptions that started longer ago than this are deleted. */
  retentionMs: number;
  intervalMs: number;
  /** Interceptions per transaction. */
  batchSize?: number;
  /** Called after each batch that deleted something (the recorder counts them in a metric). */
  onDeleted?: (deleted: RetentionDeletions) => void;
  logger: Logger;
  /** Default: the system clock. */
  clock?: Clock;
}

/**
 * `recording.retention`: every `intervalMs`, deletes the interceptions past the retention batch by batch until none
 * is left. A failed sweep is logged and tried again at the next interval.
 */
export class RetentionSweeper {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  private readonly clock: Clock;

  constructor(private readonly options: RetentionSweeperOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the timer and waits for a sweep in progress to finish its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await this.running;
  }

  /** Deletes every interception past the retention now; returns the total per table. */
  async sweep(): Promise<RetentionDeletions> {
    const { sql, retentionMs, onDeleted } = this.options;
    const batchSize = this.options.batchSize ?? 500;
    const cutoff = new Date(this.clock.now() - retentionMs);
    const total: RetentionDeletions = { interceptions: 0, token_usages: 0, user_prompts: 0, tool_usages: 0 };
    for (;;) {
      const deleted = await deleteExpiredBatch(sql, cutoff, batchSize);
      if (deleted.interceptions > 0) onDeleted?.(deleted);
      for (const table of RETENTION_TABLES) total[table] += deleted[table];
      if (deleted.interceptions < batchSize || this.stopped) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.running = this.sweep()
        .then((total) => {
          if (total.interceptions > 0) this.options.logger.info({ deleted: total }, 'deleted interceptions past the retention');
        })
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'retention sweep failed; trying again at the next interval'))
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs, { background: true });
  }
}
