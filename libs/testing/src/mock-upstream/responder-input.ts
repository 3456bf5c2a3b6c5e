import type { MockStep } from './mock-upstream.types';

/** What a responder gets: the parsed request, the step to honour and the resolved chunk count. */
export interface ResponderInput {
  method: string;
  /** The request body when it was a JSON object, otherwise an empty object. */
  body: Record<string, unknown>;
  /** Path segments after the API prefix, e.g. ['responses', 'resp_1', 'cancel']. */
  segments: string[];
  /** The query parameters (Gemini's `alt=sse`). */
  query?: Record<string, string>;
  step: MockStep;
  chunks: number;
}

export function requestedModel(body: Record<string, unknown>, fallback: string): string {
  return typeof body.model === 'string' && body.model !== '' ? body.model : fallback;
}

export function wantsStream(body: Record<string, unknown>): boolean {
  return body.stream === true;
}
