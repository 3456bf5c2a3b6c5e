import type { InterceptionEvent } from './interception-event.schema';

/**
 * Where the gateway sends interception events. `publish` resolves once the event is durably accepted (in the queue,
 * or written in embedded mode) and rejects otherwise; `close` drains what is in flight.
 */
export interface InterceptionEventSink {
  publish(event: InterceptionEvent): Promise<void>;
  close(): Promise<void>;
}
