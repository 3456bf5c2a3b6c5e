import type { IncomingHttpHeaders } from 'node:http';
import { accountHeadersOfAllProviders, HOP_BY_HOP_HEADERS } from '@tollgate/providers';
import { isRateLimitHeader } from '../limits/rate-limit.headers';

/** Not relayed to the client: hop-by-hop headers, and the length (the gateway frames what it writes itself). */
const NOT_RELAYED = new Set([...HOP_BY_HOP_HEADERS, 'content-length']);

/**
 * Answer headers that describe the provider account behind a pool key: the company's organisation and project ids
 * (each provider description's account headers), and cookies the provider sets for that account. A user served from
 * the pool must not learn or hold them.
 */
export const POOL_ACCOUNT_RESPONSE_HEADERS: readonly string[] = ['set-cookie', 'set-cookie2', ...accountHeadersOfAllProviders('response')];

const NOT_RELAYED_FOR_POOL_KEY = new Set([...NOT_RELAYED, ...POOL_ACCOUNT_RESPONSE_HEADERS]);

/** Header values as `writeHead` takes them. */
export type ResponseHeaders = Record<string, string | string[] | number>;

/**
 * Upstream response headers worth giving the client (everything but hop-by-hop and length framing, and for an answer
 * to a pool key also the pool account's headers), then `extra`. When `extra` carries the gateway's own rate-limit
 * headers (a limited caller), the upstream's rate-limit headers are all left out: they describe the key, not the caller.
 */
export function relayedResponseHeaders(upstream: IncomingHttpHeaders, extra: Readonly<ResponseHeaders> | undefined, servedByPoolKey: boolean): ResponseHeaders {
  const dropped = servedByPoolKey ? NOT_RELAYED_FOR_POOL_KEY : NOT_RELAYED;
  const replacesRateLimits = extra !== undefined && carriesRateLimitHeaders(extra);
  const headers: ResponseHeaders = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value !== undefined && !dropped.has(name) && !(replacesRateLimits && isRateLimitHeader(name))) headers[name] = value;
  }
  if (extra) Object.assign(headers, extra);
  return headers;
}

/** Sets the SSE response headers on `headers` (the client must not buffer or cache the stream). */
export function withEventStreamHeaders(headers: ResponseHeaders): ResponseHeaders {
  headers['content-type'] = 'text/event-stream';
  headers['cache-control'] = 'no-cache';
  headers['x-accel-buffering'] = 'no';
  return headers;
}

function carriesRateLimitHeaders(headers: Readonly<ResponseHeaders>): boolean {
  for (const name in headers) if (isRateLimitHeader(name)) return true;
  return false;
}
