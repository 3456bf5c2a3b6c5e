import type { BridgedApi } from '../provider-type';

export interface StreamErrorDetails {
  type: string;
  message: string;
  code?: string;
}

/**
 * The SSE bytes of one error event for a stream already open to the client, in the API's own shape:
 * - Anthropic: `event: error` + `{"type":"error","error":{"type","message"}}`
 * - OpenAI chat: `{"error":{"type","code","message"}}` (`code` null when absent)
 * - Responses: `event: error` + `{"type":"error","code","message","param":null,"sequence_number"}`; the event has
 *   no error-type field, so `code` falls back to the type. Pass the number after the last one the client saw.
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
  }
}
