import { arrayField, isJsonObject, parseJsonObject, stringField, type JsonObject } from '../json-value';
import type { SseEvent } from '../sse/sse.parser';
import type { AssistantTurn } from './agentic.types';
import { chatAssistantMessage } from './conversation';
import { sseText, type StreamMerger } from './stream-merger';
import { sumUsage } from './usage-sum';

interface ToolCallInProgress {
  id: string;
  name: string;
  arguments: string;
  injected: boolean;
}

/**
 * OpenAI chat: the chunks of every iteration under the first iteration's id, without the injected tool-call deltas
 * and without the `finish_reason` and usage chunk of an iteration the loop continues; then one usage chunk (when the
 * upstream sent usage) with the sum, and one `[DONE]`.
 */
export class OpenAiChatStreamMerger implements StreamMerger {
  private iteration = 1;
  private streamId?: string;
  private text = '';
  private toolCalls = new Map<number, ToolCallInProgress>();
  private heldFinish?: JsonObject;
  private heldUsageChunk?: JsonObject;
  private readonly usages: JsonObject[] = [];

  constructor(private readonly isInjected: (toolName: string) => boolean) {}

  push(event: SseEvent): string {
    if (event.data.trim() === '[DONE]') return '';
    const chunk = parseJsonObject(event.data);
    if (!chunk || isJsonObject(chunk.error)) return sseText(event.data, event.event);
    this.streamId ??= stringField(chunk.id);
    if (this.streamId !== undefined) chunk.id = this.streamId;
    if (isJsonObject(chunk.usage)) {
      this.usages.push(chunk.usage);
      if (arrayField(chunk.choices).length === 0) {
        this.heldUsageChunk = chunk;
        return '';
      }
    }
    const choice = arrayField(chunk.choices)[0];
    if (!isJsonObject(choice)) return sseText(JSON.stringify(chunk));
    const delta = isJsonObject(choice.delta) ? { ...choice.delta } : {};
    this.collect(delta);
    if (this.iteration > 1) delete delta.role;
    const visibleCalls = arrayField(delta.tool_calls).filter((call) => !this.toolCalls.get(callIndex(call))?.injected);
    if (visibleCalls.length > 0) delta.tool_calls = visibleCalls;
    else delete delta.tool_calls;
    const finishReason = choice.finish_reason ?? null;
    if (finishReason !== null) {
      // Held until the loop knows whether this iteration is the last.
      this.heldFinish = { ...chunk, choices: [{ ...choice, delta: {}, finish_reason: finishReason }] };
    }
    // A chunk left with nothing to say (only injected tool-call fragments, a later iteration's role) is dropped.
    if (isEmptyDelta(delta)) return '';
    return sseText(JSON.stringify({ ...chunk, choices: [{ ...choice, delta, finish_reason: null }] }));
  }

  nextIteration(): AssistantTurn {
    const calls = [...this.toolCalls.values()].map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
    const turn = [chatAssistantMessage(this.text === '' ? null : this.text, calls)];
    this.text = '';
    this.toolCalls = new Map();
    this.heldFinish = undefined;
    this.heldUsageChunk = undefined;
    this.iteration += 1;
    return turn;
  }

  finish(): string {
    let out = this.heldFinish ? sseText(JSON.stringify(this.heldFinish)) : '';
    if (this.heldUsageChunk) out += sseText(JSON.stringify({ ...this.heldUsageChunk, usage: sumUsage(this.usages) }));
    return `${out}data: [DONE]\n\n`;
  }

  private collect(delta: JsonObject): void {
    if (typeof delta.content === 'string') this.text += delta.content;
    for (const call of arrayField(delta.tool_calls)) {
      if (!isJsonObject(call)) continue;
      const index = callIndex(call);
      const fn = isJsonObject(call.function) ? call.function : {};
      let progress = this.toolCalls.get(index);
      if (!progress) {
        const name = stringField(fn.name) ?? '';
        progress = { id: stringField(call.id) ?? '', name, arguments: '', injected: this.isInjected(name) };
        this.toolCalls.set(index, progress);
      }
      progress.arguments += stringField(fn.arguments) ?? '';
    }
  }
}

function callIndex(call: unknown): number {
  return isJsonObject(call) && typeof call.index === 'number' ? call.index : 0;
}

function isEmptyDelta(delta: JsonObject): boolean {
  return Object.values(delta).every((value) => value === undefined || value === null || value === '');
}
