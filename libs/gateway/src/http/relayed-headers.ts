import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

/** Header values as `writeHead` takes them. */
export type ResponseHeaders = Record<string, string | string[] | number>;

/** Upstream response headers worth giving the client (everything but hop-by-hop and length framing), then `extra`. */
export function relayedResponseHeaders(upstream: IncomingHttpHeaders, extra?: Readonly<ResponseHeaders>): ResponseHeaders {
  const headers: ResponseHeaders = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
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
