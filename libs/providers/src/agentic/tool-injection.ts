import { arrayField, isJsonObject, stringField, type JsonObject } from '../json-value';
import { BRIDGED_API_TRAITS, type BridgedApi } from '../provider-type';
import type { InjectableTool } from './agentic.types';

/**
 * The request with the injected tools added, or undefined when nothing is injected: no tool left after dropping
 * those whose name a client tool already uses, or `tool_choice` "none" (the client asked for no tool calls).
 * Anthropic: prepended, parallel tool use disabled; OpenAI chat and Responses: appended, `parallel_tool_calls` false.
 * Gemini requests get no injected tools (docs/mcp.md). The body is changed in place and returned.
 */
export function injectTools(api: BridgedApi, body: JsonObject, tools: readonly InjectableTool[]): JsonObject | undefined {
  if (!BRIDGED_API_TRAITS[api].conversational || toolChoiceIsNone(body.tool_choice)) return undefined;
  const clientTools = arrayField(body.tools);
  const taken = new Set(clientTools.map(clientToolName).filter((name): name is string => name !== undefined));
  const injected = tools.filter((tool) => !taken.has(tool.name));
  if (injected.length === 0) return undefined;
  switch (api) {
    case 'anthropic-messages': {
      body.tools = [...injected.map(anthropicTool), ...clientTools];
      const choice = isJsonObject(body.tool_choice) ? body.tool_choice : { type: 'auto' };
      body.tool_choice = { ...choice, disable_parallel_tool_use: true };
      return body;
    }
    case 'openai-chat':
      body.tools = [...clientTools, ...injected.map(chatTool)];
      body.parallel_tool_calls = false;
      return body;
    case 'openai-responses':
      body.tools = [...clientTools, ...injected.map(responsesTool)];
      body.parallel_tool_calls = false;
      return body;
    default:
      return undefined;
  }
}

/** The APIs the tool loop runs on; the rest (Gemini) is never planned, so never merged or continued either. */

function toolChoiceIsNone(choice: unknown): boolean {
  return choice === 'none' || (isJsonObject(choice) && choice.type === 'none');
}

function clientToolName(tool: unknown): string | undefined {
  if (!isJsonObject(tool)) return undefined;
  return stringField(tool.name) ?? (isJsonObject(tool.function) ? stringField(tool.function.name) : undefined);
}

function anthropicTool(tool: InjectableTool): JsonObject {
  return { name: tool.name, description: tool.description, input_schema: tool.inputSchema };
}

function chatTool(tool: InjectableTool): JsonObject {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.inputSchema, strict: false } };
}

function responsesTool(tool: InjectableTool): JsonObject {
  return { type: 'function', name: tool.name, description: tool.description, parameters: tool.inputSchema, strict: false };
}
