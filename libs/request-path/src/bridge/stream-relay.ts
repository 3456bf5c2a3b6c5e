import { SseEventTooLarge, SseParser, createStreamObserver, isJsonObject, parseJsonObject, sseErrorEvent, type BridgedApi, type SseEvent, type StreamObservation } from '@tollgate/providers';
import type { ClientConnection } from '../http/client-connection';
import type { EventStreamWriter } from '../http/event-stream.writer';
import type { UpstreamResponse } from '../upstream/upstream.client';
import { classifyTransportError } from '../upstream/upstream.client';
import type { ExchangeFailure } from './upstream-exchange';

/** What broke an upstream stream after bytes reached the client, for the record. */
export function upstreamStreamFailure(error: unknown): ExchangeFailure {
  if (error instanceof SseEventTooLarge) return { type: 'upstream_event_too_large', message: error.message };
  return classifyTransportError(error) === 'timeout'
    ? { type: 'timeout', message: 'upstream stream stalled (idle timeout)' }
    : { type: 'upstream_stream_error', message: `upstream stream broke: ${(error as Error).message}` };
}

/** The one SSE error event that ends a broken stream, numbered after the last event the client saw (Responses). */
export function streamFailureEvent(api: BridgedApi, failure: ExchangeFailure, observation: StreamObservation): string {
  const sequenceNumber = (observation.lastSequenceNumber ?? -1) + 1;
  return sseErrorEvent(api, { type: failure.type === 'timeout' ? 'timeout' : 'api_error', message: failure.message }, sequenceNumber);
}

export interface PumpedStream {
  observation: StreamObservation;
  /** Set when the upstream stream broke while the client was still there. */
  failure?: ExchangeFailure;
  clientDisconnected: boolean;
}

/**
 * Reads an upstream SSE stream to its end. Every event is observed (usage, tool calls, errors), then handed with the
 * chunk that completed it to `forward`, which writes what the client sees; what the parser still held at the end
 * comes without a chunk. A broken upstream ends the pump with `failure`.
 */
export async function pumpStream(
  api: BridgedApi,
  upstream: UpstreamResponse,
  maxEventBytes: number,
  connection: ClientConnection,
  forward: (events: readonly SseEvent[], chunk?: Buffer) => Promise<void>,
): Promise<PumpedStream> {
  const parser = new SseParser(maxEventBytes);
  const observer = createStreamObserver(api);
  let failure: ExchangeFailure | undefined;
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      const events = parser.push(chunk);
      for (const event of events) observer.onEvent(event);
      await forward(events, chunk);
    }
    const rest = parser.end();
    for (const event of rest) observer.onEvent(event);
    await forward(rest);
  } catch (error) {
    if (!connection.isDisconnected) failure = upstreamStreamFailure(error);
  }
  return { observation: observer.result(), failure, clientDisconnected: connection.isDisconnected };
}

/**
 * Forwards upstream SSE bytes to the client exactly as they arrive, while a side parser reads a copy for usage,
 * tool calls and errors. A broken upstream becomes one SSE error event. `onResponseCreated` (Responses) is awaited
 * with the response id before the bytes that carry it reach the client.
 */
export async function relayStream(
  api: BridgedApi,
  upstream: UpstreamResponse,
  stream: EventStreamWriter,
  connection: ClientConnection,
  maxEventBytes: number,
  onResponseCreated?: (responseId: string) => Promise<void>,
): Promise<PumpedStream> {
  let announceCreated = onResponseCreated;
  try {
    const relayed = await pumpStream(api, upstream, maxEventBytes, connection, async (events, chunk) => {
      if (!chunk) return;
      if (announceCreated) {
        const created = events.find((event) => event.event === 'response.created');
        const responseId = created && createdResponseId(created.data);
        if (responseId) {
          const announce = announceCreated;
          announceCreated = undefined;
          await announce(responseId);
        }
      }
      await stream.write(chunk);
    });
    if (relayed.failure) stream.writeEvent(streamFailureEvent(api, relayed.failure, relayed.observation));
    return relayed;
  } finally {
    stream.end();
  }
}

function createdResponseId(data: string): string | undefined {
  const payload = parseJsonObject(data);
  const response = payload && payload.response;
  return isJsonObject(response) && typeof response.id === 'string' ? response.id : undefined;
}
