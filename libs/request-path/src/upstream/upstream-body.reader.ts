import { GatewayError } from '../errors/gateway-error';
import type { UpstreamResponse } from './upstream.client';

/** A blocking upstream body larger than `server.upstream.maxResponseBytes`: the client gets 502. */
export class UpstreamResponseTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the upstream response body exceeds ${limit} bytes (server.upstream.maxResponseBytes)`);
  }

  toGatewayError(): GatewayError {
    return new GatewayError('upstream_response_too_large', this.message);
  }
}

/**
 * Reads a blocking upstream body of at most `limit` bytes. A declared `content-length` over it is refused before a
 * byte is read; a body that grows past it stops being read. Either way the upstream connection is dropped and
 * UpstreamResponseTooLarge thrown; transport errors are thrown as they are.
 */
export async function readUpstreamBody(upstream: UpstreamResponse, limit: number): Promise<Buffer> {
  const declared = Number(upstream.headers['content-length']);
  if (declared > limit) {
    upstream.body.once('error', () => undefined); // undici reports its own abort: nothing to handle
    upstream.body.destroy();
    throw new UpstreamResponseTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new UpstreamResponseTooLarge(limit); // leaving the loop destroys the body
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}
