import { policyAllows, type LeveledModelPolicy } from '@tollgate/limits';

/**
 * A provider's model list (OpenAI `{object, data}`, Anthropic `{data, has_more, first_id, last_id}`, Gemini
 * `{models: [{name: "models/…"}], nextPageToken}`) with only the models every policy allows. Anthropic's page cursors
 * name the first and last model kept, so `after_id`/`before_id` still page from there; a page with none kept keeps
 * the upstream's cursors (paging goes on past it), as Gemini's opaque `nextPageToken` is kept. An answer that is not
 * such a list is returned unchanged.
 */
export function filterModelList(body: Buffer, providerName: string, policies: readonly LeveledModelPolicy[]): Buffer {
  let list: unknown;
  try {
    list = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  const allowed = (id: string) => policies.every((leveled) => policyAllows(leveled.policy, providerName, id));
  if (isGeminiModelList(list)) {
    const models = list.models.filter((model) => typeof model?.name === 'string' && allowed(model.name.replace(GEMINI_MODEL_PREFIX, '')));
    return Buffer.from(JSON.stringify({ ...list, models }));
  }
  if (!isModelList(list)) return body;
  const data = list.data.filter((model) => typeof model?.id === 'string' && allowed(model.id));
  const filtered: Record<string, unknown> = { ...list, data };
  if (data.length > 0) {
    if ('first_id' in list) filtered.first_id = data[0].id;
    if ('last_id' in list) filtered.last_id = data[data.length - 1].id;
  }
  return Buffer.from(JSON.stringify(filtered));
}

/** Gemini names a model `models/{id}`; policies name the id, as the request paths do. */
const GEMINI_MODEL_PREFIX = /^models\//;

function isGeminiModelList(value: unknown): value is { models: { name?: unknown }[] } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && Array.isArray((value as { models?: unknown }).models);
}

function isModelList(value: unknown): value is { data: { id?: unknown }[] } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && Array.isArray((value as { data?: unknown }).data);
}
