import { arrayField, isJsonObject, parseJsonObject, stringField, type JsonObject } from '../json-value';
import type { SseEvent } from '../sse/sse.parser';
import type { ResponseObservation, StreamObserver, ToolCall } from './observation.types';
import { anthropicTokenUsage } from './token-usage.mapper';
import { readUpstreamError } from './upstream-error.reader';

/** A blocking Messages API body (`type: "message"`, or `type: "error"`). */
export function observeMessage(body: unknown): ResponseObservation {
  const observation: ResponseObservation = { tokenUsages: [], toolCalls: [] };
  if (!isJsonObject(body)) return observation;
  if (body.type === 'error') {
    observation.error = readUpstreamError(body.error, 'api_error');
    return observation;
  }
  const id = stringField(body.id);
  observation.responseId = id;
  observation.model = stringField(body.model);
  if (isJsonObject(body.usage)) observation.tokenUsages.push(anthropicTokenUsage(id ?? '', body.usage));
  for (const block of arrayField(body.content)) {
    if (!isJsonObject(block) || block.type !== 'tool_use') continue;
    observation.toolCalls.push({
      providerResponseId: id ?? '',
      toolCallId: stringField(block.id) ?? '',
      name: stringField(block.name) ?? '',
      arguments: JSON.stringify(block.input ?? {}),
    });
  }
  return observation;
}

interface PendingToolUse {
  id: string;
  name: string;
  initialInput: unknown;
  partialJson: string;
}

/**
 * Messages API stream events: usage from `message_start.message.usage`, updated by each `message_delta.usage`
 * (cumulative counts); `tool_use` blocks assembled from their `input_json_delta` fragments; `event: error`.
 */
export class AnthropicStreamObserver implements StreamObserver {
  private responseId: string | undefined;
  private model: string | undefined;
  private usage: JsonObject | undefined;
  private error: ResponseObservation['error'];
  private readonly toolUses = new Map<number, PendingToolUse>();

  onEvent(event: SseEvent): void {
    if (event.event === 'ping') return;
    // Text and thinking deltas are most of a stream and never matter here.
    if (event.event === 'content_block_delta' && !event.data.includes('"input_json_delta"')) return;
    const payload = parseJsonObject(event.data);
    if (!payload) return;
    switch (stringField(payload.type) ?? event.event) {
      case 'message_start':
        if (isJsonObject(payload.message)) this.readMessageStart(payload.message);
        return;
      case 'content_block_start':
        this.readBlockStart(payload.index, payload.content_block);
        return;
      case 'content_block_delta': {
        const toolUse = typeof payload.index === 'number' ? this.toolUses.get(payload.index) : undefined;
        const delta = isJsonObject(payload.delta) ? payload.delta : undefined;
        if (toolUse && delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
          toolUse.partialJson += delta.partial_json;
        }
        return;
      }
      case 'message_delta':
        if (isJsonObject(payload.usage)) this.mergeUsage(payload.usage);
        return;
      case 'error':
        this.error = readUpstreamError(payload.error, 'api_error');
        return;
    }
  }

  result(): ResponseObservation {
    const providerResponseId = this.responseId ?? '';
    const toolCalls: ToolCall[] = [];
    for (const toolUse of this.toolUses.values()) {
      toolCalls.push({
        providerResponseId,
        toolCallId: toolUse.id,
        name: toolUse.name,
        // A tool without parameters streams no fragments; its input is the block's initial `{}`.
        arguments: toolUse.partialJson !== '' ? toolUse.partialJson : JSON.stringify(toolUse.initialInput ?? {}),
      });
    }
    return {
      responseId: this.responseId,
      model: this.model,
      tokenUsages: this.usage ? [anthropicTokenUsage(providerResponseId, this.usage)] : [],
      toolCalls,
      error: this.error,
    };
  }

  private readMessageStart(message: JsonObject): void {
    this.responseId = stringField(message.id) ?? this.responseId;
    this.model = stringField(message.model) ?? this.model;
    if (isJsonObject(message.usage)) this.mergeUsage(message.usage);
  }

  private readBlockStart(index: unknown, block: unknown): void {
    if (typeof index !== 'number' || !isJsonObject(block) || block.type !== 'tool_use') return;
    this.toolUses.set(index, {
      id: stringField(block.id) ?? '',
      name: stringField(block.name) ?? '',
      initialInput: block.input,
      partialJson: '',
    });
  }

  /** Later counts replace earlier ones; a `null` in a delta does not erase a count seen before. */
  private mergeUsage(update: JsonObject): void {
    const merged: JsonObject = { ...this.usage };
    for (const key in update) {
      if (update[key] !== null && update[key] !== undefined) merged[key] = update[key];
    }
    this.usage = merged;
  }
}
