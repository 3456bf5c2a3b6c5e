import { parseInterceptionEvent, type EventBatchSender, type InterceptionEvent, type InterceptionEventBatch } from '@tollgate/recording';

/**
 * A recording transport that keeps the batches it receives, for tests of the HTTP surface. Every event is checked
 * against the contract on arrival (the gateway itself no longer validates its own events), so a test that records
 * an invalid event fails.
 */
export class CapturedEventsSink implements EventBatchSender {
  readonly events: InterceptionEvent[] = [];
  readonly batches: InterceptionEventBatch[] = [];
  /** The next deliveries fail, as while the queue is unreachable. */
  failNextDeliveries = 0;
  /** Set while the queue is down: every delivery fails until it is cleared. */
  down = false;

  async deliver(batch: InterceptionEventBatch): Promise<void> {
    if (this.down) throw new Error('queue unavailable');
    if (this.failNextDeliveries > 0) {
      this.failNextDeliveries--;
      throw new Error('queue unavailable');
    }
    for (const event of batch.events) parseInterceptionEvent(event);
    this.batches.push(batch);
    this.events.push(...batch.events);
  }

  async close(): Promise<void> {}

  ended(interceptionId: string) {
    return this.events.find((event) => event.name === 'interception.ended' && event.interceptionId === interceptionId);
  }

  started(interceptionId: string) {
    return this.events.find((event) => event.name === 'interception.started' && event.interceptionId === interceptionId);
  }

  /** Waits for the `ended` event of an interception (events are delivered in batches, after the response). */
  async waitForEnded(interceptionId: string, timeoutMs = 5_000) {
    const event = await this.waitFor(() => this.ended(interceptionId), `interception.ended for ${interceptionId}`, timeoutMs);
    if (event.name !== 'interception.ended') throw new Error('unreachable');
    return event;
  }

  /** Waits for the `started` event of an interception. */
  async waitForStarted(interceptionId: string, timeoutMs = 5_000) {
    const event = await this.waitFor(() => this.started(interceptionId), `interception.started for ${interceptionId}`, timeoutMs);
    if (event.name !== 'interception.started') throw new Error('unreachable');
    return event;
  }

  private async waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
