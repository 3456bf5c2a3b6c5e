import { arrayField, isJsonObject, type JsonObject } from '../json-value';
import { notConversational, type BridgedApi } from '../provider-type';
import type { AssistantTurn, ToolResult } from './agentic.types';

/** The assistant turn of a blocking answer (see `AssistantTurn`). */
export function assistantTurnOf(api: BridgedApi, answer: JsonObject): AssistantTurn {
  switch (api) {
    case 'anthropic-messages':
      return [{ role: 'assistant', content: arrayField(answer.content) }];
    case 'openai-chat': {
      const choice = arrayField(answer.choices)[0];
      const message = isJsonObject(choice) && isJsonObject(choice.message) ? choice.message : {};
      return [chatAssistantMessage(message.content ?? null, arrayField(message.tool_calls))];
    }
    case 'openai-responses':
      return arrayField(answer.output).filter(isJsonObject);
    default:
      throw notConversational(api);
  }
}

/** An assistant chat message carrying only what a request may contain (no refusal/annotations echo). */
export function chatAssistantMessage(content: unknown, toolCalls: readonly unknown[]): JsonObject {
  return { role: 'assistant', content: content === '' ? null : content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}

/**
 * The next request of the loop: the previous one with the assistant turn and the tool results appended. A failed
 * call still gets a result: Anthropic `is_error: true`, OpenAI a JSON `{"error": true, "message": …}`.
 * Returns a new body; the previous one is not changed.
 */
export function continuationOf(api: BridgedApi, previous: JsonObject, turn: AssistantTurn, results: readonly ToolResult[]): JsonObject {
  switch (api) {
    case 'anthropic-messages': {
      const toolResults = results.map((result) => ({
        type: 'tool_result',
        tool_use_id: result.callId,
        content: result.text,
        ...(result.isError ? { is_error: true } : {}),
      }));
      return { ...previous, messages: [...arrayField(previous.messages), ...turn, { role: 'user', content: toolResults }] };
    }
    case 'openai-chat': {
      const toolMessages = results.map((result) => ({ role: 'tool', tool_call_id: result.callId, content: openAiToolOutput(result) }));
      return { ...previous, messages: [...arrayField(previous.messages), ...turn, ...toolMessages] };
    }
    case 'openai-responses': {
      const outputs = results.map((result) => ({ type: 'function_call_output', call_id: result.callId, output: openAiToolOutput(result) }));
      return { ...previous, input: [...responsesInputItems(previous.input), ...turn, ...outputs] };
    }
    default:
      throw notConversational(api);
  }
}

function openAiToolOutput(result: ToolResult): string {
  return result.isError ? JSON.stringify({ error: true, message: result.text }) : result.text;
}

/** Responses `input` may be a plain string: it is the user message. */
function responsesInputItems(input: unknown): unknown[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  return [...arrayField(input)];
}
