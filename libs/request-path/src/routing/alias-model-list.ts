import { policyAllows, type LeveledModelPolicy } from '@tollgate/limits';
import type { ProviderType } from '@tollgate/providers';
import type { ModelAlias } from './model-aliases';

/** The model object that answers for an alias, in its family's model-list shape, marked as the gateway's. */
const ALIAS_MODEL: Record<ProviderType, (alias: ModelAlias) => Record<string, unknown>> = {
  openai: (alias) => ({ id: alias.name, object: 'model', created: 0, owned_by: 'tollgate' }),
  anthropic: (alias) => ({ type: 'model', id: alias.name, display_name: `${alias.name} (Tollgate alias)`, created_at: '1970-01-01T00:00:00Z' }),
  gemini: (alias) => ({ name: `models/${alias.name}`, displayName: `${alias.name} (Tollgate alias)`, description: 'A Tollgate model alias' }),
};

export function aliasModelObject(alias: ModelAlias): Record<string, unknown> {
  return ALIAS_MODEL[alias.family](alias);
}

/**
 * Whether a caller held to `policies` sees an alias on `providerName`'s routes: every policy allows the alias name
 * there, and at least one of its targets (the others are skipped when it is used).
 */
export function aliasVisible(alias: ModelAlias, providerName: string, policies: readonly LeveledModelPolicy[]): boolean {
  if (policies.length === 0) return true;
  const allowed = (provider: string, model: string) => policies.every((leveled) => policyAllows(leveled.policy, provider, model));
  return allowed(providerName, alias.name) && alias.targets.some((target) => allowed(target.provider.config.name, target.model));
}

/**
 * A model list (`{data: [...]}`) with the aliases appended after the provider's models, each once (a name the
 * provider lists already stays the provider's entry). A paged list (Anthropic's `has_more`) gets them on its last
 * page only. An answer that is not such a list is returned unchanged.
 */
export function withAliasModels(body: Buffer, aliases: readonly ModelAlias[]): Buffer {
  if (aliases.length === 0) return body;
  let list: unknown;
  try {
    list = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (typeof list !== 'object' || list === null) return body;
  // Gemini's list: `{models: [{name: "models/…"}], nextPageToken}`.
  if (Array.isArray((list as { models?: unknown }).models)) return withGeminiAliases(list as { models: { name?: unknown }[]; nextPageToken?: unknown }, aliases) ?? body;
  if (!Array.isArray((list as { data?: unknown }).data)) return body;
  const page = list as { data: { id?: unknown }[]; has_more?: unknown; last_id?: unknown };
  if (page.has_more === true) return body;
  const listed = new Set(page.data.map((model) => model?.id));
  const added = aliases.filter((alias) => !listed.has(alias.name)).map(aliasModelObject);
  if (added.length === 0) return body;
  const data = [...page.data, ...added];
  const extended: Record<string, unknown> = { ...page, data };
  if ('last_id' in page) extended.last_id = (added[added.length - 1] as { id: string }).id;
  return Buffer.from(JSON.stringify(extended));
}

function withGeminiAliases(list: { models: { name?: unknown }[]; nextPageToken?: unknown }, aliases: readonly ModelAlias[]): Buffer | undefined {
  if (typeof list.nextPageToken === 'string' && list.nextPageToken !== '') return undefined;
  const listed = new Set(list.models.map((model) => model?.name));
  const added = aliases.filter((alias) => !listed.has(`models/${alias.name}`)).map(aliasModelObject);
  return added.length === 0 ? undefined : Buffer.from(JSON.stringify({ ...list, models: [...list.models, ...added] }));
}
