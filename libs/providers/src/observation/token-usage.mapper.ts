import { isJsonObject, numberField, type JsonObject } from '../json-value';
import type { TokenUsage } from './observation.types';

/** The largest token count recorded: an upstream number beyond it (1e308) is clamped, not allowed to spoil the record. */
export const MAX_TOKEN_COUNT = 1e12;

/** A token counter from upstream as a whole number in [0, MAX_TOKEN_COUNT]; anything that is not a number is 0. */
function tokenCount(value: unknown): number {
  return Math.min(MAX_TOKEN_COUNT, Math.max(0, Math.floor(numberField(value))));
}

/** OpenAI chat `usage`: input excludes cached prompt tokens, which are reported as cache reads. */
export function chatTokenUsage(providerResponseId: string, usage: JsonObject): TokenUsage {
  const cached = tokenCount(nested(usage.prompt_tokens_details).cached_tokens);
  return {
    providerResponseId,
    inputTokens: Math.max(0, tokenCount(usage.prompt_tokens) - cached),
    outputTokens: tokenCount(usage.completion_tokens),
    cacheReadInputTokens: cached,
    cacheWriteInputTokens: 0,
    extra: extraCounters(usage, CHAT_MAPPED),
  };
}

/** OpenAI Responses `usage`: same rule with `input_tokens` / `input_tokens_details.cached_tokens`. */
export function responsesTokenUsage(providerResponseId: string, usage: JsonObject): TokenUsage {
  const cached = tokenCount(nested(usage.input_tokens_details).cached_tokens);
  return {
    providerResponseId,
    inputTokens: Math.max(0, tokenCount(usage.input_tokens) - cached),
    outputTokens: tokenCount(usage.output_tokens),
    cacheReadInputTokens: cached,
    cacheWriteInputTokens: 0,
    extra: extraCounters(usage, RESPONSES_MAPPED),
  };
}

/** OpenAI embeddings `usage`: `prompt_tokens` are the input; there is no output, no cache and no response id. */
export function embeddingsTokenUsage(usage: JsonObject): TokenUsage {
  return {
    providerResponseId: '',
    inputTokens: tokenCount(usage.prompt_tokens),
    outputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    extra: extraCounters(usage, EMBEDDINGS_MAPPED),
  };
}

/** Anthropic `usage`: input is already uncached; cache reads and writes are separate counters. */
export function anthropicTokenUsage(providerResponseId: string, usage: JsonObject): TokenUsage {
  return {
    providerResponseId,
    inputTokens: tokenCount(usage.input_tokens),
    outputTokens: tokenCount(usage.output_tokens),
    cacheReadInputTokens: tokenCount(usage.cache_read_input_tokens),
    cacheWriteInputTokens: tokenCount(usage.cache_creation_input_tokens),
    extra: extraCounters(usage, ANTHROPIC_MAPPED),
  };
}

/**
 * Gemini `usageMetadata`: `promptTokenCount` includes the cached tokens (`cachedContentTokenCount`), which are
 * reported as cache reads; output is the answer's `candidatesTokenCount` plus the `thoughtsTokenCount` billed as
 * output, which also stays visible among the extra counters (as OpenAI's reasoning tokens do).
 */
export function geminiTokenUsage(providerResponseId: string, usage: JsonObject): TokenUsage {
  const cached = tokenCount(usage.cachedContentTokenCount);
  return {
    providerResponseId,
    inputTokens: Math.max(0, tokenCount(usage.promptTokenCount) - cached),
    outputTokens: Math.min(MAX_TOKEN_COUNT, tokenCount(usage.candidatesTokenCount) + tokenCount(usage.thoughtsTokenCount)),
    cacheReadInputTokens: cached,
    cacheWriteInputTokens: 0,
    extra: extraCounters(usage, GEMINI_MAPPED),
  };
}

// Counters already in the main columns, and totals that are derived from them.
const CHAT_MAPPED = new Set(['prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_tokens_details.cached_tokens']);
const RESPONSES_MAPPED = new Set(['input_tokens', 'output_tokens', 'total_tokens', 'input_tokens_details.cached_tokens']);
const EMBEDDINGS_MAPPED = new Set(['prompt_tokens', 'total_tokens']);
const ANTHROPIC_MAPPED = new Set(['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens']);
const GEMINI_MAPPED = new Set(['promptTokenCount', 'candidatesTokenCount', 'totalTokenCount', 'cachedContentTokenCount']);

const MAX_DEPTH = 3;

/**
 * Every other non-zero number in the usage object, keyed by dotted path (`completion_tokens_details.reasoning_tokens`,
 * `server_tool_use.web_search_requests`), so counters a provider adds tomorrow are kept without a code change.
 */
function extraCounters(usage: JsonObject, mapped: ReadonlySet<string>): Record<string, number> {
  const extra: Record<string, number> = {};
  collect(usage, '', mapped, extra, 1);
  return extra;
}

function collect(object: JsonObject, prefix: string, mapped: ReadonlySet<string>, extra: Record<string, number>, depth: number): void {
  for (const key in object) {
    const value = object[key];
    const path = prefix + key;
    if (typeof value === 'number') {
      if (value !== 0 && Number.isFinite(value) && !mapped.has(path)) extra[path] = value;
    } else if (depth < MAX_DEPTH && isJsonObject(value)) {
      collect(value, `${path}.`, mapped, extra, depth + 1);
    }
  }
}

function nested(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}
