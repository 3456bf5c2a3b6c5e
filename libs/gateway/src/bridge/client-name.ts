const KNOWN_CLIENTS: Array<[RegExp, string]> = [
  [/claude-cli|claude-code/i, 'claude-code'],
  [/codex/i, 'codex'],
  [/cursor/i, 'cursor'],
  [/^OpenAI\/JS|openai-node/i, 'openai-sdk-js'],
  [/^OpenAI\/Python|openai-python/i, 'openai-sdk-python'],
  [/^Anthropic\/JS|anthropic-sdk-typescript/i, 'anthropic-sdk-js'],
  [/^Anthropic\/Python/i, 'anthropic-sdk-python'],
  [/^curl\//i, 'curl'],
];

/** A short, stable name for the calling tool, derived from its User-Agent. */
export function clientNameFromUserAgent(userAgent: string): string {
  for (const [pattern, name] of KNOWN_CLIENTS) if (pattern.test(userAgent)) return name;
  return userAgent ? 'other' : 'unknown';
}
