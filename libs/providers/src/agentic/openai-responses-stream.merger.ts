import { arrayField, isJsonObject, parseJsonObject, type JsonObject } from '../json-value';
import type { SseEvent } from '../sse/sse.parser';
import type { AssistantTurn } from './agentic.types';
import { sseText, type StreamMerger } from './stream-merger';
import { sumUsage } from './usage-sum';

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * OpenAI Responses: each iteration is buffered and only the last one is sent, so the client sees one response
 * whose ids are consistent (for `previous_response_id`); its terminal event carries the usage of all iterations.
 */
export class OpenAiResponsesStreamMerger implements StreamMerger {
  private buffered: SseEvent[] = [];
  private output: JsonObject[] = [];
  private readonly usages: JsonObject[] = [];

  push(event: SseEvent): string {
    this.buffered.push(event);
    const data = parseJsonObject(event.data);
    const response = data && isJsonObject(data.response) ? data.response : undefined;
    if (data && response && TERMINAL_EVENTS.has(String(data.type))) {
      this.output = arrayField(response.output).filter(isJsonObject);
      if (isJsonObject(response.usage)) this.usages.push(response.usage);
    }
    return '';
  }

  nextIteration(): AssistantTurn {
    const turn = this.output;
    this.buffered = [];
    this.output = [];
    return turn;
  }

  finish(): string {
    const earlierUsages = this.usages.length > 1;
    return this.buffered
      .map((event) => {
        const data = parseJsonObject(event.data);
        if (!earlierUsages || !data || !TERMINAL_EVENTS.has(String(data.type)) || !isJsonObject(data.response)) {
          return sseText(event.data, event.event);
        }
        return sseText(JSON.stringify({ ...data, response: { ...data.response, usage: sumUsage(this.usages) } }), event.event);
      })
      .join('');
  }
}
