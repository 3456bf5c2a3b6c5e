import type { Logger } from '@tollgate/platform';
import { deliverInBatchSpan, type EventBatchSender, type InterceptionEventBatch } from '@tollgate/recording';
import { flushInterceptionEvents } from './interception-batch.flush';
import type { InterceptionEventWriter } from './interception-event.writer';

/**
 * Embedded mode (no Redis): each batch goes straight to the database writer in this process, off the request path.
 * A database failure rejects the batch, and the producer sends its events again. An event the database refuses for
 * its data, or an `ended` whose `started` was refused, can never be recorded: it is logged as an error with its
 * interception id and set aside, and the rest of the batch is accepted. Batches arrive in the order they were made
 * (`inOrder`: the producer keeps one in flight), so an `ended` never overtakes its `started`.
 */
export class EmbeddedBatchSender implements EventBatchSender {
  readonly inOrder = true;

  constructor(
    private readonly writer: InterceptionEventWriter,
    private readonly logger: Logger,
  ) {}

  deliver(batch: InterceptionEventBatch): Promise<void> {
    return deliverInBatchSpan(batch, 'database', () => this.write(batch));
  }

  private async write(batch: InterceptionEventBatch): Promise<void> {
    const results = await flushInterceptionEvents(this.writer, batch.events);
    results.forEach((result, index) => {
      if (result.ok) return;
      const event = batch.events[index];
      this.logger.error({ err: result.error, interceptionId: event.interceptionId, event: event.name }, 'recording event cannot be recorded; set aside');
    });
  }

  async close(): Promise<void> {}
}
