import { errorShapeFor, sseErrorEvent } from '@tollgate/providers';
import type { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';
import { EventStreamWriter } from '../http/event-stream.writer';
import { relayedResponseHeaders, type ResponseHeaders } from '../http/relayed-headers';
import type { UpstreamResponse } from '../upstream/upstream.client';
import type { BridgedRequest } from './bridged-request';

/**
 * How a bridged request answers its client, for a plain interception and the tool loop alike: a whole upstream
 * answer, an SSE stream (with the provider's keep-alive ping), or a gateway error — provider-shaped JSON while
 * nothing was sent, else one SSE error event on the open stream.
 */
export class ClientAnswer {
  private stream: EventStreamWriter | undefined;

  constructor(
    private readonly request: BridgedRequest,
    private readonly idHeader: Record<string, string>,
    private readonly pingIntervalMs: number,
  ) {}

  /** The upstream answer whole, with its relayed headers and exact length. */
  blocking(upstream: UpstreamResponse, body: Buffer): void {
    const headers = this.relayedHeaders(upstream);
    headers['content-length'] = body.length;
    this.request.timing.markFirstByte();
    this.request.out.writeHead(upstream.statusCode, headers);
    this.request.out.end(body);
  }

  /**
   * The client's event stream, opened on first use with the upstream's status and relayed headers. Its pings keep it
   * alive through upstream silence and through the tool loop's tool calls.
   */
  openStream(upstream: UpstreamResponse): EventStreamWriter {
    if (!this.stream) {
      const ping = this.request.provider.description.streamPing;
      const keepAlive = ping === undefined ? undefined : { ping, intervalMs: this.pingIntervalMs };
      this.stream = EventStreamWriter.open(this.request.out, upstream.statusCode, this.relayedHeaders(upstream), this.request.timing, keepAlive);
    }
    return this.stream;
  }

  /** The stream, if it is open. */
  get openedStream(): EventStreamWriter | undefined {
    return this.stream;
  }

  error(error: GatewayError): void {
    const { out, provider, api } = this.request;
    if (!out.headersSent) writeGatewayError(out, provider.description, error, this.idHeader);
    else if (this.stream) {
      const shape = errorShapeFor(provider.description, error.kind);
      this.stream.writeEvent(sseErrorEvent(api, { type: shape.type, code: shape.code, message: error.message, status: shape.status }));
    }
  }

  /** Ends an open stream (and its pings); a blocking answer has ended already. */
  end(): void {
    this.stream?.end();
  }

  private relayedHeaders(upstream: UpstreamResponse): ResponseHeaders {
    return relayedResponseHeaders(upstream.headers, this.idHeader, this.request.plan.kind === 'centralized');
  }
}
