import { arrayField, isJsonObject, parseJsonObject, stringField, type JsonObject } from '../json-value';
import type { SseEvent } from '../sse/sse.parser';
import type { ResponseObservation, StreamObserver } from './observation.types';
import { geminiTokenUsage } from './token-usage.mapper';

/**
 * A blocking `generateContent` body (a `GenerateContentResponse`), or the JSON array `streamGenerateContent` answers
 * without `alt=sse` (one response per chunk: the last usage wins, function calls add up).
 */
export function observeGenerateContent(body: unknown): ResponseObservation {
  const observer = new GeminiStreamObserver();
  for (const response of Array.isArray(body) ? body : [body]) {
    if (isJsonObject(response)) observer.read(response);
  }
  return observer.result();
}

/**
 * `streamGenerateContent?alt=sse`: every `data:` event is a whole `GenerateContentResponse`. `usageMetadata` is
 * cumulative, so the last one seen is the answer's; each `functionCall` part arrives whole; an `error` object ends
 * the stream.
 */
export class GeminiStreamObserver implements StreamObserver {
  private responseId: string | undefined;
  private model: string | undefined;
  private usage: JsonObject | undefined;
  private error: ResponseObservation['error'];
  private readonly toolCalls: ResponseObservation['toolCalls'] = [];

  onEvent(event: SseEvent): void {
    const payload = parseJsonObject(event.data);
    if (payload) this.read(payload);
  }

  read(response: JsonObject): void {
    if (isJsonObject(response.error)) {
      this.error = { type: stringField(response.error.status) ?? 'INTERNAL', message: stringField(response.error.message) ?? '' };
      return;
    }
    this.responseId = stringField(response.responseId) ?? this.responseId;
    this.model = stringField(response.modelVersion) ?? this.model;
    if (isJsonObject(response.usageMetadata)) this.usage = response.usageMetadata;
    for (const candidate of arrayField(response.candidates)) {
      if (!isJsonObject(candidate) || !isJsonObject(candidate.content)) continue;
      for (const part of arrayField(candidate.content.parts)) {
        if (isJsonObject(part) && isJsonObject(part.functionCall)) this.readFunctionCall(part.functionCall);
      }
    }
  }

  result(): ResponseObservation {
    const providerResponseId = this.responseId ?? '';
    return {
      responseId: this.responseId,
      model: this.model,
      tokenUsages: this.usage ? [geminiTokenUsage(providerResponseId, this.usage)] : [],
      toolCalls: this.toolCalls.map((call) => ({ ...call, providerResponseId })),
      error: this.error,
    };
  }

  private readFunctionCall(call: JsonObject): void {
    this.toolCalls.push({
      providerResponseId: '',
      toolCallId: stringField(call.id) ?? '',
      name: stringField(call.name) ?? '',
      arguments: JSON.stringify(call.args ?? {}),
    });
  }
}
