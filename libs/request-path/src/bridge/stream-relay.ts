import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventBoundary, SseEventTooLarge, SseParser, createStreamObserver, isJsonObject, parseJsonObject, sseErrorEvent, type BridgedApi, type StreamObservation } from '@tollgate/providers';
import type { UpstreamResponse } from '../upstream/upstream.client';
import { classifyTransportError } from '../upstream/upstream.client';
import type { ClientConnection } from '../http/client-connection';
import type { RequestTiming } from '../http/request-timing';
import { withEventStreamHeaders, type ResponseHeaders } from '../http/relayed-headers';

export const ANTHROPIC_PING = 'event: ping\ndata: {"type": "ping"}\n\n';

/** What broke an upstream stream after bytes reached the client, for the record. */
export function upstreamStreamFailure(error: unknown): { type: string; message: string } {
  if (error instanceof SseEventTooLarge) return { type: 'upstream_event_too_large', message: error.message };
  return classifyTransportError(error) === 'timeout'
    ? { type: 'timeout', message: 'upstream stream stalled (idle timeout)' }
    : { type: 'upstream_stream_error', message: `upstream stream broke: ${(error as Error).message}` };
}

/** The one SSE error event that ends a broken stream, numbered after the last event the client saw (Responses). */
export function streamFailureEvent(api: BridgedApi, failure: { type: string; message: string }, observation: StreamObservation): string {
  const sequenceNumber = (observation.lastSequenceNumber ?? -1) + 1;
  return sseErrorEvent(api, { type: failure.type === 'timeout' ? 'timeout' : 'api_error', message: failure.message }, sequenceNumber);
}

export interface StreamRelayResult {
  observation: StreamObservation;
  /** Set when the stream broke after bytes reached the client (the client got one SSE error event). */
  failure?: { type: string; message: string };
  clientDisconnected: boolean;
}

/**
 * Forwards upstream SSE bytes to the client exactly as they arrive, while a side parser reads a copy for usage,
 * tool calls and errors. A broken upstream becomes one SSE error event; Anthropic streams get a ping every
 * `pingIntervalMs` of upstream silence. `onResponseCreated` (Responses) is awaited with the response id before the
 * bytes that carry it reach the client.
 */
export async function relayStream(
  api: BridgedApi,
  upstream: UpstreamResponse,
  out: ServerResponse,
  headers: ResponseHeaders,
  connection: ClientConnection,
  timing: RequestTiming,
  pingIntervalMs: number,
  maxEventBytes: number,
  onResponseCreated?: (responseId: string) => Promise<void>,
): Promise<StreamRelayResult> {
  out.writeHead(upstream.statusCode, withEventStreamHeaders(headers));
  out.flushHeaders();
  timing.markFirstByte();

  const parser = new SseParser(maxEventBytes);
  const observer = createStreamObserver(api);
  const relayed = new EventBoundary();
  const ping = api === 'anthropic-messages' ? setTimeout(function sendPing() {
    // An upstream silent in the middle of an event: a ping there would be glued onto it.
    if (relayed.isAtBoundary()) out.write(ANTHROPIC_PING);
    ping?.refresh();
  }, pingIntervalMs) : undefined;

  let failure: StreamRelayResult['failure'];
  let announceCreated = onResponseCreated;
  try {
    for await (const chunk of upstream.body) {
      ping?.refresh();
      const events = parser.push(chunk);
      for (const event of events) observer.onEvent(event);
      if (announceCreated) {
        const created = events.find((event) => event.event === 'response.created');
        const responseId = created && createdResponseId(created.data);
        if (responseId) {
          announceCreated = undefined;
          await onResponseCreated!(responseId);
        }
      }
      relayed.observe(chunk);
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
    for (const event of parser.end()) observer.onEvent(event);
  } catch (error) {
    if (!connection.isDisconnected) {
      failure = upstreamStreamFailure(error);
      // An oversized event or a broken upstream may leave an event half relayed: close it first, so the error event
      // is read as an event of its own.
      out.write(relayed.terminator() + streamFailureEvent(api, failure, observer.result()));
    }
  } finally {
    if (ping) clearTimeout(ping);
    if (!out.writableEnded) out.end();
  }
  return { observation: observer.result(), failure, clientDisconnected: connection.isDisconnected };
}

function createdResponseId(data: string): string | undefined {
  const payload = parseJsonObject(data);
  const response = payload && payload.response;
  return isJsonObject(response) && typeof response.id === 'string' ? response.id : undefined;
}
