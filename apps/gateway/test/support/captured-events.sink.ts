import type { InterceptionEvent, InterceptionEventSink } from '@tollgate/recording';

/** An event sink that keeps what it receives, for tests of the HTTP surface that are not about recording. */
export class CapturedEventsSink implements InterceptionEventSink {
  readonly events: InterceptionEvent[] = [];
  failNextPublishes = 0;

  async publish(event: InterceptionEvent): Promise<void> {
    if (this.failNextPublishes > 0) {
      this.failNextPublishes--;
      throw new Error('queue unavailable');
    }
    this.events.push(event);
  }

  async close(): Promise<void> {}

  ended(interceptionId: string) {
    return this.events.find((event) => event.name === 'interception.ended' && event.interceptionId === interceptionId);
  }

  started(interceptionId: string) {
    return this.events.find((event) => event.name === 'interception.started' && event.interceptionId === interceptionId);
  }

  /** Waits for the detached `ended` event of an interception. */
  async waitForEnded(interceptionId: string, timeoutMs = 5_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.ended(interceptionId);
      if (event && event.name === 'interception.ended') return event;
      if (Date.now() > deadline) throw new Error(`no interception.ended for ${interceptionId} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
