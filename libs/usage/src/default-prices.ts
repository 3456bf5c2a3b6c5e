import type { ModelPrice } from './price-table';

/** The day the default table was last checked against the providers' public price pages. */
export const DEFAULT_PRICES_DATE = '2026-12-03';

/**
 * Illustrative list prices in USD per million tokens for common OpenAI, Anthropic and Gemini models, as of
 * DEFAULT_PRICES_DATE. Operators override them (config `prices.entries`), since contracts, batch and regional prices
 * differ. Every entry applies to any provider instance (`*`); OpenAI does not charge for cache writes.
 */
export const DEFAULT_PRICES: readonly ModelPrice[] = Object.freeze(
  [
    // OpenAI
    { model: 'gpt-5*', input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 },
    { model: 'gpt-5-mini*', input: 0.25, output: 2, cacheRead: 0.025, cacheWrite: 0 },
    { model: 'gpt-5-nano*', input: 0.05, output: 0.4, cacheRead: 0.005, cacheWrite: 0 },
    { model: 'gpt-4.1*', input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 },
    { model: 'gpt-4.1-mini*', input: 0.4, output: 1.6, cacheRead: 0.1, cacheWrite: 0 },
    { model: 'gpt-4.1-nano*', input: 0.1, output: 0.4, cacheRead: 0.025, cacheWrite: 0 },
    { model: 'gpt-4o*', input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 },
    { model: 'gpt-4o-mini*', input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0 },
    { model: 'o1*', input: 15, output: 60, cacheRead: 7.5, cacheWrite: 0 },
    { model: 'o1-mini*', input: 1.1, output: 4.4, cacheRead: 0.55, cacheWrite: 0 },
    { model: 'o3*', input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 },
    { model: 'o3-mini*', input: 1.1, output: 4.4, cacheRead: 0.55, cacheWrite: 0 },
    { model: 'o4-mini*', input: 1.1, output: 4.4, cacheRead: 0.275, cacheWrite: 0 },
    // OpenAI embeddings (input only; Azure OpenAI names the same models: the recorded model is the one the client asked for)
    { model: 'text-embedding-3-small', input: 0.02, output: 0, cacheRead: 0.02, cacheWrite: 0 },
    { model: 'text-embedding-3-large', input: 0.13, output: 0, cacheRead: 0.13, cacheWrite: 0 },
    { model: 'text-embedding-ada-002', input: 0.1, output: 0, cacheRead: 0.1, cacheWrite: 0 },
    // Anthropic (cache write: the 5-minute cache, 1.25 × input)
    { model: 'claude-opus-4*', input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    { model: 'claude-opus-4-5*', input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    { model: 'claude-sonnet-4*', input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    { model: 'claude-3-7-sonnet*', input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    { model: 'claude-haiku-4-5*', input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    { model: 'claude-3-5-haiku*', input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
    // Gemini API, paid tier, prompts up to 200k tokens (longer prompts cost more: override per contract). Output
    // includes thinking tokens; cache reads are the context-caching rate, the cache's storage per hour is not priced.
    { model: 'gemini-2.5-pro*', input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 },
    { model: 'gemini-2.5-flash*', input: 0.3, output: 2.5, cacheRead: 0.03, cacheWrite: 0 },
    { model: 'gemini-2.5-flash-lite*', input: 0.1, output: 0.4, cacheRead: 0.01, cacheWrite: 0 },
    { model: 'gemini-3-pro-preview*', input: 2, output: 12, cacheRead: 0.2, cacheWrite: 0 },
    // Embeddings: input only. The Gemini API reports no token count for them (docs/providers.md), so a recorded
    // embedding request has no usage and this row prices nothing until an operator's usage source provides one.
    { model: 'gemini-embedding-001*', input: 0.15, output: 0, cacheRead: 0, cacheWrite: 0 },
    // Claude on Bedrock, for clients that send a Bedrock model id (`anthropic.claude-…`, `us.anthropic.claude-…`)
    // instead of a name the model map turns into one: Bedrock bills Anthropic's list prices on demand and for global
    // cross-region profiles; geography (`us.`, `eu.`…) profiles of recent models cost more (about 10%): override per
    // provider. Equal (empty) prefixes: the later, narrower pattern wins.
    { model: '*anthropic.claude-opus-4*', input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    { model: '*anthropic.claude-opus-4-5*', input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    { model: '*anthropic.claude-sonnet-4*', input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    { model: '*anthropic.claude-3-7-sonnet*', input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    { model: '*anthropic.claude-haiku-4-5*', input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    { model: '*anthropic.claude-3-5-haiku*', input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  ].map((entry) => Object.freeze({ provider: '*', ...entry })),
);
