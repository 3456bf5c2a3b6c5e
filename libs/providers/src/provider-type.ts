/** The provider families the gateway speaks; each configured provider instance has one of these types. */
export type ProviderType = 'openai' | 'anthropic' | 'gemini';

/** The APIs the gateway intercepts and records (everything else on a provider is passthrough or 404). */
export type BridgedApi = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini-generate-content' | 'gemini-embeddings';

export const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'anthropic', 'gemini'];

const PROVIDER_TYPE_OF_API: Readonly<Record<BridgedApi, ProviderType>> = {
  'openai-chat': 'openai',
  'openai-responses': 'openai',
  'anthropic-messages': 'anthropic',
  'gemini-generate-content': 'gemini',
  'gemini-embeddings': 'gemini',
};

export function providerTypeOfApi(api: BridgedApi): ProviderType {
  return PROVIDER_TYPE_OF_API[api];
}

/** The GenAI semantic conventions' `gen_ai.operation.name` of each bridged API. */
export const GEN_AI_OPERATION: Readonly<Record<BridgedApi, 'chat' | 'embeddings'>> = {
  'openai-chat': 'chat',
  'openai-responses': 'chat',
  'anthropic-messages': 'chat',
  'gemini-generate-content': 'chat',
  'gemini-embeddings': 'embeddings',
};
