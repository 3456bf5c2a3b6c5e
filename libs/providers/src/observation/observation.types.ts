import type { SseEvent } from '../sse/sse.parser';

/** One upstream response's token counts, as recorded in `token_usages`. */
export interface TokenUsage {
  providerResponseId: string;
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  /** Every other non-zero counter of the provider's usage object, keyed by its dotted path there. */
  extra: Record<string, number>;
}

/** A tool call the model chose, as recorded in `tool_usages`. */
export interface ToolCall {
  providerResponseId: string;
  toolCallId: string;
  name: string;
  /** The arguments as JSON text (assembled from the stream's fragments, possibly cut short if it broke). */
  arguments: string;
}

/** What the gateway learned from one upstream answer (blocking body or stream). */
export interface ResponseObservation {
  responseId?: string;
  model?: string;
  tokenUsages: TokenUsage[];
  toolCalls: ToolCall[];
  /** An error the upstream reported inside a 2xx answer (an SSE error event, a failed response). */
  error?: { type: string; message: string };
  /** Responses streams: the last `sequence_number` seen, so a gateway-made error event can follow it. */
  lastSequenceNumber?: number;
}

/** The same shape, named for the streaming side. */
export type StreamObservation = ResponseObservation;

/** Watches the events of one upstream stream; `result()` may be called at any time, e.g. after an early end. */
export interface StreamObserver {
  onEvent(event: SseEvent): void;
  result(): ResponseObservation;
}
