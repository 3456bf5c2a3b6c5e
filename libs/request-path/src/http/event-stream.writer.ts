import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventBoundary } from '@tollgate/providers';
import type { RequestTiming } from './request-timing';
import { withEventStreamHeaders, type ResponseHeaders } from './relayed-headers';

/** The provider's keep-alive event and how long the stream may stay silent before it is sent. */
export interface KeepAlive {
  ping: string;
  intervalMs: number;
}

/**
 * The client's side of an SSE answer: the head, the provider's keep-alive ping through silence, writes that wait for
 * the client to drain, and events of the gateway's own — never glued onto an event that was cut mid-way.
 */
export class EventStreamWriter {
  private readonly sent = new EventBoundary();
  private ping: NodeJS.Timeout | undefined;

  private constructor(private readonly out: ServerResponse) {}

  /** Writes the SSE head (`status`, `headers` and the event-stream headers) and starts the pings, if any. */
  static open(out: ServerResponse, status: number, headers: ResponseHeaders, timing: RequestTiming, keepAlive?: KeepAlive): EventStreamWriter {
    out.writeHead(status, withEventStreamHeaders(headers));
    out.flushHeaders();
    timing.markFirstByte();
    const stream = new EventStreamWriter(out);
    if (keepAlive) stream.ping = setTimeout(() => stream.sendPing(keepAlive.ping), keepAlive.intervalMs);
    return stream;
  }

  /** Sends `chunk` as it is; resolves once the client can take more (or is gone). */
  async write(chunk: Uint8Array | string): Promise<void> {
    if (chunk.length === 0 || this.out.writableEnded) return;
    this.ping?.refresh();
    this.sent.observe(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (!this.out.write(chunk)) await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
  }

  /** One event of the gateway's own (an error), standing alone even after an upstream event cut short. */
  writeEvent(event: string): void {
    if (this.out.writableEnded) return;
    this.out.write(this.sent.terminator() + event);
  }

  end(): void {
    if (this.ping) clearTimeout(this.ping);
    if (!this.out.writableEnded) this.out.end();
  }

  private sendPing(ping: string): void {
    // An upstream silent in the middle of an event: a ping there would be glued onto it.
    if (!this.out.writableEnded && this.sent.isAtBoundary()) this.out.write(ping);
    this.ping?.refresh();
  }
}
