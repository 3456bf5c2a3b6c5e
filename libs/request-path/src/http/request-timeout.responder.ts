import type { ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody, errorShapeFor, type ProviderRef } from '@tollgate/providers';
import type { TollgateConfig } from '@tollgate/platform';
import { answerClientError } from './client-error.handler';

/** Node's own limits on how long a request may take to arrive (its 408 is ours: see RequestTimeoutResponder). */
export function serverTimeouts(server: TollgateConfig['server']): ServerOptions {
  return {
    headersTimeout: server.headersTimeoutMs,
    requestTimeout: server.requestTimeoutMs,
    // Node looks for expired requests this often (default 30 s, far too coarse for second-scale timeouts).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, server.headersTimeoutMs / 2)),
  };
}

/** The request a connection is receiving: its response, and the provider shape it is answered in (none: the API's). */
interface RequestInFlight {
  response: ServerResponse;
  provider?: ProviderRef;
}

/**
 * The server's one `clientError` listener. Answers a request that did not arrive in time (headers or body dribbled)
 * with 408 in the provider's error shape when its route is known, the API's shape otherwise, and closes the
 * connection; every other message Node's parser refused goes to `answerClientError`.
 */
export class RequestTimeoutResponder {
  private readonly inFlight = new WeakMap<Duplex, RequestInFlight>();

  track(response: ServerResponse, provider?: ProviderRef): void {
    this.inFlight.set(response.req.socket, { response, provider });
  }

  readonly onClientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
    const current = this.inFlight.get(socket);
    const pending = current && !current.response.writableFinished ? current : undefined;
    if (pending?.response.headersSent) {
      socket.destroy();
      return;
    }
    if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
      answerClientError(error, socket);
      return;
    }
    if (socket.writable) socket.write(timeoutResponse(pending?.provider));
    socket.destroy();
  };
}

function timeoutResponse(provider: ProviderRef | undefined): string {
  const message = 'the request did not arrive within the server timeout';
  let body: string;
  if (provider) {
    const shape = errorShapeFor(provider, 'request_timeout');
    body = errorBody(provider, { type: shape.type, code: shape.code, message, status: shape.status });
  } else {
    body = JSON.stringify({ error: { type: 'request_timeout', message } });
  }
  return rawResponse('408 Request Timeout', body);
}

function rawResponse(status: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
