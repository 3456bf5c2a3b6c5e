import type { ProviderType } from '../provider-type';
import { ANTHROPIC } from './anthropic.description';
import { GEMINI } from './gemini.description';
import { OPENAI } from './openai.description';
import type { ProviderDescription } from './provider-description';

export const PROVIDER_DESCRIPTIONS: Readonly<Record<ProviderType, ProviderDescription>> = {
  openai: OPENAI,
  anthropic: ANTHROPIC,
  gemini: GEMINI,
};

/** A provider's description, or the type of a built-in one: what every provider-specific function here accepts. */
export type ProviderRef = ProviderType | ProviderDescription;

export function describeProvider(provider: ProviderRef): ProviderDescription {
  return typeof provider === 'string' ? PROVIDER_DESCRIPTIONS[provider] : provider;
}

/** The account headers of every provider type: a pool key's request and answer never carry any of them. */
export function accountHeadersOfAllProviders(direction: 'request' | 'response'): string[] {
  return [...new Set(Object.values(PROVIDER_DESCRIPTIONS).flatMap((description) => description.accountHeaders[direction]))];
}
