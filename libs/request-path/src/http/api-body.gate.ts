import type { IncomingMessage, ServerResponse } from 'node:http';
import { presentsAdminToken } from '../auth/presented-tokens';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';
import type { GatewayRuntime } from '@tollgate/gateway';
import { callerTokenOf } from '../auth/presented-tokens';
import { requestHasBody } from './request-body.reader';

/**
 * The admin and user APIs (served by Fastify, which reads and parses a body before Nest's guards run): a request
 * with a body is refused here, before a byte of it is read, unless it presents the token its route needs and its
 * declared size fits `server.apiMaxBodyBytes`. No other non-provider route takes a body: those get the usual 404.
 * Refusals close the connection, so the unread body is never drained. Says whether it answered.
 */
export function refuseApiBodyBeforeReading(runtime: GatewayRuntime, request: IncomingMessage, response: ServerResponse): boolean {
  if (!requestHasBody(request)) return false;
  const method = request.method ?? 'GET';
  const url = request.url ?? '/';
  const path = url.split('?', 1)[0];
  const close = { connection: 'close' };
  const needs = tokenNeededFor(path);
  if (!needs) {
    writeGatewayError(response, 'openai', new GatewayError('not_found', `route not supported: ${method} ${path}`), close);
    return true;
  }
  const authenticated =
    needs === 'admin'
      ? presentsAdminToken(request.headers, runtime.config.auth.adminTokens)
      : runtime.resolveCaller(callerTokenOf(request.headers) ?? '') !== undefined;
  if (!authenticated) {
    writeApiError(response, 401, 'authentication_error', needs === 'admin' ? 'a valid admin token is required' : 'a valid gateway token (tg_…) is required');
    return true;
  }
  const limit = runtime.config.server.apiMaxBodyBytes;
  if (Number(request.headers['content-length'] ?? 0) > limit) {
    writeApiError(response, 413, 'payload_too_large', `request body exceeds ${limit} bytes`);
    return true;
  }
  return false;
}

function tokenNeededFor(path: string): 'admin' | 'caller' | undefined {
  if (path.startsWith('/admin/')) return 'admin';
  if (path === '/v1/me' || path.startsWith('/v1/me/')) return 'caller';
  return undefined;
}

function writeApiError(response: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ error: { type, message } });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}
