import { mockText, mockTextChunks } from './mock-defaults';
import type { MockStep } from './mock-upstream.types';

/** What the assistant says, and how it is cut into stream deltas; shared by every provider's responder. */
export type AnswerContent =
  | { kind: 'text'; text: string; chunks: string[] }
  | { kind: 'tool'; name: string; argumentsJson: string; argumentChunks: string[] };

export function answerContent(step: MockStep, chunkCount: number): AnswerContent {
  const count = Math.max(0, Math.floor(chunkCount));
  if (step.toolCall) {
    const argumentsJson = JSON.stringify(step.toolCall.arguments);
    return { kind: 'tool', name: step.toolCall.name, argumentsJson, argumentChunks: splitText(argumentsJson, count) };
  }
  if (step.text !== undefined) return { kind: 'text', text: step.text, chunks: splitText(step.text, count) };
  return { kind: 'text', text: mockText(count), chunks: mockTextChunks(count) };
}

/** Cuts `text` into `count` pieces of near-equal length (fewer when the text is shorter than `count`). */
export function splitText(text: string, count: number): string[] {
  const pieces = Math.min(count, text.length);
  const result: string[] = [];
  let start = 0;
  for (let i = 0; i < pieces; i++) {
    const end = Math.round(((i + 1) * text.length) / pieces);
    result.push(text.slice(start, end));
    start = end;
  }
  return result;
}
