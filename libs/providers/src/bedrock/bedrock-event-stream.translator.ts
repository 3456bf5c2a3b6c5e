import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { isJsonObject } from '../json-value';
import { anthropicErrorType } from './bedrock-error.translator';

/**
 * Turns the bytes of a Bedrock `InvokeModelWithResponseStream` answer (`application/vnd.amazon.eventstream`) into
 * Anthropic SSE as they arrive. Each `chunk` event carries one Anthropic stream event, base64 in `{"bytes": …}`; it
 * becomes `event: <type>\ndata: <json>\n\n`. An exception message becomes Anthropic's SSE `error` event. The codec
 * decodes whole messages only: bytes wait here until the message their prelude announces is complete.
 */
export class BedrockEventStreamTranslator {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private pending: Buffer = Buffer.alloc(0);

  /** The SSE text of every message `chunk` completes ('' while a message is still incomplete). */
  push(chunk: Uint8Array): string {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    let sse = '';
    // Each message starts with its total length (4 bytes, big-endian), itself included.
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (this.pending.length < length) break;
      sse += sseOfMessage(this.codec.decode(this.pending.subarray(0, length)));
      this.pending = this.pending.subarray(length);
    }
    return sse;
  }

  /** At the end of the upstream body; a message cut short means the stream broke. */
  end(): string {
    if (this.pending.length > 0) throw new Error(`the Bedrock event stream ended inside a message (${this.pending.length} bytes left)`);
    return '';
  }
}

function header(message: Message, name: string): string | undefined {
  const value = message.headers[name];
  return value && value.type === 'string' ? value.value : undefined;
}

function sseOfMessage(message: Message): string {
  const messageType = header(message, ':message-type') ?? 'event';
  if (messageType === 'event') {
    return header(message, ':event-type') === 'chunk' ? sseOfChunk(message.body) : '';
  }
  // `exception` (modeled: throttlingException, modelStreamErrorException…) or `error` (`:error-code`, `:error-message`).
  const name = messageType === 'exception' ? header(message, ':exception-type') : header(message, ':error-code');
  const text = toUtf8(message.body);
  const detail = messageType === 'error' ? header(message, ':error-message') : exceptionMessage(text);
  return anthropicSseError(anthropicErrorType(name, 500), detail ?? `Bedrock stream failed${name ? ` (${name})` : ''}`);
}

function sseOfChunk(payload: Uint8Array): string {
  const envelope = parseObject(toUtf8(payload));
  const bytes = envelope && typeof envelope.bytes === 'string' ? envelope.bytes : undefined;
  if (bytes === undefined) return '';
  const json = Buffer.from(bytes, 'base64').toString('utf8');
  const event = parseObject(json);
  if (!event || typeof event.type !== 'string') return '';
  // An SSE data line may not hold a line break; Bedrock's events are compact JSON, re-serialised only if not.
  const data = json.includes('\n') || json.includes('\r') ? JSON.stringify(event) : json;
  return `event: ${event.type}\ndata: ${data}\n\n`;
}

function exceptionMessage(text: string): string | undefined {
  const body = parseObject(text);
  const message = body && (body.message ?? body.Message);
  return typeof message === 'string' ? message : undefined;
}

function anthropicSseError(type: string, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
