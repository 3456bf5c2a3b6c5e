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

/** Names already worked out, by User-Agent: a handful of tools send the same few strings again and again. */
const NAMES = new Map<string, string>();
const MAX_REMEMBERED = 1_000;

/** A short, stable name for the calling tool, derived from its User-Agent. */
export function clientNameFromUserAgent(userAgent: string): string {
  let name = NAMES.get(userAgent);
  if (name === undefined) {
    name = KNOWN_CLIENTS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? (userAgent ? 'other' : 'unknown');
    if (NAMES.size < MAX_REMEMBERED) NAMES.set(userAgent, name);
  }
  return name;
}
