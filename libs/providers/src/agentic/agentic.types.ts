import type { JsonObject } from '../json-value';

/** A tool the gateway adds to a request and runs itself (an MCP tool under its injected name). */
export interface InjectableTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  inputSchema: JsonObject;
}

/** What a tool call returned, to send back to the model. */
export interface ToolResult {
  callId: string;
  text: string;
  isError: boolean;
}

/**
 * The conversation items an answer adds before the tool results: the assistant message (chat), the assistant turn
 * with its content blocks (Anthropic), or the response's output items (Responses).
 */
export type AssistantTurn = JsonObject[];
