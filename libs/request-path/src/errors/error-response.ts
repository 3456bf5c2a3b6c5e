import type { ServerResponse } from 'node:http';
import { describeProvider, type ProviderRef } from '@tollgate/providers';
import type { GatewayError } from './gateway-error';

/** Writes a gateway-made error as JSON in the route's provider shape, so SDKs raise their usual typed errors. */
export function writeGatewayError(
  out: ServerResponse,
  provider: ProviderRef,
  error: GatewayError,
  headers: Record<string, string> = {},
): void {
  const description = describeProvider(provider);
  const shape = description.errorShapes[error.kind];
  const body = description.errorBody({ type: shape.type, code: shape.code, message: error.message, status: shape.status });
  const responseHeaders: Record<string, string | number> = {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0) responseHeaders['retry-after'] = String(error.retryAfterSeconds);
  out.writeHead(shape.status, responseHeaders);
  out.end(body);
}
