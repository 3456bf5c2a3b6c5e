import { ANTHROPIC } from '../description/anthropic.description';
import type { ProviderDescription } from '../description/provider-description';

/**
 * An anthropic provider whose upstream is Claude on AWS Bedrock in `region`: Anthropic's routes, errors and pings
 * towards clients; towards Bedrock a client's own key is a Bedrock API key (a Bearer token), and pool entries are
 * signed per attempt by the request path's Bedrock dialect.
 */
export function bedrockDescription(region: string): ProviderDescription {
  return {
    ...ANTHROPIC,
    defaultBaseUrl: `https://bedrock-runtime.${region}.amazonaws.com/`,
    credentialHeader: 'authorization',
    // A model not enabled for the account: skip the credential for that model only, not disable it for all.
    modelDenial: { code: 'AccessDeniedException', phrase: "don't have access to the model" },
    // Bedrock API keys have no fixed prefix (long-term ones start ABSK, short-term ones bedrock-api-key-).
    keyFormat: { prefix: '', vendor: 'a Bedrock API' },
  };
}
