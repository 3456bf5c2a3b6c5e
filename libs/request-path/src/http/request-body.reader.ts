import type { IncomingMessage } from 'node:http';

/** What reading a request body gave: the bytes, a body over the limit, or nothing because the client went away. */
export type RequestBody = { kind: 'body'; bytes: Buffer } | { kind: 'too_large' } | { kind: 'aborted' };

const EMPTY: RequestBody = { kind: 'body', bytes: Buffer.alloc(0) };
const TOO_LARGE: RequestBody = { kind: 'too_large' };
const ABORTED: RequestBody = { kind: 'aborted' };

/**
 * Reads a request body of at most `limit` bytes. A declared `content-length` over the limit is refused before a byte
 * is read; a body that grows past it stops being read (the caller answers 413 and closes the connection).
 */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<RequestBody> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve(TOO_LARGE);
  if (declared === '0' || (declared === undefined && request.headers['transfer-encoding'] === undefined)) {
    request.resume(); // no body to read (HTTP/1.1); let the parser finish the message
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve) => new BodyCollector(request, limit, resolve));
}

/** Whether a body follows the request's headers (HTTP/1.1: a non-zero content-length or a transfer-encoding). */
export function requestHasBody(request: IncomingMessage): boolean {
  const declared = request.headers['content-length'];
  return declared === undefined ? request.headers['transfer-encoding'] !== undefined : declared !== '0';
}

/** Collects `data` chunks with listeners on the request itself (no async iterator per request). */
class BodyCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly request: IncomingMessage,
    private readonly limit: number,
    private readonly settle: (body: RequestBody) => void,
  ) {
    request.on('data', this.onData);
    request.once('end', this.onEnd);
    request.once('aborted', this.onAborted);
    request.once('error', this.onAborted);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.finish(TOO_LARGE);
      this.request.pause();
      return;
    }
    this.chunks.push(chunk);
  };

  private readonly onEnd = (): void => {
    const { chunks, size } = this;
    this.finish({ kind: 'body', bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
  };

  private readonly onAborted = (): void => this.finish(ABORTED);

  private finish(body: RequestBody): void {
    this.request.off('data', this.onData);
    this.request.off('end', this.onEnd);
    this.request.off('aborted', this.onAborted);
    this.request.off('error', this.onAborted);
    this.settle(body);
  }
}
