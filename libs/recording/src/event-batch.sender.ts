import type { InterceptionEventBatch } from './recording-jobs';

/**
 * Hands one batch of interception events to the recording transport: the queue in Redis (standalone gateway) or the
 * database (all-in-one). `deliver` resolves once the batch is durably accepted and rejects otherwise; the caller then
 * sends its events again (possibly in another batch: every event is applied once, however often it is sent).
 */
export interface EventBatchSender {
  /** Set when batches must arrive in the order they were made (the in-process writer): one is sent at a time. */
  readonly inOrder?: boolean;
  deliver(batch: InterceptionEventBatch): Promise<void>;
  /** Releases connections; batches in flight settle first. */
  close(): Promise<void>;
}
