import type { MockAnswer } from './mock-upstream.types';

/** What a responder wants sent; the response writer applies the step's timing and interruptions to it. */
export interface JsonPlan {
  kind: 'json';
  status: number;
  /** Serialized as JSON, or sent verbatim as text/plain when a string. */
  body: unknown;
}

/** A server-sent-event stream as ready-to-write frames. */
export interface StreamPlan {
  kind: 'stream';
  /** Opening frames, sent before the first chunk. */
  head: string[];
  /** One frame per text chunk / tool-argument fragment. */
  deltas: string[];
  /** Closing frames, sent after the last chunk. */
  tail: string[];
  /** The provider's in-stream error frame, given how many frames were already sent. */
  errorFrame(framesSent: number): string;
}

export type ResponsePlan = JsonPlan | StreamPlan;

export function jsonPlan(body: unknown, status = 200): JsonPlan {
  return { kind: 'json', status, body };
}

export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** The plan as a test reads it (`ReceivedRequest.answer`). */
export function describePlan(plan: ResponsePlan, status: number): MockAnswer {
  if (plan.kind === 'json') return { status, body: plan.body };
  const events: unknown[] = [];
  for (const frame of [...plan.head, ...plan.deltas, ...plan.tail]) {
    for (const line of frame.split('\n')) {
      if (line.startsWith('data: ') && line !== 'data: [DONE]') events.push(JSON.parse(line.slice('data: '.length)));
    }
  }
  return { status, events };
}
