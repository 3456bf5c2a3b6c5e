import type { SseEvent } from '../sse/sse.parser';
import type { AssistantTurn } from './agentic.types';

/**
 * Turns the upstream streams of every loop iteration into the one stream the client sees. Each iteration's events
 * go through `push`; when an iteration asked only for injected tools, `nextIteration` returns its assistant turn
 * (for the continuation request) and resets; the last iteration is closed with `finish`.
 */
export interface StreamMerger {
  /** SSE text to send to the client now for one upstream event ('' when held back or suppressed). */
  push(event: SseEvent): string;
  /** The iteration just streamed is continued by the loop: its assistant turn. */
  nextIteration(): AssistantTurn;
  /** The iteration just streamed is the last: SSE text that closes the client's stream, usage summed. */
  finish(): string;
}

/** Serialises one SSE event. */
export function sseText(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
