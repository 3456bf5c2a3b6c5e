import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from '@tollgate/providers';

const ANSWERS: Record<string, { status: number; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'the request was not received in time' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'request_headers_too_large', message: 'the request headers are too large' },
};
const MALFORMED = { status: 400, code: 'invalid_request', message: 'malformed HTTP request' };

/**
 * Answers a message Node's HTTP parser refused (broken framing, bad header bytes, oversized headers, timeout) before
 * any route saw it. The route is unknown, so the body has the OpenAI shape, like every unrouted answer.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const answer = (error.code && ANSWERS[error.code]) || MALFORMED;
  const body = errorBody('openai', { type: 'invalid_request_error', code: answer.code, message: answer.message });
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
