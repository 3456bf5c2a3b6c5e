import { arrayField, isJsonObject, parseJsonObject, stringField, type JsonObject } from '../json-value';
import type { SseEvent } from '../sse/sse.parser';
import type { ResponseObservation, StreamObserver, ToolCall } from './observation.types';
import { chatTokenUsage } from './token-usage.mapper';
import { readUpstreamError } from './upstream-error.reader';

/** A blocking `chat.completion` body. */
export function observeChatCompletion(body: unknown): ResponseObservation {
  const observation: ResponseObservation = { tokenUsages: [], toolCalls: [] };
  if (!isJsonObject(body)) return observation;
  const error = readUpstreamError(body.error, 'upstream_error');
  if (error) observation.error = error;
  const id = stringField(body.id);
  observation.responseId = id;
  observation.model = stringField(body.model);
  if (isJsonObject(body.usage)) observation.tokenUsages.push(chatTokenUsage(id ?? '', body.usage));
  for (const choice of arrayField(body.choices)) {
    const message = isJsonObject(choice) ? choice.message : undefined;
    if (!isJsonObject(message)) continue;
    for (const call of arrayField(message.tool_calls)) {
      if (!isJsonObject(call) || !isJsonObject(call.function)) continue;
      observation.toolCalls.push({
        providerResponseId: id ?? '',
        toolCallId: stringField(call.id) ?? '',
        name: stringField(call.function.name) ?? '',
        arguments: stringField(call.function.arguments) ?? '',
      });
    }
  }
  return observation;
}

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * `chat.completion.chunk` events: tool calls assembled from `delta.tool_calls[i]` fragments (keyed by choice and
 * index), usage from the final chunk (`stream_options.include_usage`), `{"error":…}` chunks as the error.
 */
export class ChatStreamObserver implements StreamObserver {
  private responseId: string | undefined;
  private model: string | undefined;
  private usage: JsonObject | undefined;
  private error: ResponseObservation['error'];
  private readonly toolCalls = new Map<string, PendingToolCall>();

  onEvent(event: SseEvent): void {
    const data = event.data;
    if (data === '[DONE]') return;
    if (this.responseId !== undefined && !mayCarrySomethingObserved(data)) return;
    const chunk = parseJsonObject(data);
    if (!chunk) return;
    const error = readUpstreamError(chunk.error, 'upstream_error');
    if (error) {
      this.error = error;
      return;
    }
    // Azure's first chunk (the prompt's filter results) has an empty id and model: the next chunk names them.
    if (!this.responseId) this.responseId = stringField(chunk.id) || undefined;
    if (!this.model) this.model = stringField(chunk.model) || undefined;
    if (isJsonObject(chunk.usage)) this.usage = chunk.usage;
    for (const choice of arrayField(chunk.choices)) {
      if (isJsonObject(choice) && isJsonObject(choice.delta)) this.collectToolCallDeltas(choice.index, choice.delta.tool_calls);
    }
  }

  result(): ResponseObservation {
    const providerResponseId = this.responseId ?? '';
    const toolCalls: ToolCall[] = [];
    for (const call of this.toolCalls.values()) {
      toolCalls.push({ providerResponseId, toolCallId: call.id, name: call.name, arguments: call.arguments });
    }
    return {
      responseId: this.responseId,
      model: this.model,
      tokenUsages: this.usage ? [chatTokenUsage(providerResponseId, this.usage)] : [],
      toolCalls,
      error: this.error,
    };
  }

  private collectToolCallDeltas(choiceIndex: unknown, deltas: unknown): void {
    if (!Array.isArray(deltas)) return;
    for (let position = 0; position < deltas.length; position++) {
      const delta: unknown = deltas[position];
      if (!isJsonObject(delta)) continue;
      const key = `${typeof choiceIndex === 'number' ? choiceIndex : 0}:${typeof delta.index === 'number' ? delta.index : position}`;
      let call = this.toolCalls.get(key);
      if (!call) {
        call = { id: '', name: '', arguments: '' };
        this.toolCalls.set(key, call);
      }
      const id = stringField(delta.id);
      if (id) call.id = id;
      const fn = isJsonObject(delta.function) ? delta.function : undefined;
      const name = stringField(fn?.name);
      if (name) call.name = name;
      const fragment = stringField(fn?.arguments);
      if (fragment) call.arguments += fragment;
    }
  }
}

/**
 * Most chunks carry only text. A JSON string cannot contain an unescaped `"`, so these keys appear in the data only
 * as real keys: chunks without them can be skipped without parsing. False positives (`"usage": null` with a space)
 * just get parsed. One regex pass is cheaper than several `includes` scans.
 */
const OBSERVED_KEYS = /"(?:tool_calls|error)"|"usage":(?!null)/;

function mayCarrySomethingObserved(data: string): boolean {
  return OBSERVED_KEYS.test(data);
}
