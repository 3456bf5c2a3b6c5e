import type { BridgedApi } from '../provider-type';
import { googleError } from './google-error.body';

export interface StreamErrorDetails {
  type: string;
  message: string;
  code?: string;
  /** The HTTP status the error would have had before the stream opened (Gemini repeats it as `error.code`). */
  status?: number;
}

/**
 * The SSE bytes of one error event for a stream already open to the client, in the API's own shape:
 * - Anthropic: `event: error` + `{"type":"error","error":{"type","message"}}`
 * - OpenAI chat: `{"error":{"type","code","message"}}` (`code` null when absent)
 * - Responses: `event: error` + `{"type":"error","code","message","param":null,"sequence_number"}`; the event has
 *   no error-type field, so `code` falls back to the type. Pass the number after the last one the client saw.
 * - Gemini: `{"error":{"code","message","status"}}` as a plain `data:` event, as Google's streams end on an error.
 */
export function sseErrorEvent(api: BridgedApi, error: StreamErrorDetails, sequenceNumber = 0): string {
  switch (api) {
    case 'anthropic-messages':
      return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } })}\n\n`;
    case 'openai-chat':
    case 'openai-embeddings':
      return `data: ${JSON.stringify({ error: { type: error.type, code: error.code ?? null, message: error.message } })}\n\n`;
    case 'openai-responses': {
      const event = { type: 'error', code: error.code ?? error.type, message: error.message, param: null, sequence_number: sequenceNumber };
      return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
    }
    case 'gemini-generate-content':
    case 'gemini-embeddings':
      return `data: ${JSON.stringify({ error: googleError(error) })}\n\n`;
  }
}
