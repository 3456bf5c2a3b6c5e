import type { ServerResponse } from 'node:http';
import { errorBody, errorShapeFor, type ProviderType } from '@tollgate/providers';
import type { GatewayError } from './gateway-error';

/** Writes a gateway-made error as JSON in the route's provider shape, so SDKs raise their usual typed errors. */
export function writeGatewayError(
  out: ServerResponse,
  providerType: ProviderType,
  error: GatewayError,
  headers: Record<string, string> = {},
): void {
  const shape = errorShapeFor(providerType, error.kind);
  const body = errorBody(providerType, { type: shape.type, code: shape.code, message: error.message });
  const responseHeaders: Record<string, string | number> = {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0) responseHeaders['retry-after'] = String(error.retryAfterSeconds);
  out.writeHead(shape.status, responseHeaders);
  out.end(body);
}
