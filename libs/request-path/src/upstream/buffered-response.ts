import { Readable } from 'node:stream';
import type { UpstreamResponse } from './upstream.client';

/** A body already read whole, readable again the ways the request path reads an upstream body. */
class BufferedBody extends Readable {
  constructor(private readonly bytes: Buffer) {
    super();
    this.push(bytes);
    this.push(null);
  }

  override _read(): void {}

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.length) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }

  async dump(): Promise<void> {
    this.destroy();
  }
}

/** `response` with the body it had, read into `bytes`: relayed as if it had never been read. */
export function withBufferedBody(response: UpstreamResponse, bytes: Buffer): UpstreamResponse {
  return { ...response, body: new BufferedBody(bytes) as unknown as UpstreamResponse['body'] };
}
