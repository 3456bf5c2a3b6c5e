/**
 * Claude models by the names Anthropic's API and clients use (Claude Code sends the dated names), and their Bedrock
 * base model ids. Recent Claude models are served on Bedrock only through a cross-region inference profile, so the
 * defaults prefix the region's geography (`us.`, `eu.`, `apac.`); an operator's `modelIds` replace or add entries.
 */
const CLAUDE_BEDROCK_MODELS: ReadonlyArray<readonly [names: readonly string[], bedrockId: string]> = [
  [['claude-opus-4-5', 'claude-opus-4-5-20251101'], 'anthropic.claude-opus-4-5-20251101-v1:0'],
  [['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'], 'anthropic.claude-sonnet-4-5-20250929-v1:0'],
  [['claude-haiku-4-5', 'claude-haiku-4-5-20251001'], 'anthropic.claude-haiku-4-5-20251001-v1:0'],
  [['claude-opus-4-1', 'claude-opus-4-1-20250805'], 'anthropic.claude-opus-4-1-20250805-v1:0'],
  [['claude-opus-4-0', 'claude-opus-4-20250514'], 'anthropic.claude-opus-4-20250514-v1:0'],
  [['claude-sonnet-4-0', 'claude-sonnet-4-20250514'], 'anthropic.claude-sonnet-4-20250514-v1:0'],
  [['claude-3-7-sonnet-latest', 'claude-3-7-sonnet-20250219'], 'anthropic.claude-3-7-sonnet-20250219-v1:0'],
  [['claude-3-5-haiku-latest', 'claude-3-5-haiku-20241022'], 'anthropic.claude-3-5-haiku-20241022-v1:0'],
];

/** The inference-profile prefix of a region's geography; undefined where Bedrock has none (in-region ids then). */
export function inferenceProfilePrefix(region: string): string | undefined {
  if (region.startsWith('us-gov-')) return 'us-gov';
  if (region.startsWith('us-') || region.startsWith('ca-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return undefined;
}

/** The model map a Bedrock upstream in `region` uses: the built-in Claude models, then the operator's entries over them. */
export function bedrockModelIds(region: string, configured: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  const prefix = inferenceProfilePrefix(region);
  const ids = new Map<string, string>();
  for (const [names, baseId] of CLAUDE_BEDROCK_MODELS) {
    for (const name of names) ids.set(name, prefix ? `${prefix}.${baseId}` : baseId);
  }
  for (const [name, id] of Object.entries(configured)) ids.set(name, id);
  return ids;
}

/**
 * A model name that is already a Bedrock id and goes as sent: a base model id (`anthropic.claude-…`), an inference
 * profile id (`us.anthropic.claude-…`, `global.anthropic.claude-…`) or an ARN (`arn:aws:bedrock:…`).
 */
const BEDROCK_ID = /^(?:arn:aws[a-z-]*:bedrock:|(?:[a-z-]+\.)?anthropic\.)/;

/** The Bedrock id a client's model name goes upstream as: mapped, or already a Bedrock id; undefined otherwise. */
export function resolveBedrockModelId(ids: ReadonlyMap<string, string>, model: string): string | undefined {
  return ids.get(model) ?? (BEDROCK_ID.test(model) ? model : undefined);
}
