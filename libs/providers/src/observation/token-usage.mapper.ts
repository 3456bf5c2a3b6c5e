import { isJsonObject, numberField, type JsonObject } from '../json-value';
import type { TokenUsage } from './observation.types';

/** OpenAI chat `usage`: input excludes cached prompt tokens, which are reported as cache reads. */
export function chatTokenUsage(providerResponseId: string, usage: JsonObject): TokenUsage {
  const cached = numberField(nested(usage.prompt_tokens_details).cached_tokens);
  return {
    providerResponseId,
    inputTokens: Math.max(0, numberField(usage.prompt_tokens) - cached),
    outputTokens: numberField(usage.completion_tokens),
    cacheReadInputTokens: cached,
    cacheWriteInputTokens: 0,
    extra: extraCounters(usage, CHAT_MAPPED),
  };
}

/** OpenAI Responses `usage`: same rule with `input_tokens` / `input_tokens_details.cached_tokens`. */
export function responsesTokenUsage(providerResponseId: string, usage: JsonObject): TokenUsage {
  const cached = numberField(nested(usage.input_tokens_details).cached_tokens);
  return {
    providerResponseId,
    inputTokens: Math.max(0, numberField(usage.input_tokens) - cached),
    outputTokens: numberField(usage.output_tokens),
    cacheReadInputTokens: cached,
    cacheWriteInputTokens: 0,
    extra: extraCounters(usage, RESPONSES_MAPPED),
  };
}

/** Anthropic `usage`: input is already uncached; cache reads and writes are separate counters. */
export function anthropicTokenUsage(providerResponseId: string, usage: JsonObject): TokenUsage {
  return {
    providerResponseId,
    inputTokens: numberField(usage.input_tokens),
    outputTokens: numberField(usage.output_tokens),
    cacheReadInputTokens: numberField(usage.cache_read_input_tokens),
    cacheWriteInputTokens: numberField(usage.cache_creation_input_tokens),
    extra: extraCounters(usage, ANTHROPIC_MAPPED),
  };
}

// Counters already in the main columns, and totals that are derived from them.
const CHAT_MAPPED = new Set(['prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_tokens_details.cached_tokens']);
const RESPONSES_MAPPED = new Set(['input_tokens', 'output_tokens', 'total_tokens', 'input_tokens_details.cached_tokens']);
const ANTHROPIC_MAPPED = new Set(['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens']);

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
