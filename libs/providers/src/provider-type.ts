/** The provider families the gateway speaks; each configured provider instance has one of these types. */
export type ProviderType = 'openai' | 'anthropic' | 'gemini';

/** The APIs the gateway intercepts and records (everything else on a provider is passthrough or 404). */
export type BridgedApi = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages' | 'gemini-generate-content' | 'gemini-embeddings';

export const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'anthropic', 'gemini'];

/** What the request path needs to know about a bridged API beyond its wire format. */
export interface BridgedApiTraits {
  providerType: ProviderType;
  /** `gen_ai.operation.name` of the GenAI semantic conventions. */
  operation: 'chat' | 'embeddings';
  /** The server-side tool loop runs on it: answers carry tool calls and MCP tools can be injected. */
  conversational: boolean;
}

export const BRIDGED_API_TRAITS: Readonly<Record<BridgedApi, BridgedApiTraits>> = {
  'openai-chat': { providerType: 'openai', operation: 'chat', conversational: true },
  'openai-responses': { providerType: 'openai', operation: 'chat', conversational: true },
  'openai-embeddings': { providerType: 'openai', operation: 'embeddings', conversational: false },
  'anthropic-messages': { providerType: 'anthropic', operation: 'chat', conversational: true },
  // Gemini streams (its own route) but gets no injected MCP tools (docs/mcp.md).
  'gemini-generate-content': { providerType: 'gemini', operation: 'chat', conversational: false },
  'gemini-embeddings': { providerType: 'gemini', operation: 'embeddings', conversational: false },
};

export function providerTypeOfApi(api: BridgedApi): ProviderType {
  return BRIDGED_API_TRAITS[api].providerType;
}

/** What a tool-loop function throws for an API that is not conversational: the request path never gets there. */
export function notConversational(api: BridgedApi): Error {
  return new Error(`${api} is not conversational: no tool loop runs on it`);
}
