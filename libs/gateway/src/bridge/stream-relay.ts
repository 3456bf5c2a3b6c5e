import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SseParser, createStreamObserver, sseErrorEvent, type BridgedApi, type StreamObservation } from '@tollgate/providers';
import type { UpstreamResponse } from '../upstream/upstream.client';
import { classifyTransportError } from '../upstream/upstream.client';
import type { ClientConnection } from '../http/client-connection';

const ANTHROPIC_PING = 'event: ping\ndata: {"type": "ping"}\n\n';

export interface StreamRelayResult {
  observation: StreamObservation;
  /** Set when the stream broke after bytes reached the client (the client got one SSE error event). */
  failure?: { type: string; message: string };
  clientDisconnected: boolean;
}

/**
 * Forwards upstream SSE bytes to the client exactly as they arrive, while a side parser reads a copy for usage,
 * tool calls and errors. A broken upstream becomes one SSE error event; Anthropic streams get a ping every
 * `pingIntervalMs` of upstream silence.
 */
export async function relayStream(
  api: BridgedApi,
  upstream: UpstreamResponse,
  out: ServerResponse,
  headers: Record<string, string | string[]>,
  connection: ClientConnection,
  pingIntervalMs: number,
): Promise<StreamRelayResult> {
  out.writeHead(upstream.statusCode, {
    ...headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  out.flushHeaders();

  const parser = new SseParser();
  const observer = createStreamObserver(api);
  const ping = api === 'anthropic-messages' ? setTimeout(function sendPing() {
    out.write(ANTHROPIC_PING);
    ping?.refresh();
  }, pingIntervalMs) : undefined;

  let failure: StreamRelayResult['failure'];
  try {
    for await (const chunk of upstream.body) {
      ping?.refresh();
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
      for (const event of parser.push(chunk)) observer.onEvent(event);
    }
    for (const event of parser.end()) observer.onEvent(event);
  } catch (error) {
    if (!connection.isDisconnected) {
      const timedOut = classifyTransportError(error) === 'timeout';
      failure = timedOut
        ? { type: 'timeout', message: 'upstream stream stalled (idle timeout)' }
        : { type: 'upstream_stream_error', message: `upstream stream broke: ${(error as Error).message}` };
      const sequenceNumber = (observer.result().lastSequenceNumber ?? -1) + 1;
      out.write(sseErrorEvent(api, { type: timedOut ? 'timeout' : 'api_error', message: failure.message }, sequenceNumber));
    }
  } finally {
    if (ping) clearTimeout(ping);
    if (!out.writableEnded) out.end();
  }
  return { observation: observer.result(), failure, clientDisconnected: connection.isDisconnected };
}
