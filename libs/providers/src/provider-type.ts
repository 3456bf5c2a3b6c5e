/** The provider families the gateway speaks; each configured provider instance has one of these types. */
export type ProviderType = 'openai' | 'anthropic';

/** The APIs the gateway intercepts and records (everything else on a provider is passthrough or 404). */
export type BridgedApi = 'openai-chat' | 'openai-responses' | 'anthropic-messages';

export const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'anthropic'];

export function providerTypeOfApi(api: BridgedApi): ProviderType {
  return api === 'anthropic-messages' ? 'anthropic' : 'openai';
}
