import { arrayField, isJsonObject, parseJsonObject, stringField, type JsonObject } from '../json-value';
import type { SseEvent } from '../sse/sse.parser';
import type { ResponseObservation, StreamObserver } from './observation.types';
import { responsesTokenUsage } from './token-usage.mapper';
import { readUpstreamError } from './upstream-error.reader';

/** A blocking Responses API `response` body. */
export function observeResponse(body: unknown): ResponseObservation {
  const observer = new ResponsesStreamObserver();
  if (isJsonObject(body)) observer.readResponse(body, true);
  return observer.result();
}

interface PendingFunctionCall {
  outputIndex: number;
  callId: string;
  name: string;
  arguments: string;
}

// Events that can change the observation; the many text/reasoning deltas are skipped without parsing.
const OBSERVED_EVENTS = new Set([
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.output_item.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.completed',
  'response.incomplete',
  'response.failed',
  'error',
]);

const SEQUENCE_NUMBER_KEY = '"sequence_number":';

/**
 * Responses API stream events: function calls assembled from `output_item.added` / `function_call_arguments.*` /
 * `output_item.done` (and the final response's output), usage from `response.completed` / `incomplete` / `failed`,
 * errors from `error` events and `response.failed`.
 */
export class ResponsesStreamObserver implements StreamObserver {
  private responseId: string | undefined;
  private model: string | undefined;
  private usage: JsonObject | undefined;
  private error: ResponseObservation['error'];
  private lastSequenceNumber: number | undefined;
  private readonly callsByIndex = new Map<number, PendingFunctionCall>();
  private readonly callsByItemId = new Map<string, PendingFunctionCall>();

  onEvent(event: SseEvent): void {
    if (event.event !== undefined && !OBSERVED_EVENTS.has(event.event)) {
      this.trackSequenceNumber(event.data);
      return;
    }
    const payload = parseJsonObject(event.data);
    if (!payload) return;
    if (typeof payload.sequence_number === 'number') this.lastSequenceNumber = payload.sequence_number;
    switch (stringField(payload.type) ?? event.event) {
      case 'response.created':
      case 'response.in_progress':
        if (isJsonObject(payload.response)) this.readResponse(payload.response, false);
        return;
      case 'response.output_item.added':
      case 'response.output_item.done':
        this.readOutputItem(payload.item, payload.output_index);
        return;
      case 'response.function_call_arguments.delta': {
        const call = this.findCall(payload.item_id, payload.output_index);
        if (call && typeof payload.delta === 'string') call.arguments += payload.delta;
        return;
      }
      case 'response.function_call_arguments.done': {
        const call = this.findCall(payload.item_id, payload.output_index);
        if (call && typeof payload.arguments === 'string') call.arguments = payload.arguments;
        return;
      }
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (isJsonObject(payload.response)) this.readResponse(payload.response, true);
        return;
      case 'error':
        this.error = { type: stringField(payload.code) ?? 'error', message: stringField(payload.message) ?? '' };
        return;
    }
  }

  result(): ResponseObservation {
    const providerResponseId = this.responseId ?? '';
    const calls = [...this.callsByIndex.values()].sort((a, b) => a.outputIndex - b.outputIndex);
    return {
      responseId: this.responseId,
      model: this.model,
      tokenUsages: this.usage ? [responsesTokenUsage(providerResponseId, this.usage)] : [],
      toolCalls: calls.map((call) => ({ providerResponseId, toolCallId: call.callId, name: call.name, arguments: call.arguments })),
      error: this.error,
      lastSequenceNumber: this.lastSequenceNumber,
    };
  }

  /** A `response` object: from `response.created` (header only) or a final event / blocking body (`complete`). */
  readResponse(response: JsonObject, complete: boolean): void {
    this.responseId = stringField(response.id) ?? this.responseId;
    this.model = stringField(response.model) ?? this.model;
    if (!complete) return;
    if (isJsonObject(response.usage)) this.usage = response.usage;
    const output = arrayField(response.output);
    for (let index = 0; index < output.length; index++) this.readOutputItem(output[index], index);
    const error = readUpstreamError(response.error, 'response_failed');
    if (error) this.error = error;
  }

  private readOutputItem(item: unknown, outputIndex: unknown): void {
    if (!isJsonObject(item) || item.type !== 'function_call') return;
    const itemId = stringField(item.id);
    let call = this.findCall(itemId, outputIndex);
    if (!call) {
      const index = typeof outputIndex === 'number' ? outputIndex : this.callsByIndex.size;
      call = { outputIndex: index, callId: '', name: '', arguments: '' };
      this.callsByIndex.set(index, call);
    }
    if (itemId) this.callsByItemId.set(itemId, call);
    call.callId = stringField(item.call_id) ?? (call.callId || itemId || '');
    call.name = stringField(item.name) || call.name;
    // The item in `added` has empty arguments; the ones in `done` and the final response are complete.
    if (typeof item.arguments === 'string' && item.arguments !== '') call.arguments = item.arguments;
  }

  private findCall(itemId: unknown, outputIndex: unknown): PendingFunctionCall | undefined {
    const byId = typeof itemId === 'string' ? this.callsByItemId.get(itemId) : undefined;
    return byId ?? (typeof outputIndex === 'number' ? this.callsByIndex.get(outputIndex) : undefined);
  }

  /** Skipped events still advance the sequence; read the number without parsing the whole event. */
  private trackSequenceNumber(data: string): void {
    const at = data.lastIndexOf(SEQUENCE_NUMBER_KEY);
    if (at === -1) return;
    const value = parseInt(data.slice(at + SEQUENCE_NUMBER_KEY.length, at + SEQUENCE_NUMBER_KEY.length + 24), 10);
    if (Number.isFinite(value)) this.lastSequenceNumber = value;
  }
}
